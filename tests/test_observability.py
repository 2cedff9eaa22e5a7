"""Health you can see: one log line per request with its id (carried into the tasks it
enqueues), /metrics behind its token with figures that move with what the portal does, and
the separate Celery queues."""

from __future__ import annotations

import json
import logging
import re

import pytest
from celery import signals
from django.conf import settings as django_settings
from django.db import transaction
from django.urls import reverse
from kombu import pools

from circulation import services as circulation_services
from circulation.models import Delivery
from circulation.tasks import deliver
from documents.models import DocumentVersion
from documents.tasks import extract_text
from networks.scoping import network_scope
from portal.celery import app
from portal.observability import JsonFormatter, TextFormatter
from tests.circulation.realworker import Broker, RedisServer, _reset_pools
from tests.documents.test_library import make

pytestmark = pytest.mark.django_db
TOKEN = "metrics-token-of-the-tests-0123456789"


def scrape(client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def figure(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" (\S+)"
    found = re.search("^" + pattern + "$", text, re.MULTILINE)
    assert found, f"{name}{{{wanted}}} not in\n{text}"
    return float(found.group(1))


def circulate(net, people=("member", "co_chair", "rco")):
    with transaction.atomic():
        return circulation_services.circulation_create(
            network=net.network,
            kind="document",
            sender=net.secretariat,
            recipients=[circulation_services.Recipient.of(net.people[p]) for p in people],
            template="document",
            context={"title": "Study"},
            link=f"/n/{net.network.slug}/",
        )


# --- /metrics ------------------------------------------------------------------------------


def test_metrics_is_a_404_until_a_token_is_configured_then_401_without_and_403_with_another(
    client, settings
):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404
    settings.METRICS_TOKEN = TOKEN
    missing = client.get("/metrics")
    assert missing.status_code == 401 and missing["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer another").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401
    assert "portal_deliveries" in scrape(client)


def test_the_figures_move_with_a_circulation(
    kyrgyzstan, client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.METRICS_TOKEN = TOKEN
    before = scrape(client)
    queued = figure(before, "portal_deliveries", status="queued")
    sent = figure(before, "portal_deliveries", status="sent")

    circulation = circulate(kyrgyzstan)
    during = scrape(client)
    assert figure(during, "portal_deliveries", status="queued") == queued + 3
    assert figure(during, "portal_oldest_queued_delivery_age_seconds") >= 0
    assert "portal_oldest_queued_delivery_age_seconds 0.0" not in during

    with network_scope(kyrgyzstan.network):
        ids = list(Delivery.objects.filter(circulation=circulation).values_list("pk", flat=True))
    for pk in ids:
        deliver.apply(args=(pk,))
    after = scrape(client)
    assert figure(after, "portal_deliveries", status="queued") == queued
    assert figure(after, "portal_deliveries", status="sent") == sent + 3
    assert len(mailoutbox) == 3


def test_request_latency_is_by_route_name_and_failed_sign_ins_are_counted(
    kyrgyzstan, client, settings
):
    settings.METRICS_TOKEN = TOKEN
    failed = figure(scrape(client), "portal_failed_logins_total")
    client.post(reverse("account_login"), {"login": kyrgyzstan.member.email, "password": "wrong!"})
    client.force_login(kyrgyzstan.member)
    client.get(reverse("networks:home", kwargs={"network": "kyrgyzstan"}))
    text = scrape(client)
    assert figure(text, "portal_failed_logins_total") == failed + 1
    assert 'portal_request_duration_seconds_count{method="GET",route="networks:home"}' in text
    assert "kyrgyzstan" not in text  # routes, never paths or slugs


def test_documents_awaiting_text_extraction_are_counted_until_the_worker_reads_them(
    kyrgyzstan, client, settings
):
    settings.METRICS_TOKEN = TOKEN
    waiting = figure(scrape(client), "portal_documents_awaiting_text_extraction")
    document = make(kyrgyzstan, title="Study")  # its extraction waits for the commit
    assert figure(scrape(client), "portal_documents_awaiting_text_extraction") == waiting + 1
    with network_scope(kyrgyzstan.network):
        version = DocumentVersion.objects.get(document=document)
    assert extract_text.apply(args=(version.pk,)).get() == "indexed"
    assert figure(scrape(client), "portal_documents_awaiting_text_extraction") == waiting


def test_queue_lengths_come_from_redis_per_queue(kyrgyzstan, client, settings, tmp_path):
    settings.METRICS_TOKEN = TOKEN
    redis = RedisServer(tmp_path).start()
    try:
        with Broker(redis.url, {}).publishing():
            deliver.delay(123456)  # nobody consumes: it waits in "mail"
            deliver.delay(123457)
            extract_text.delay(123456)
            text = scrape(client)
            assert figure(text, "portal_celery_queue_length", queue="mail") == 2
            assert figure(text, "portal_celery_queue_length", queue="documents") == 1
            assert figure(text, "portal_celery_queue_length", queue="reports") == 0
            assert figure(text, "portal_broker_up") == 1
            redis.kill()
            down = scrape(client)  # the rest still answers
            assert figure(down, "portal_broker_up") == 0
            assert "portal_deliveries" in down
    finally:
        redis.kill()
        # The memory broker's pools were closed on the way in: the rest of the suite gets
        # new ones.
        pools.reset()
        _reset_pools()


# --- Queues ---------------------------------------------------------------------------------


def test_mail_documents_and_reports_each_have_their_queue():
    router = app.amqp.router
    assert router.route({}, "circulation.tasks.deliver")["queue"].name == "mail"
    assert router.route({}, "circulation.tasks.send_circulation")["queue"].name == "mail"
    assert router.route({}, "documents.tasks.extract_text")["queue"].name == "documents"
    assert router.route({}, "reports.tasks.draft_quarterly_reports")["queue"].name == "reports"
    assert router.route({}, "decisions.tasks.close_due_procedures")["queue"].name == "celery"
    assert set(django_settings.CELERY_QUEUES_ALL) == {"celery", "mail", "documents", "reports"}


# --- Logs -----------------------------------------------------------------------------------


def lines(caplog, name: str) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == name]


def test_one_json_line_per_request_with_its_id_route_network_and_person_never_their_data(
    kyrgyzstan, client, caplog
):
    caplog.set_level(logging.INFO, logger="portal.request")
    client.force_login(kyrgyzstan.member)
    url = reverse("networks:home", kwargs={"network": "kyrgyzstan"})
    response = client.get(url, HTTP_X_REQUEST_ID="req-0123456789abcdef")
    assert response["X-Request-ID"] == "req-0123456789abcdef"
    [line] = lines(caplog, "portal.request")
    assert line["request_id"] == "req-0123456789abcdef"
    assert line["method"] == "GET" and line["route"] == "networks:home"
    assert line["status"] == 200 and line["duration_ms"] >= 0
    assert line["network"] == "kyrgyzstan" and line["user_id"] == kyrgyzstan.member.pk
    text = json.dumps(line)
    assert kyrgyzstan.member.email not in text and url not in text
    assert kyrgyzstan.member.get_full_name() not in text

    caplog.clear()
    # Not an id we accept (spaces, a line break, too long): a new one is made.
    for offered in ("bad id\nforged: line", "x" * 500, ""):
        answer = client.get(url, HTTP_X_REQUEST_ID=offered)
        assert re.fullmatch(r"[0-9a-f]{32}", answer["X-Request-ID"])
    assert len({line["request_id"] for line in lines(caplog, "portal.request")}) == 3


def test_the_request_id_goes_into_the_headers_of_the_tasks_it_enqueues(
    kyrgyzstan, client, django_capture_on_commit_callbacks
):
    published: list[tuple[str, dict]] = []

    def keep(sender=None, headers=None, **kwargs):
        published.append((sender, dict(headers or {})))

    signals.before_task_publish.connect(keep)
    try:
        client.force_login(kyrgyzstan.secretariat)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("documents:upload", kwargs={"network": "kyrgyzstan"}),
                _upload_form(),
                HTTP_X_REQUEST_ID="upload-request-42",
            )
        assert response.status_code == 302, response.content[:500]
    finally:
        signals.before_task_publish.disconnect(keep)
    assert ("documents.tasks.extract_text", "upload-request-42") in {
        (name, headers.get("request_id")) for name, headers in published
    }


def _upload_form():
    from tests.documents.files import pdf, upload
    from tests.documents.test_library import form

    return {**form(), "file": upload("study.pdf", pdf("Study"))}


def test_text_logs_for_development_name_the_same_fields():
    record = logging.LogRecord("portal.request", logging.INFO, __file__, 1, "GET x 200", (), None)
    record.route, record.status, record.request_id = "networks:home", 200, "abc12345"
    text = TextFormatter().format(record)
    assert "GET x 200" in text and "route=networks:home" in text and "request_id=abc12345" in text
    assert json.loads(JsonFormatter().format(record))["route"] == "networks:home"


def test_production_logs_json_and_development_text():
    from tests.test_setup import PRODUCTION, manage

    script = "from django.conf import settings; print(settings.LOG_FORMAT)"
    key = "k" * 60
    production = manage("shell", "-c", script, SECRET_KEY=key, **PRODUCTION)
    assert production.stdout.strip().splitlines()[-1] == "json", production.stderr
    assert manage("shell", "-c", script).stdout.strip().splitlines()[-1] == "text"
