"""/healthz: the process answers. /readyz: the database, the broker and the documents' storage
(MEDIA_ROOT, or the bucket) answer too."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from django.core.files.storage import storages
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.celery import app as celery_app


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means "not ready", never a 500
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:  # idem
        checks["broker"] = f"error: {type(exc).__name__}"
    checks["storage"] = storage_check()
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


STORAGE_TIMEOUT = 3.0
_probe = ThreadPoolExecutor(max_workers=2, thread_name_prefix="readyz-storage")


def _storage_answers() -> None:
    storage = storages["default"]
    location = getattr(storage, "location", None)
    if location is not None and not hasattr(storage, "bucket"):
        # Files on disk: this process may write into the folder (or, before the first
        # upload, create it: the storage makes it then).
        folder = os.path.abspath(location)
        while not os.path.exists(folder) and os.path.dirname(folder) != folder:
            folder = os.path.dirname(folder)
        if not os.path.isdir(folder) or not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(f"{location} is not a writable folder")
        return
    # A bucket: one HEAD request on it (the service answers, the bucket exists, the
    # credentials may list it).
    bucket: Any = storage
    bucket.bucket.meta.client.head_bucket(Bucket=bucket.bucket_name)


def storage_check() -> str:
    """ "ok", or "error: <kind>" when the storage fails or takes longer than STORAGE_TIMEOUT."""
    future = _probe.submit(_storage_answers)
    try:
        future.result(timeout=STORAGE_TIMEOUT)
    except FutureTimeout:
        return "error: timeout"
    except Exception as exc:  # any storage error means "not ready", never a 500
        return f"error: {type(exc).__name__}"
    return "ok"
