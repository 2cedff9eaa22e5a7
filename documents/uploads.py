"""What an uploaded file really is, decided by its bytes — never by its name or the type the
browser claims — against the allowlist; and the upload handler that stops reading a request
as soon as a file passes the size limit.

Allowed: PDF, DOCX, XLSX, PPTX, ODT, ODS, CSV, TXT, PNG, JPEG. A file whose extension
disagrees with its content is refused, and so is anything with markup or code hidden in or
after it where a browser or viewer could be made to run it.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Kind:
    name: str
    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("PDF", "application/pdf", ("pdf",))
PNG = Kind("PNG", "image/png", ("png",))
JPEG = Kind("JPEG", "image/jpeg", ("jpg", "jpeg"))
DOCX = Kind(
    "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
)
XLSX = Kind("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",))
PPTX = Kind(
    "PPTX",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ("pptx",),
)
ODT = Kind("ODT", "application/vnd.oasis.opendocument.text", ("odt",))
ODS = Kind("ODS", "application/vnd.oasis.opendocument.spreadsheet", ("ods",))
CSV = Kind("CSV", "text/csv", ("csv",))
TXT = Kind("TXT", "text/plain", ("txt",))

ALLOWED_NAMES = "PDF, DOCX, XLSX, PPTX, ODT, ODS, CSV, TXT, PNG, JPEG"
# Markup a browser would run if it ever rendered the bytes as HTML.
_MARKUP = re.compile(rb"<\s*(html|script|body|iframe|svg|object|embed|meta|!doctype)", re.I)


def _refuse(reason: str) -> ValidationError:
    return ValidationError(reason, code="file_type")


def _png_is_clean(data: bytes) -> bool:
    """A PNG is a chain of chunks ending with IEND: nothing may follow it."""
    position = 8
    while position + 12 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        chunk = data[position + 4 : position + 8]
        position += 12 + length
        if chunk == b"IEND":
            return position == len(data)
    return False


def _zip_kind(data: bytes) -> Kind | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "mimetype" in names:
            mimetype = archive.read("mimetype").strip()
            return {ODT.content_type.encode(): ODT, ODS.content_type.encode(): ODS}.get(mimetype)
        if "[Content_Types].xml" in names:
            if any(name.startswith("word/") for name in names):
                return DOCX
            if any(name.startswith("xl/") for name in names):
                return XLSX
            if any(name.startswith("ppt/") for name in names):
                return PPTX
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, RuntimeError):
        return None
    return None


def _text_kind(data: bytes, extension: str) -> Kind | None:
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if _MARKUP.search(data[:4096]):
        return None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f" for ch in text[:65536]):
        return None
    return CSV if extension == "csv" else TXT


def detect(data: bytes, extension: str) -> Kind:
    """The kind of `data`, or ValidationError saying why it is refused."""
    if not data:
        raise _refuse(_("The file is empty."))
    if data.startswith(b"%PDF-"):
        if _MARKUP.search(data[-2048:]) or b"%%EOF" not in data[-1024:]:
            raise _refuse(_("This PDF has something other than PDF after its end."))
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        if not _png_is_clean(data):
            raise _refuse(_("This PNG has something other than the image after its end."))
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        if not data.rstrip(b"\x00").endswith(b"\xff\xd9") or _MARKUP.search(data[-4096:]):
            raise _refuse(_("This JPEG has something other than the image after its end."))
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data)
        if kind is None:
            raise _refuse(_("This archive is not one of the allowed office formats."))
        return kind
    if extension in ("csv", "txt"):
        kind = _text_kind(data, extension)
        if kind is not None:
            return kind
    raise _refuse(
        _("This type of file is not accepted. Upload one of: %(types)s.") % {"types": ALLOWED_NAMES}
    )


def clean_filename(name: str) -> str:
    """A safe, readable file name: no path, no control or shell characters, bounded."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in ("C", "Z") or ch == " ")
    name = re.sub(r'[<>:"|?*;$`\'&]+', "_", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = stem[:150] or "document"
    return f"{stem}.{extension.lower()[:10]}" if extension else stem


def extension_of(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def check(data: bytes, filename: str) -> tuple[Kind, str]:
    """The kind and the clean name of an upload; ValidationError when it is refused."""
    name = clean_filename(filename)
    extension = extension_of(name)
    kind = detect(data, extension)
    if extension not in kind.extensions:
        raise _refuse(
            _("The file's name ends in “.%(extension)s” but its content is %(kind)s.")
            % {"extension": extension or "", "kind": kind.name}
        )
    return kind, name


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading the request once a file passes DOCUMENTS_MAX_UPLOAD_BYTES: nothing more
    is read or stored, and the view says the file was too large."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.DOCUMENTS_MAX_UPLOAD_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None
