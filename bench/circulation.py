"""The mail queue under load: one mailing to 1,000 recipients through a real Celery worker,
a real Redis and an SMTP server on loopback.

Run by bench/run.py after the page rows, on the same throw-away database (which by then holds
the generated networks and their people). Prints:

- the action: `circulation_create` in its own transaction, as the view that circulates runs
  it, for 10 and for 1,000 recipients (median of a few runs; the mailings are rolled back,
  so nothing is sent) — it must not grow with the number of recipients;
- the delivery: from the commit of a 1,000-recipient mailing to the last delivery sent, and
  deliveries per second, with a worker of concurrency 2 (this machine's cores).

Redis is the one REDIS_URL names or, without it, a redis-server of the benchmark's own on a
free port; the SMTP server (aiosmtpd) accepts every message and counts them.
"""

from __future__ import annotations

import os
import shutil
import statistics
import threading
import time
from dataclasses import dataclass
from pathlib import Path

RECIPIENTS = 1000
ACTION_RUNS = 5
WORKER_CONCURRENCY = 2
DELIVERY_TIMEOUT = 300  # seconds; the target is 60


@dataclass
class MailRow:
    name: str
    value: str
    target: str
    met: bool


class CountingSink:
    """An SMTP server that accepts everything and counts the messages."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 Message accepted"


def _recipients(count: int):
    from django.contrib.auth import get_user_model

    from circulation.services import Recipient

    people = list(get_user_model().objects.filter(is_active=True).order_by("pk")[:count])
    if len(people) < count:
        raise SystemExit(
            f"The mail benchmark needs {count} people; the database has {len(people)}. "
            "Run it with --networks 100 or more."
        )
    return [Recipient.of(person) for person in people]


def _circulate(network, sender, recipients):
    from django.db import transaction

    from circulation.services import circulation_create

    with transaction.atomic():
        return circulation_create(
            network=network,
            kind="document",
            sender=sender,
            recipients=recipients,
            template="document",
            context={"title": "Benchmark mailing", "message": "One mailing, many recipients."},
            link=f"/n/{network.slug}/",
        )


class _Rollback(Exception):
    pass


def _time_action(network, sender, recipients) -> float:
    """Median milliseconds of circulate-and-roll-back: the work a request does, without
    leaving anything behind or sending anything."""
    from django.db import transaction

    samples = []
    for _ in range(ACTION_RUNS):
        started = time.perf_counter()
        try:
            with transaction.atomic():
                _circulate(network, sender, recipients)
                samples.append((time.perf_counter() - started) * 1000)
                raise _Rollback
        except _Rollback:
            pass
    return statistics.median(samples)


def run(scratch: Path) -> tuple[str, list[MailRow]]:
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from circulation.models import Delivery
    from networks.models import Network
    from networks.scoping import network_scope
    from tests.circulation.realworker import Broker, RedisServer, Worker, free_port

    network = Network.objects.get(slug="kyrgyzstan")
    sender = get_user_model().objects.get(email="secretariat@kyrgyzstan.example.org")
    many = _recipients(RECIPIENTS)
    few = many[:10]

    rows = []
    small = _time_action(network, sender, few)
    large = _time_action(network, sender, many)
    rows.append(MailRow("action, 10 recipients (median ms)", f"{small:.1f}", "< 300", small < 300))
    rows.append(
        MailRow(
            f"action, {RECIPIENTS:,} recipients (median ms)", f"{large:.1f}", "< 300", large < 300
        )
    )

    own_redis = None
    redis_url = os.environ.get("REDIS_URL") or None
    if redis_url is None:
        if shutil.which("redis-server") is None:
            raise SystemExit(
                "The mail benchmark needs Redis: set REDIS_URL or install redis-server."
            )
        own_redis = RedisServer(scratch).start()
        redis_url = own_redis.url
    broker = Broker.for_this_run(scratch, redis_url=redis_url)
    sink = CountingSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    worker = Worker(
        scratch,
        broker,
        {"EMAIL_URL": f"smtp://127.0.0.1:{port}", "CIRCULATION_RETRY_BASE": "1"},
        concurrency=WORKER_CONCURRENCY,
    )
    try:
        with broker.publishing():
            worker.start()
            started = time.monotonic()
            circulation = _circulate(network, sender, many)
            committed = time.monotonic()

            with network_scope(network):
                deliveries = Delivery.objects.filter(circulation=circulation)

                def done() -> int:
                    return deliveries.filter(status__in=["sent", "failed"]).count()

                while done() < RECIPIENTS and time.monotonic() - started < DELIVERY_TIMEOUT:
                    time.sleep(0.25)
                finished = time.monotonic()
                sent = deliveries.filter(status="sent").count()
                failed = deliveries.filter(status="failed").count()
    finally:
        worker.stop()
        controller.stop()
        broker.clean()
        if own_redis is not None:
            own_redis.kill()

    elapsed = finished - committed
    rows.append(
        MailRow(
            f"commit → last of {RECIPIENTS:,} deliveries sent (s)",
            f"{elapsed:.1f}",
            "< 60",
            sent == RECIPIENTS and elapsed < 60,
        )
    )
    rows.append(MailRow("deliveries per second", f"{sent / elapsed:.1f}", "", True))
    rows.append(
        MailRow(
            "sent / failed / messages received",
            f"{sent} / {failed} / {sink.count}",
            f"{RECIPIENTS} / 0 / {RECIPIENTS}",
            sent == RECIPIENTS and failed == 0 and sink.count == RECIPIENTS,
        )
    )
    broker_name = "Redis from REDIS_URL" if own_redis is None else "a redis-server of its own"
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[1]
    description = (
        f"mail queue: {broker_name}, one worker of concurrency {WORKER_CONCURRENCY}, "
        f"{engine}, SMTP on loopback"
    )
    return description, rows


def table(rows: list[MailRow]) -> str:
    width = max(len(row.name) for row in rows)
    value_width = max(len("value"), *(len(row.value) for row in rows))
    target_width = max(len("target"), *(len(row.target) for row in rows))
    lines = [
        f"| {'mail queue':<{width}} | {'value':>{value_width}} | {'target':<{target_width}} | met |",
        f"|{'-' * (width + 2)}|{'-' * (value_width + 1)}:|{'-' * (target_width + 2)}|-----|",
    ]
    for row in rows:
        met = "" if not row.target else ("yes" if row.met else "NO")
        lines.append(
            f"| {row.name:<{width}} | {row.value:>{value_width}} "
            f"| {row.target:<{target_width}} | {met:<3} |"
        )
    return "\n".join(lines)
