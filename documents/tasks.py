"""Celery tasks of the document library. Each takes an id, works inside the network of its
row (entered by networks.tasks.NetworkTask), and is safe to run twice."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Value
from django.utils import timezone

from documents import text
from documents.models import Document, DocumentVersion
from documents.storage import STORAGE_ERRORS
from networks.scoping import scopes_disabled
from networks.tasks import NetworkTask

SEARCH_CONFIG = "simple"  # no stemming: the networks write in English, Russian and more


def search_vector():
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("description", weight="B", config=SEARCH_CONFIG)
        + SearchVector("search_text", weight="C", config=SEARCH_CONFIG)
    )


def refresh_search_vector(document_id: int) -> None:
    """Recompute the stored vector from title, description and text (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        Document.objects.filter(pk=document_id).update(search_vector=search_vector())


@shared_task(
    bind=True,
    max_retries=3,
    default_retry_delay=60,
    base=NetworkTask,
    network_model=DocumentVersion,
    missing="missing",
)
def extract_text(self, version_id: int) -> str:
    """Read the text of a version; if it is still the document's latest, make it what the
    document is found by."""
    version = DocumentVersion.objects.get(pk=version_id)
    try:
        with version.file.open("rb") as handle:
            data = handle.read()
    except STORAGE_ERRORS as error:
        # The disk or the bucket did not answer: try again later.
        raise self.retry(exc=error) from error
    found = text.extract(data, version.content_type)
    with transaction.atomic():
        latest = (
            DocumentVersion.objects.filter(document_id=version.document_id)
            .order_by("-number")
            .values_list("pk", flat=True)
            .first()
        )
        DocumentVersion.objects.filter(pk=version.pk).update(text_read_at=timezone.now())
        if latest != version.pk:
            return "superseded"
        Document.objects.filter(pk=version.document_id).update(search_text=Value(found))
        refresh_search_vector(version.document_id)
    return "indexed"


@shared_task
def sweep_unread_versions() -> int:
    """Beat, every minute: versions whose text nobody has read a while after their upload
    (the broker was down when they were saved, or the message was lost with a worker or a
    restarted Redis) are handed to extract_text again. Reading twice changes nothing. An
    indexed query (version_text_unread) over the few unread versions."""
    from portal.queues import enqueue

    now = timezone.now()
    since = now - timedelta(seconds=settings.DOCUMENTS_UNREAD_AFTER)
    # Older ones failed for good (extract_text gave up): /metrics keeps counting them.
    horizon = now - timedelta(days=2)
    with scopes_disabled():
        ids = list(
            DocumentVersion.objects.filter(
                text_read_at__isnull=True, uploaded_at__lt=since, uploaded_at__gte=horizon
            ).values_list("pk", flat=True)[:1000]
        )
    for pk in ids:
        if not enqueue(extract_text, pk):
            break  # the broker is still down: the next sweep tries again
    return len(ids)


@shared_task
def sweep_orphan_files() -> int:
    """Beat, daily: remove stored files that no document version references, once older than
    DOCUMENTS_ORPHAN_GRACE_HOURS (documents.services.orphan_files_remove)."""
    from documents.services import orphan_files_remove

    grace = timedelta(hours=settings.DOCUMENTS_ORPHAN_GRACE_HOURS)
    return len(orphan_files_remove(older_than=grace))
