import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from circulation import services
from circulation.mail import opened_token
from circulation.models import Delivery
from networks.scoping import network_scope
from tests.helpers import without_csrf


def circulate(net, keys=("member", "co_chair"), title="Study"):
    return services.circulation_create(
        network=net.network,
        kind="document",
        sender=net.people["secretariat"],
        recipients=[services.Recipient.of(net.people[key]) for key in keys],
        template="document",
        context={"title": title},
        link=f"/n/{net.network.slug}/",
    )


def delivery_of(net, key):
    with network_scope(net.network):
        return Delivery.objects.get(recipient=net.people[key])


def test_the_opened_link_records_the_first_opening_by_its_recipient(kyrgyzstan, client):
    circulate(kyrgyzstan)
    delivery = delivery_of(kyrgyzstan, "member")
    url = reverse("circulation-opened", kwargs={"token": opened_token(delivery)})
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(
        reverse("account_login")
    )
    client.force_login(kyrgyzstan.co_chair)  # someone else following the link records nothing
    assert client.get(url)["Location"] == "/n/kyrgyzstan/"
    assert delivery_of(kyrgyzstan, "member").opened_at is None
    client.force_login(kyrgyzstan.member)
    assert client.get(url)["Location"] == "/n/kyrgyzstan/"
    first = delivery_of(kyrgyzstan, "member").opened_at
    assert first is not None
    client.get(url)
    assert delivery_of(kyrgyzstan, "member").opened_at == first


@pytest.mark.parametrize("token", ["nonsense", "1:abc:def", "x" * 300])
def test_a_forged_opened_link_is_a_404(kyrgyzstan, client, token):
    client.force_login(kyrgyzstan.member)
    assert client.get(reverse("circulation-opened", kwargs={"token": token})).status_code == 404


