"""Recovery from the faults tried from outside (issue #20): a lost task is sent again within a
minute; a database that drops its connection after the mail server accepted a message gets
the delivery recorded, not a second mail; a broker down when something is circulated or
uploaded leaves the record saved, tells the person the sending follows, and the sweepers send
it once the broker is back."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, transaction
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerDown

from circulation import services, tasks
from circulation.models import Delivery
from documents.models import DocumentVersion
from documents.tasks import sweep_unread_versions
from networks.scoping import network_scope
from portal.celery import app
from tests.circulation.realworker import Broker, RedisServer, Worker, wait_until
from tests.documents.files import pdf, upload
from tests.documents.test_library import UPLOAD, form


def circulate(net, people=("member", "co_chair", "rco")):
    with transaction.atomic():
        return services.circulation_create(
            network=net.network,
            kind="document",
            sender=net.secretariat,
            recipients=[services.Recipient.of(net.people[p]) for p in people],
            template="document",
            context={"title": "Study"},
            link=f"/n/{net.network.slug}/",
        )


def deliveries(net, circulation):
    with network_scope(net.network):
        return list(Delivery.objects.filter(circulation=circulation))


def test_a_lost_task_is_swept_within_a_minute_and_only_idempotent_tasks_ack_late():
    sweep = django_settings.CELERY_BEAT_SCHEDULE["sweep-stuck-deliveries"]["schedule"]
    assert sweep + django_settings.CIRCULATION_STUCK_AFTER <= 60
    unread = django_settings.CELERY_BEAT_SCHEDULE["sweep-unread-document-versions"]["schedule"]
    assert unread <= 60
    # Stuck means longer than a message takes to reach the mail server.
    assert django_settings.CIRCULATION_STUCK_AFTER > 30


@pytest.mark.django_db(transaction=True)
def test_a_database_drop_after_the_mail_server_accepted_records_sent_and_never_sends_twice(
    kyrgyzstan, mailoutbox, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CIRCULATION_STUCK_AFTER = 0
    circulation = circulate(kyrgyzstan, people=("member",))
    [delivery] = deliveries(kyrgyzstan, circulation)
    real_finish, real_record = tasks._finish, tasks._record_sent
    failures = {"finish": 1, "record": 1}

    def finish(delivery, status, *args, **kwargs):
        if status == Delivery.Status.SENT and failures["finish"]:
            failures["finish"] -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return real_finish(delivery, status, *args, **kwargs)

    def record(delivery_id):
        if failures["record"]:
            failures["record"] -= 1
            raise OperationalError("the database system is starting up")
        return real_record(delivery_id)

    with (
        mock.patch.object(tasks, "_finish", finish),
        mock.patch.object(tasks, "_record_sent", record),
    ):
        tasks.deliver.apply(args=(delivery.pk,))
    assert len(mailoutbox) == 1
    # The sweeper, had the delivery stayed "sending", would have sent it again.
    tasks.sweep_stuck_deliveries()
    [after] = deliveries(kyrgyzstan, circulation)
    assert after.status == "sent" and after.sent_at is not None
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_an_upload_while_the_broker_is_down_is_saved_and_says_the_reading_follows(
    kyrgyzstan, login, settings
):
    client = login(kyrgyzstan.secretariat)

    def broker_down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to redis:6379. Connection refused.")

    with (
        mock.patch("documents.tasks.extract_text.delay", broker_down),
        transaction.atomic(),  # the test's; on_commit would never run inside it: run it now
        mock.patch("django.db.transaction.on_commit", lambda f, *a, **k: f()),
    ):
        response = client.post(
            UPLOAD, {**form(title="Study"), "file": upload("s.pdf", pdf("S"))}, follow=True
        )
    assert response.status_code == 200
    assert "follows by itself as soon as it is back" in response.content.decode()
    with network_scope(kyrgyzstan.network):
        version = DocumentVersion.objects.get(document__title="Study")
    assert version.text_read_at is None
    # Once the broker is back, the sweep hands it to the worker again.
    settings.DOCUMENTS_UNREAD_AFTER = 0
    with mock.patch("documents.tasks.extract_text.delay") as delay:
        assert sweep_unread_versions() >= 1
    assert mock.call(version.pk) in delay.call_args_list


@pytest.mark.django_db
def test_the_approval_that_completes_minutes_while_the_broker_is_down_is_kept_and_says_so(
    kyrgyzstan, login
):
    from datetime import timedelta

    from django.utils import timezone

    from meetings import services as meetings
    from meetings.models import MinutesVersion
    from tests.meetings.conftest import add_items, schedule
    from tests.meetings.test_minutes import written

    held = schedule(kyrgyzstan, start=timezone.now() - timedelta(days=1))
    add_items(kyrgyzstan, held, "Labour migration study")
    minutes = written(kyrgyzstan, held)
    with network_scope(kyrgyzstan.network):
        meetings.minutes_submit(minutes=minutes, by=kyrgyzstan.secretariat)
        version = MinutesVersion.objects.get(minutes=minutes)
        meetings.minutes_approve(
            minutes=minutes, by=kyrgyzstan.co_chair, content_sha256=version.content_sha256
        )

    def broker_down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to redis:6379. Connection refused.")

    url = reverse("meetings:minutes-approve", args=["kyrgyzstan", held.pk])
    with (
        mock.patch("circulation.tasks.send_circulation.delay", broker_down),
        transaction.atomic(),  # the test's; on_commit would never run inside it: run it now
        mock.patch("django.db.transaction.on_commit", lambda f, *a, **k: f()),
    ):
        response = login(kyrgyzstan.co_chair2).post(
            url, {"content_sha256": version.content_sha256}, follow=True
        )
    assert response.status_code == 200
    assert "follows by itself as soon as it is back" in response.content.decode()
    with network_scope(kyrgyzstan.network):
        version.refresh_from_db()
        assert version.approved_at is not None
        waiting = Delivery.objects.filter(circulation__kind="minutes")
        assert waiting.exists() and set(waiting.values_list("status", flat=True)) == {"queued"}


@pytest.mark.realworker
@pytest.mark.django_db(transaction=True)
def test_an_agenda_circulated_while_redis_is_down_is_saved_then_sent_once_it_is_back(
    kyrgyzstan, smtp, tmp_path, settings, login
):
    from tests.meetings.conftest import add_items, schedule

    settings.CIRCULATION_STUCK_AFTER = 1
    meeting = schedule(kyrgyzstan)
    add_items(kyrgyzstan, meeting, "Welcome")

    def url(name):
        return reverse(
            f"meetings:{name}", kwargs={"network": "kyrgyzstan", "meeting_id": meeting.pk}
        )

    assert login(kyrgyzstan.secretariat).post(url("agenda-submit")).status_code == 302
    assert login(kyrgyzstan.co_chair).post(url("agenda-approve")).status_code == 302
    redis = RedisServer(tmp_path).start()
    broker = Broker(redis.url, {})
    worker = None
    try:
        with broker.publishing():
            redis.kill()  # Redis is down when the secretariat circulates
            page = login(kyrgyzstan.secretariat).post(url("agenda-circulate"), follow=True)
            assert page.status_code == 200
            assert "follows by itself as soon as it is back" in page.content.decode()
            with network_scope(kyrgyzstan.network):
                queued = list(Delivery.objects.filter(circulation__about_id=meeting.pk))
            assert queued and {d.status for d in queued} == {"queued"}
            assert smtp.messages == []

            redis.start()
            worker = Worker(
                tmp_path, broker, {"EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}"}
            ).start()

            def swept_and_sent():
                with network_scope(kyrgyzstan.network):
                    statuses = set(
                        Delivery.objects.filter(circulation__about_id=meeting.pk).values_list(
                            "status", flat=True
                        )
                    )
                if statuses == {"sent"}:
                    return True
                tasks.sweep_stuck_deliveries()
                return False

            wait_until(swept_and_sent, timeout=90, every=1.5, describe=worker.tail)
    finally:
        if worker is not None:
            worker.stop()
        redis.kill()
    assert sorted(m["To"] for m in smtp.messages) == sorted(d.address for d in queued)


@pytest.mark.realworker
@pytest.mark.django_db(transaction=True)
def test_a_task_log_line_carries_the_id_of_the_request_that_enqueued_it(
    kyrgyzstan, smtp, tmp_path, client, settings
):
    broker = Broker.for_this_run(tmp_path)
    try:
        with broker.publishing():
            worker = Worker(
                tmp_path,
                broker,
                {
                    "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
                    "LOG_FORMAT": "json",
                    "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # where the upload went
                },
            ).start()
            try:
                client.force_login(kyrgyzstan.secretariat)
                response = client.post(
                    UPLOAD,
                    {**form(title="Study"), "file": upload("s.pdf", pdf("Study"))},
                    HTTP_X_REQUEST_ID="the-upload-0001",
                )
                assert response.status_code == 302
                assert response["X-Request-ID"] == "the-upload-0001"

                def logged():
                    return any(
                        '"task": "documents.tasks.extract_text"' in line
                        and '"request_id": "the-upload-0001"' in line
                        and '"status": "SUCCESS"' in line
                        for line in worker.log.read_text().splitlines()
                    )

                wait_until(logged, timeout=60, describe=worker.tail)
            finally:
                worker.stop()
    finally:
        broker.clean()
    assert app.conf.broker_url == "memory://"
