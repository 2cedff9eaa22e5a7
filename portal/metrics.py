"""/metrics for Prometheus (prometheus_client; why not django-prometheus: docs/adr/0005).

Behind METRICS_TOKEN: without it configured the route is a 404 like any missing page; a
scrape without `Authorization: Bearer <token>` is a 401, with another token a 403.

Two kinds of figures:
- request latency by route (a histogram observed by portal.observability's middleware);
  with several gunicorn workers set PROMETHEUS_MULTIPROC_DIR so that every worker's figures
  are added up (deploy/gunicorn.conf.py);
- what the portal's own tables and broker hold, read at each scrape, so every web process
  answers the same: deliveries per status, the age of the oldest queued delivery, the Celery
  queues' lengths, the document versions still awaiting text extraction, and failed sign-ins
  (counted in the shared cache: Redis, or the file cache of one machine).
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

FAILED_LOGINS_KEY = "portal:metrics:failed-logins"
# Kombu's Redis transport keeps a queue's messages of priority > 0 in lists of their own.
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (0, 3, 6, 9)

REQUEST_LATENCY = Histogram(
    "portal_request_duration_seconds",
    "Time to answer a request, by route name (no path: paths carry tokens)",
    ["route", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


def observe_request(route: str, method: str, seconds: float) -> None:
    REQUEST_LATENCY.labels(route=route, method=method).observe(seconds)


def count_failed_login(**kwargs: object) -> None:
    """django.contrib.auth's user_login_failed (allauth's password sign-in sends it)."""
    try:
        cache.add(FAILED_LOGINS_KEY, 0, timeout=None)
        cache.incr(FAILED_LOGINS_KEY)
    except Exception:  # a cache that does not answer must not turn a refusal into a 500
        logger.warning("could not count a failed sign-in", exc_info=True)


def queue_lengths() -> dict[str, int] | None:
    """Messages waiting in each Celery queue: LLEN on Redis, files on the embedded
    filesystem broker; None for another broker (nothing is reported)."""
    from portal.celery import app

    url = app.conf.broker_url or ""
    options = app.conf.broker_transport_options or {}
    queues = settings.CELERY_QUEUES_ALL
    if url.startswith(("redis://", "rediss://", "unix://")):
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        prefix = options.get("global_keyprefix", "")
        try:
            with client.pipeline(transaction=False) as pipe:
                for queue in queues:
                    for step in PRIORITY_STEPS:
                        name = queue if step == 0 else f"{queue}{PRIORITY_SEPARATOR}{step}"
                        pipe.llen(prefix + name)
                counts = pipe.execute()
        finally:
            client.close()
        per = len(PRIORITY_STEPS)
        return {q: sum(counts[i * per : (i + 1) * per]) for i, q in enumerate(queues)}
    if url.startswith("filesystem://"):
        folder = Path(options.get("data_folder_in", ""))
        names = [entry.name for entry in os.scandir(folder)] if folder.is_dir() else []
        return {q: sum(name.endswith(f".{q}.msg") for name in names) for q in queues}
    return None


class PortalCollector(Collector):
    """The figures read from the database and the broker at each scrape."""

    def collect(self) -> Iterator:
        from circulation.models import Delivery
        from documents.models import DocumentVersion
        from networks.scoping import scopes_disabled

        with scopes_disabled():
            by_status = dict(
                Delivery.objects.order_by()
                .values_list("status")
                .annotate(n=Count("pk"))
                .values_list("status", "n")
            )
            oldest = Delivery.objects.filter(status=Delivery.Status.QUEUED).aggregate(
                at=Min("updated_at")
            )["at"]
            unread = DocumentVersion.objects.filter(text_read_at__isnull=True).count()
        deliveries = GaugeMetricFamily(
            "portal_deliveries",
            "Deliveries (one per recipient of a mailing) by status",
            labels=["status"],
        )
        for status in Delivery.Status.values:
            deliveries.add_metric([status], by_status.get(status, 0))
        yield deliveries
        age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(
            "portal_oldest_queued_delivery_age_seconds",
            "Since when the oldest queued delivery has waited (0: none is queued)",
            value=max(age, 0.0),
        )
        yield GaugeMetricFamily(
            "portal_documents_awaiting_text_extraction",
            "Document versions whose text the worker has not read yet",
            value=unread,
        )
        try:
            lengths = queue_lengths()
        except Exception as error:  # the broker down: say so, answer the rest
            logger.warning("queue lengths unavailable: %s", type(error).__name__)
            lengths = None
            yield GaugeMetricFamily(
                "portal_broker_up", "Whether the broker answered this scrape", value=0
            )
        else:
            yield GaugeMetricFamily(
                "portal_broker_up", "Whether the broker answered this scrape", value=1
            )
        if lengths is not None:
            queues = GaugeMetricFamily(
                "portal_celery_queue_length", "Messages waiting in a Celery queue", labels=["queue"]
            )
            for queue, length in lengths.items():
                queues.add_metric([queue], length)
            yield queues
        try:
            failed = int(cache.get(FAILED_LOGINS_KEY) or 0)
        except Exception:
            failed = 0
        yield CounterMetricFamily(
            "portal_failed_logins", "Sign-ins refused for a wrong password", value=failed
        )


def registry() -> CollectorRegistry:
    """This process's latency histogram (or every worker's, in multiprocess mode) and the
    portal's own figures."""
    scrape = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(scrape)
    else:
        scrape.register(REQUEST_LATENCY)
    scrape.register(PortalCollector())
    return scrape


def _authorised(request: HttpRequest) -> int:
    """200, 401 (no bearer token) or 403 (another token)."""
    header = request.headers.get("Authorization", "")
    scheme, _, offered = header.partition(" ")
    if scheme.lower() != "bearer" or not offered.strip():
        return 401
    if not hmac.compare_digest(offered.strip().encode(), settings.METRICS_TOKEN.encode()):
        return 403
    return 200


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_TOKEN:
        raise Http404
    status = _authorised(request)
    if status == 401:
        response = HttpResponse(
            "A bearer token is required.\n", status=401, content_type="text/plain"
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if status == 403:
        return HttpResponse(
            "This token is not the metrics token.\n", status=403, content_type="text/plain"
        )
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)


user_login_failed.connect(count_failed_login, dispatch_uid="portal.metrics.failed_logins")
