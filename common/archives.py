"""Reading a zip that someone uploaded (the office and ODF formats, a workplan's XLSX) without
trusting it: every member is inflated in chunks and counted, within a cap on the total
uncompressed size and on the ratio to the file's size, stopping at the cap — the sizes the
zip's headers claim are never trusted. Only the members asked for are kept, each up to
KEEP_BYTES. documents.uploads checks an upload's type and active content with it, and
workplans.imports reads a workplan's file with it."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Collection
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHUNK = 64 * 1024
# Inflating up to this much is always allowed, whatever the ratio (small files compress well).
RATIO_FLOOR_BYTES = 10 * 1024 * 1024
MAX_MEMBERS = 10_000
KEEP_BYTES = 1024 * 1024

# What a damaged archive raises while it is read, from zipfile or zlib.
DAMAGED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    ValueError,
    OSError,
    RuntimeError,
    NotImplementedError,
    EOFError,
    zlib.error,
)


@dataclass
class Archive:
    names: list[str] = field(default_factory=list)
    kept: dict[str, bytes] = field(default_factory=dict)
    inflated: int = 0


class TooLarge(Exception):
    """The archive inflates past its cap."""


def inflation_cap(
    compressed: int, max_bytes: int | None = None, max_ratio: int | None = None
) -> int:
    """How far `compressed` bytes may inflate: the smaller of `max_bytes` and `max_ratio`
    times their size (the settings' DOCUMENTS_MAX_UNCOMPRESSED_BYTES and
    DOCUMENTS_MAX_COMPRESSION_RATIO by default), and never less than RATIO_FLOOR_BYTES within
    `max_bytes`."""
    max_bytes = settings.DOCUMENTS_MAX_UNCOMPRESSED_BYTES if max_bytes is None else max_bytes
    max_ratio = settings.DOCUMENTS_MAX_COMPRESSION_RATIO if max_ratio is None else max_ratio
    return min(max_bytes, max(RATIO_FLOOR_BYTES, max_ratio * compressed))


def read_archive(
    data: bytes,
    *,
    keep: Collection[str] = (),
    max_bytes: int | None = None,
    max_ratio: int | None = None,
) -> Archive:
    """Every member of the zip in `data` inflated in chunks and counted, none kept but those
    named in `keep`. Raises TooLarge as soon as the running total passes the cap
    (inflation_cap), zipfile.BadZipFile (or another of DAMAGED) when it cannot be read."""
    cap = inflation_cap(len(data), max_bytes, max_ratio)
    archive = zipfile.ZipFile(io.BytesIO(data))
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise TooLarge
    result = Archive(names=[info.filename for info in infos])
    for info in infos:
        keeping = info.filename in keep
        kept = bytearray()
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                result.inflated += len(chunk)
                if result.inflated > cap:
                    raise TooLarge
                if keeping and len(kept) < KEEP_BYTES:
                    kept += chunk[: KEEP_BYTES - len(kept)]
        if keeping:
            result.kept[info.filename] = bytes(kept)
    return result


def open_archive(
    data: bytes,
    *,
    keep: Collection[str] = (),
    max_bytes: int | None = None,
    max_ratio: int | None = None,
) -> Archive:
    """read_archive, with a clear ValidationError for an archive too large or damaged."""
    try:
        return read_archive(data, keep=keep, max_bytes=max_bytes, max_ratio=max_ratio)
    except TooLarge:
        raise ValidationError(too_large_message(max_bytes), code="file_type") from None
    except DAMAGED:
        raise ValidationError(
            _("This archive is damaged and cannot be read."), code="file_type"
        ) from None


def too_large_message(max_bytes: int | None = None) -> str:
    max_bytes = settings.DOCUMENTS_MAX_UNCOMPRESSED_BYTES if max_bytes is None else max_bytes
    return _(
        "This file unpacks to far more than its size (or more than %(mb)s MB) and is "
        "refused; nothing was stored."
    ) % {"mb": max_bytes // (1024 * 1024)}