def test_the_secretariat_sees_each_mailing_with_its_delivery_states(kyrgyzstan, login):
    circulation = circulate(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        Delivery.objects.filter(recipient=kyrgyzstan.member).update(
            status="failed", last_error="550 no such mailbox"
        )
    client = login(kyrgyzstan.secretariat)
    listing = client.get(
        reverse("circulation:list", kwargs={"network": "kyrgyzstan"})
    ).content.decode()
    assert "Study" in listing
    detail = client.get(
        reverse(
            "circulation:detail", kwargs={"network": "kyrgyzstan", "circulation_id": circulation.pk}
        ),
        {"status": "failed"},
    ).content.decode()
    assert "550 no such mailbox" in detail and kyrgyzstan.member.email in detail
    assert kyrgyzstan.co_chair.email not in detail
    assert "Send again" in detail


def test_members_do_not_see_the_mailings_but_see_their_own_mail(kyrgyzstan, login):
    circulate(kyrgyzstan, keys=("member",), title="For the member")
    client = login(kyrgyzstan.member)
    assert (
        client.get(reverse("circulation:list", kwargs={"network": "kyrgyzstan"})).status_code == 403
    )
    mine = client.get(
        reverse("circulation:mine", kwargs={"network": "kyrgyzstan"})
    ).content.decode()
    assert "For the member" in mine
    other = login(kyrgyzstan.co_chair).get(
        reverse("circulation:mine", kwargs={"network": "kyrgyzstan"})
    )
    assert "For the member" not in other.content.decode()


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_mailing_pages_run_a_fixed_number_of_queries(kyrgyzstan, login):
    first = circulate(kyrgyzstan)
    client = login(kyrgyzstan.secretariat)
    listing = reverse("circulation:list", kwargs={"network": "kyrgyzstan"})
    detail = reverse(
        "circulation:detail", kwargs={"network": "kyrgyzstan", "circulation_id": first.pk}
    )
    before = (_queries(client, listing), _queries(client, detail))
    for index in range(15):
        circulate(
            kyrgyzstan,
            keys=("member", "co_chair", "member_unhcr", "rco", "partner"),
            title=f"Mail {index}",
        )
    assert (_queries(client, listing), _queries(client, detail)) == before


def test_nothing_of_another_network_leaks_into_my_mail(kyrgyzstan, mongolia, login):
    circulate(mongolia, keys=("member",), title="Mongolian secret")
    page = login(kyrgyzstan.member).get(
        reverse("circulation:mine", kwargs={"network": "kyrgyzstan"})
    )
    assert not re.search("Mongolian secret", page.content.decode())


def test_the_secretariat_reads_a_delivery_as_sent_without_the_recipients_personal_link(
    kyrgyzstan, login
):
    circulate(kyrgyzstan, title="Labour study")
    delivery = delivery_of(kyrgyzstan, "member")
    url = reverse(
        "circulation:message", kwargs={"network": "kyrgyzstan", "delivery_id": delivery.pk}
    )
    page = login(kyrgyzstan.secretariat).get(url).content.decode()
    assert "Labour study" in page and delivery.message_id.strip("<>") in page
    assert "/c/o/" not in page and "opened-link-of-this-delivery" not in page
    assert "http://127.0.0.1:8000/n/kyrgyzstan/" in page


def test_a_person_reads_their_own_mail_but_not_someone_elses(kyrgyzstan, login):
    circulate(kyrgyzstan, title="Labour study")
    own = delivery_of(kyrgyzstan, "member")
    other = delivery_of(kyrgyzstan, "co_chair")
    client = login(kyrgyzstan.member)

    def url(delivery):
        return reverse(
            "circulation:message", kwargs={"network": "kyrgyzstan", "delivery_id": delivery.pk}
        )

    assert "Labour study" in client.get(url(own)).content.decode()
    assert client.get(url(other)).status_code == 404


def test_my_mail_runs_a_fixed_number_of_queries(kyrgyzstan, login):
    circulate(kyrgyzstan)
    client = login(kyrgyzstan.member)
    mine = reverse("circulation:mine", kwargs={"network": "kyrgyzstan"})
    message = reverse(
        "circulation:message",
        kwargs={"network": "kyrgyzstan", "delivery_id": delivery_of(kyrgyzstan, "member").pk},
    )
    before = (_queries(client, mine), _queries(client, message))
    for index in range(15):
        circulate(kyrgyzstan, title=f"Mail {index}")
    assert (_queries(client, mine), _queries(client, message)) == before


def test_an_opened_link_sends_an_outsider_to_the_same_404_as_a_missing_page(
    kyrgyzstan, mongolia, client
):
    circulate(kyrgyzstan)
    delivery = delivery_of(kyrgyzstan, "member")
    url = reverse("circulation-opened", kwargs={"token": opened_token(delivery)})
    client.force_login(mongolia.member)  # signed in, but holds no role in Kyrgyzstan
    answer = client.get(url)
    missing = client.get("/no-such-page/")
    assert answer.status_code == 404 and "Location" not in answer
    assert "kyrgyzstan" not in answer.content.decode().lower()
    assert without_csrf(answer.content) == without_csrf(missing.content)
    assert delivery_of(kyrgyzstan, "member").opened_at is None


def test_an_opened_link_expires_after_the_configured_days(kyrgyzstan, client, settings):
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    circulate(kyrgyzstan)
    delivery = delivery_of(kyrgyzstan, "member")
    url = reverse("circulation-opened", kwargs={"token": opened_token(delivery)})
    client.force_login(kyrgyzstan.member)
    assert settings.OPENED_LINK_MAX_AGE_DAYS == 90
    later = timezone.now().timestamp() + timedelta(days=91).total_seconds()
    # Only the signature's clock moves: the session (accounts.middleware) keeps today's.
    with mock.patch("django.core.signing.time") as clock:
        clock.time.return_value = later
        expired = client.get(url)
    assert expired.status_code == 404 and "Location" not in expired
    assert delivery_of(kyrgyzstan, "member").opened_at is None
    settings.OPENED_LINK_MAX_AGE_DAYS = 120
    with mock.patch("django.core.signing.time") as clock:
        clock.time.return_value = later
        assert client.get(url)["Location"] == "/n/kyrgyzstan/"
    assert delivery_of(kyrgyzstan, "member").opened_at is not None
