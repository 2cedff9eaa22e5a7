"""The audit trail as CSV: the rows a filter selects, times in ISO 8601 with the network's
offset (portal.clock). Written whole inside the request (a streamed body would be read after
the request has left the network and its clock)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from django.http import HttpResponse
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from portal import clock

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def person_of(event: AuditEvent) -> str:
    if event.user_id is None:
        return ""
    if event.user is None:  # the account no longer exists: its id stays
        return f"#{event.user_id}"
    return event.user.get_full_name() or event.user.email


def headers() -> list[str]:
    return [
        _("When"),
        _("Step"),
        _("Kind"),
        _("Person"),
        _("Person id"),
        _("On behalf of"),
        _("Object type"),
        _("Object id"),
        _("Object"),
        _("Summary"),
        _("Place in the chain"),
        "SHA-256",
    ]


def rows(events: Iterable[AuditEvent]) -> Iterator[list[str]]:
    for event in events:
        yield [
            clock.iso(event.at),
            event.event,
            event.kind,
            person_of(event),
            str(event.user_id or ""),
            str(event.organisation or "") if event.organisation_id else "",
            event.object_type,
            event.object_id,
            event.object_label,
            json.dumps(event.summary, ensure_ascii=False, sort_keys=True),
            str(event.seq),
            event.sha256,
        ]


def csv_response(events: Iterable[AuditEvent], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the byte order mark tells Excel the file is UTF-8
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for row in rows(events):
        writer.writerow([_safe(cell) for cell in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
