"""What every file the portal hands out shares: cells a spreadsheet would run are defused, a
CSV opens as UTF-8 in Excel, and a download is private (personal data is never kept by a
shared cache or the browser's disk cache) and named after the network and the day."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, Protocol

from django.http import HttpResponse

from portal import clock

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"

# A spreadsheet runs a cell that starts with one of these as a formula. Names come from
# people's own profiles, so a name like "=HYPERLINK(…)" must stay text when opened in Excel.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class Named(clock.Zoned, Protocol):
    """A network, as far as a file's name is concerned."""

    @property
    def slug(self) -> str: ...


def spreadsheet_safe(value: Any) -> Any:
    """Text that would start a formula is kept as text (a leading apostrophe); anything else
    — numbers, dates, empty cells — is left as it is."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return f"'{value}"
    return value


def download_filename(*parts: object, extension: str) -> str:
    """`members-kyrgyzstan-2026-09-15.csv`: the parts joined by hyphens (a date in ISO), with
    nothing in it a Content-Disposition header would have to quote."""
    words = [part.isoformat() if isinstance(part, date) else str(part) for part in parts]
    stem = "-".join(_UNSAFE_IN_NAME.sub("-", word) for word in words if word)
    return f"{stem}.{extension}"


def dated_filename(kind: str, network: Named, *parts: object, extension: str) -> str:
    """`<kind>-<network's slug>-<parts>-<today in the network>.<extension>`."""
    today = clock.network_today(network)
    return download_filename(kind, network.slug, *parts, today, extension=extension)


def private_download(response: HttpResponse, name: str) -> HttpResponse:
    """The response as an attachment called `name`, never stored by a cache."""
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(
    headers: Iterable[Any],
    rows: Iterable[Iterable[Any]],
    name: str,
    *,
    plain: Callable[[Any], Any] = lambda value: value,
) -> HttpResponse:
    """A private CSV download: a byte order mark (Excel then reads UTF-8), the headers, and
    the rows — text cells defused, every other cell written as `plain` spells it."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(
            [spreadsheet_safe(cell) if isinstance(cell, str) else plain(cell) for cell in row]
        )
    return private_download(HttpResponse(buffer.getvalue(), content_type=CSV), name)


def xlsx_response(book: Any, name: str) -> HttpResponse:
    """A private XLSX download of an openpyxl workbook (its cells defused by the caller, as
    it fills them: spreadsheet_safe)."""
    buffer = io.BytesIO()
    book.save(buffer)
    return private_download(HttpResponse(buffer.getvalue(), content_type=XLSX), name)
