"""A person may take documents, reminders and reports in one daily digest per network;
agendas, minutes and consultations still reach them at once."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from circulation import services
from circulation.models import Circulation, Delivery, MailPreference
from circulation.tasks import send_digests
from networks.scoping import network_scope

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


def circulate(net, kind, title, people=("member", "co_chair")):
    return services.circulation_create(
        network=net.network,
        kind=kind,
        sender=net.people["secretariat"],
        recipients=[services.Recipient.of(net.people[key]) for key in people],
        template="document",
        context={"title": title},
        link=f"/n/{net.network.slug}/",
    )


def status_of(net, circulation, key):
    with network_scope(net.network):
        return Delivery.objects.get(circulation=circulation, recipient=net.people[key])


def choose_daily(client, net, key):
    client.force_login(net.people[key])
    response = client.post(
        reverse("circulation:mine", kwargs={"network": net.network.slug}),
        {"optional_mail": "daily"},
    )
    assert response.status_code == 302


def test_a_person_who_chose_the_digest_gets_documents_once_a_day_and_agendas_at_once(
    kyrgyzstan, smtp, eager, client
):
    choose_daily(client, kyrgyzstan, "member")
    document = circulate(kyrgyzstan, "document", "Study on remittances")
    agenda = circulate(kyrgyzstan, "agenda", "Agenda of the Q3 meeting")

    member = kyrgyzstan.member.email
    name = kyrgyzstan.network.name
    assert [m["Subject"].strip() for m in smtp.to(member)] == [f"[{name}] Agenda of the Q3 meeting"]
    assert len(smtp.to(kyrgyzstan.co_chair.email)) == 2
    assert status_of(kyrgyzstan, agenda, "member").status == Delivery.Status.SENT
    assert status_of(kyrgyzstan, document, "member").status == Delivery.Status.DIGEST
    page = client.get(reverse("circulation:mine", kwargs={"network": "kyrgyzstan"}))
    assert "Waiting for the daily digest" in page.content.decode()

    assert send_digests.apply().get() == 1
    assert send_digests.apply().get() == 0  # the next run finds nothing new
    digests = [m for m in smtp.to(member) if "daily digest" in m["Subject"]]
    assert len(digests) == 1
    text = digests[0].get_body(("plain",)).get_content()
    assert "Study on remittances" in text and "Agenda of the Q3 meeting" not in text
    held = status_of(kyrgyzstan, document, "member")
    assert held.status == Delivery.Status.SENT and held.sent_at is not None

    # The item's own link in the digest records that the member opened that document.
    item_link = re.search(r"https?://\S+/c/o/\S+/", text).group(0)
    client.force_login(kyrgyzstan.member)
    client.get(urlsplit(item_link).path)
    assert status_of(kyrgyzstan, document, "member").opened_at is not None


def test_the_digest_is_a_mailing_the_secretariat_sees(kyrgyzstan, smtp, eager, client):
    MailPreference.objects.create(user=kyrgyzstan.member, optional_mail="daily")
    circulate(kyrgyzstan, "report", "Quarterly report", people=("member",))
    send_digests.apply()
    with network_scope(kyrgyzstan.network):
        digest = Circulation.objects.get(kind=Circulation.Kind.DIGEST)
        assert digest.deliveries.get().status == Delivery.Status.SENT
    client.force_login(kyrgyzstan.secretariat)
    listing = client.get(reverse("circulation:list", kwargs={"network": "kyrgyzstan"}))
    assert "Daily digest" in listing.content.decode()


def test_when_the_digest_fails_its_items_fail_with_the_reason(kyrgyzstan, smtp, eager):
    MailPreference.objects.create(user=kyrgyzstan.member, optional_mail="daily")
    smtp.refuse[kyrgyzstan.member.email] = "550 5.2.1 Mailbox disabled"
    document = circulate(kyrgyzstan, "document", "Study", people=("member",))
    send_digests.apply()
    held = status_of(kyrgyzstan, document, "member")
    assert held.status == Delivery.Status.FAILED
    assert "daily digest failed" in held.last_error and "Mailbox disabled" in held.last_error


def test_digests_never_mix_networks(kyrgyzstan, mongolia, smtp, eager):
    # The same person in two networks gets one digest from each, each with its own footer.
    person = kyrgyzstan.member
    MailPreference.objects.create(user=person, optional_mail="daily")
    circulate(kyrgyzstan, "document", "Kyrgyz study", people=("member",))
    services.circulation_create(
        network=mongolia.network,
        kind="document",
        sender=mongolia.secretariat,
        recipients=[services.Recipient.of(person)],
        template="document",
        context={"title": "Mongolian study"},
    )
    assert send_digests.apply().get() == 2
    texts = [m.get_body(("plain",)).get_content() for m in smtp.to(person.email)]
    kyrgyz = next(t for t in texts if "Kyrgyz study" in t)
    mongolian = next(t for t in texts if "Mongolian study" in t)
    assert "Mongolian study" not in kyrgyz and "Mongolia" not in kyrgyz
    assert "Kyrgyz study" not in mongolian


def test_an_unknown_choice_is_refused_and_changes_nothing(kyrgyzstan, client):
    client.force_login(kyrgyzstan.member)
    response = client.post(
        reverse("circulation:mine", kwargs={"network": "kyrgyzstan"}), {"optional_mail": "weekly"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not MailPreference.objects.exists()
