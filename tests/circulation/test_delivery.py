"""Mail goes through a stored circulation with one delivery per recipient, is sent once,
retried when the failure is temporary and failed with its reason when it is permanent."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from circulation import services
from circulation.models import Circulation, Delivery
from circulation.tasks import deliver, send_circulation, sweep_stuck_deliveries
from networks.scoping import network_scope, scopes_disabled

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.realworker]


def circulate(net, people=("member", "member_unhcr", "co_chair"), **kwargs):
    return services.circulation_create(
        network=net.network,
        kind="document",
        sender=net.people["secretariat"],
        recipients=[services.Recipient.of(net.people[key]) for key in people],
        template="document",
        context={"title": "Study on labour migration", "message": "Please read before Q3."},
        link=f"/n/{net.network.slug}/",
        **kwargs,
    )


def deliveries(net):
    with network_scope(net.network):
        return {d.address: d for d in Delivery.objects.all()}


def run_all(net):
    for delivery in deliveries(net).values():
        deliver.apply(args=[delivery.pk])


def test_one_mail_per_recipient_with_text_html_link_and_footnote(kyrgyzstan, smtp):
    from networks.models import Network

    Network.objects.filter(pk=kyrgyzstan.network.pk).update(
        designation_footnote="Footnote of this network."
    )
    kyrgyzstan.network.refresh_from_db()
    with transaction.atomic():
        circulate(kyrgyzstan)
    run_all(kyrgyzstan)
    assert len(smtp.messages) == 3
    message = smtp.to(kyrgyzstan.member.email)[0]
    assert message["Subject"].strip() == f"[{kyrgyzstan.network.name}] Study on labour migration"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Footnote of this network." in text and "Footnote of this network." in html
    assert "/c/o/" in text and "/c/o/" in html
    sent = deliveries(kyrgyzstan)[kyrgyzstan.member.email]
    assert sent.status == Delivery.Status.SENT and sent.sent_at
    assert message["Message-ID"] == sent.message_id


def test_each_recipient_reads_their_own_language(kyrgyzstan, smtp):
    kyrgyzstan.member.language = "ru"
    kyrgyzstan.member.save()
    circulate(kyrgyzstan)
    run_all(kyrgyzstan)
    russian = smtp.to(kyrgyzstan.member.email)[0].get_body(("plain",)).get_content()
    english = smtp.to(kyrgyzstan.member_unhcr.email)[0].get_body(("plain",)).get_content()
    assert "Секретариат рассылает" in russian
    assert "The secretariat circulates" in english


def test_a_rollback_leaves_no_circulation_and_sends_nothing(kyrgyzstan, smtp, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # a task enqueued at all would send at once
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            circulate(kyrgyzstan)
            raise RuntimeError("the approving action failed")
    with scopes_disabled():
        assert not Circulation.objects.exists() and not Delivery.objects.exists()
    assert smtp.messages == []


def test_running_the_task_twice_sends_once(kyrgyzstan, smtp):
    circulate(kyrgyzstan, people=("member",))
    delivery = deliveries(kyrgyzstan)[kyrgyzstan.member.email]
    assert deliver.apply(args=[delivery.pk]).get() == "sent"
    assert deliver.apply(args=[delivery.pk]).get() == "skipped"
    assert len(smtp.messages) == 1


def test_one_bad_recipient_fails_with_its_reason_and_the_rest_are_sent(kyrgyzstan, smtp):
    smtp.refuse[kyrgyzstan.member_unhcr.email] = "550 5.1.1 No such mailbox"
    circulate(kyrgyzstan)
    run_all(kyrgyzstan)
    result = deliveries(kyrgyzstan)
    refused = result[kyrgyzstan.member_unhcr.email]
    assert refused.status == Delivery.Status.FAILED
    assert "550" in refused.last_error and "No such mailbox" in refused.last_error
    assert {d.status for a, d in result.items() if a != kyrgyzstan.member_unhcr.email} == {"sent"}
    assert len(smtp.messages) == 2


def test_a_temporary_refusal_is_retried_until_it_is_sent(kyrgyzstan, smtp, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # retries run at once, in this process
    smtp.down_for = 2
    circulate(kyrgyzstan, people=("member",))
    delivery = deliveries(kyrgyzstan)[kyrgyzstan.member.email]
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 3
    assert len(smtp.messages) == 1


def test_smtp_down_for_good_fails_with_the_reason(kyrgyzstan, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    settings.CIRCULATION_MAX_ATTEMPTS = 3
    circulate(kyrgyzstan, people=("member",))
    delivery = deliveries(kyrgyzstan)[kyrgyzstan.member.email]
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 3
    assert "ConnectionRefusedError" in delivery.last_error


def test_the_sweeper_requeues_stuck_deliveries(kyrgyzstan, smtp, settings):
    settings.CIRCULATION_STUCK_AFTER = 0
    circulate(kyrgyzstan, people=("member", "co_chair"))
    stuck = deliveries(kyrgyzstan)[kyrgyzstan.member.email]
    with network_scope(kyrgyzstan.network):
        Delivery.objects.filter(pk=stuck.pk).update(
            status=Delivery.Status.SENDING
        )  # a killed worker
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert sweep_stuck_deliveries.apply().get() == 2
    assert {d.status for d in deliveries(kyrgyzstan).values()} == {"sent"}


def test_a_template_that_cannot_render_is_refused_before_anything_is_stored(kyrgyzstan):
    with pytest.raises(ValidationError, match="nothing was stored or sent"):
        services.circulation_create(
            network=kyrgyzstan.network,
            kind="document",
            sender=kyrgyzstan.secretariat,
            recipients=[services.Recipient.of(kyrgyzstan.member)],
            template="no-such-template",
            context={},
        )
    with scopes_disabled():
        assert not Circulation.objects.exists()


def test_the_secretariat_resends_a_failed_delivery_with_the_same_message_id(
    kyrgyzstan, smtp, client
):
    smtp.refuse[kyrgyzstan.member.email] = "550 mailbox full"
    circulate(kyrgyzstan, people=("member",))
    run_all(kyrgyzstan)
    failed = deliveries(kyrgyzstan)[kyrgyzstan.member.email]
    assert failed.status == "failed"
    smtp.refuse.clear()
    client.force_login(kyrgyzstan.secretariat)
    url = reverse("circulation:resend", kwargs={"network": "kyrgyzstan", "delivery_id": failed.pk})
    assert client.post(url).status_code == 302
    run_all(kyrgyzstan)
    again = deliveries(kyrgyzstan)[kyrgyzstan.member.email]
    assert again.pk == failed.pk and again.status == "sent" and again.attempts == 2
    assert smtp.messages[0]["Message-ID"] == failed.message_id


def test_a_malformed_address_fails_with_a_reason_and_the_rest_are_sent(kyrgyzstan, smtp):
    services.circulation_create(
        network=kyrgyzstan.network,
        kind="document",
        sender=kyrgyzstan.secretariat,
        recipients=[services.Recipient("not an address"), services.Recipient.of(kyrgyzstan.member)],
        template="document",
        context={"title": "Study"},
    )
    run_all(kyrgyzstan)
    result = deliveries(kyrgyzstan)
    assert result["not an address"].status == Delivery.Status.FAILED
    assert result["not an address"].last_error
    assert result[kyrgyzstan.member.email].status == Delivery.Status.SENT


def test_the_sweeper_does_not_cut_a_retry_back_off_short(kyrgyzstan, settings):
    settings.CIRCULATION_STUCK_AFTER = 60
    circulate(kyrgyzstan, people=("member", "co_chair"))
    now = timezone.now()
    long_ago = now - timezone.timedelta(hours=2)
    with network_scope(kyrgyzstan.network):
        # Failed an hour and a half ago, retried in an hour: still waiting for its turn.
        Delivery.objects.filter(recipient=kyrgyzstan.member).update(
            updated_at=long_ago, retry_at=now + timezone.timedelta(minutes=30)
        )
        # Its retry was due an hour ago and never ran: lost.
        Delivery.objects.filter(recipient=kyrgyzstan.co_chair).update(
            updated_at=long_ago, retry_at=now - timezone.timedelta(hours=1)
        )
    assert sweep_stuck_deliveries.apply().get() == 1
    with network_scope(kyrgyzstan.network):
        assert Delivery.objects.get(recipient=kyrgyzstan.co_chair).retry_at is None
        assert Delivery.objects.get(recipient=kyrgyzstan.member).retry_at is not None


def test_one_task_per_mailing_is_enqueued_and_fans_out_to_every_delivery(kyrgyzstan, smtp):
    circulation = circulate(kyrgyzstan)
    assert send_circulation.apply(args=[circulation.pk]).get() == 3
    # Memory broker: nothing ran yet; each delivery is sent by its own task.
    run_all(kyrgyzstan)
    assert len(smtp.messages) == 3


def test_a_calendar_invitation_arrives_as_an_attachment(kyrgyzstan, smtp):
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Network Portal//EN\r\nEND:VCALENDAR\r\n"
    circulate(
        kyrgyzstan,
        people=("member",),
        attachments=[services.File("meeting.ics", "text/calendar", ics.encode())],
    )
    run_all(kyrgyzstan)
    message = smtp.to(kyrgyzstan.member.email)[0]
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "meeting.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert "BEGIN:VCALENDAR" in attachment.get_content()
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None


def test_a_large_mailing_gets_its_deliveries_right_after_the_commit(
    kyrgyzstan, smtp, settings, monkeypatch
):
    monkeypatch.setattr(services, "INLINE_RECIPIENTS", 2)
    circulation = circulate(kyrgyzstan, people=("member", "member_unhcr", "co_chair"))
    assert deliveries(kyrgyzstan) == {}  # not yet: the worker creates them
    with network_scope(kyrgyzstan.network):
        assert len(Circulation.objects.get(pk=circulation.pk).pending) == 3
    assert send_circulation.apply(args=[circulation.pk]).get() == 3
    assert send_circulation.apply(args=[circulation.pk]).get() == 3  # twice: no new rows
    assert len(deliveries(kyrgyzstan)) == 3
    run_all(kyrgyzstan)
    assert len(smtp.messages) == 3
    assert {m["Message-ID"] for m in smtp.messages} == {
        d.message_id for d in deliveries(kyrgyzstan).values()
    }


def test_a_large_mailing_whose_first_task_was_lost_is_picked_up_by_the_sweeper(
    kyrgyzstan, smtp, settings, monkeypatch
):
    monkeypatch.setattr(services, "INLINE_RECIPIENTS", 1)
    settings.CIRCULATION_STUCK_AFTER = 0
    circulate(kyrgyzstan, people=("member", "co_chair"))  # its task goes nowhere
    settings.CELERY_TASK_ALWAYS_EAGER = True
    sweep_stuck_deliveries.apply()
    assert {d.status for d in deliveries(kyrgyzstan).values()} == {"sent"}
    assert len(smtp.messages) == 2


def test_a_large_mailing_rolled_back_leaves_nothing(kyrgyzstan, smtp, settings, monkeypatch):
    monkeypatch.setattr(services, "INLINE_RECIPIENTS", 1)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            circulate(kyrgyzstan)
            raise RuntimeError("the approving action failed")
    with scopes_disabled():
        assert not Circulation.objects.exists() and not Delivery.objects.exists()
    assert smtp.messages == []


def test_redis_keeps_a_waiting_retry_invisible_longer_than_the_longest_back_off():
    import subprocess
    import sys

    from django.conf import settings as django_settings

    code = (
        "from django.conf import settings; from portal.celery import app; "
        "from circulation.tasks import backoff; "
        "print(app.conf.broker_transport_options['visibility_timeout'], backoff(99))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=django_settings.BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    visibility, longest = map(int, result.stdout.split()[-2:])
    assert visibility > longest * 2, result.stderr
