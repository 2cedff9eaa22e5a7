"""What an uploaded file really is, decided by its bytes — never by its name or the type the
browser claims — against the allowlist; and the upload handler that stops reading a request
as soon as a file passes the size limit.

Allowed: PDF, DOCX, XLSX, PPTX, ODT, ODS, CSV, TXT, PNG, JPEG. A file whose extension
disagrees with its content is refused, and so is anything with markup or code hidden in or
after it where a browser or viewer could be made to run it.

Active content is refused, never stripped (docs/architecture.md, "Uploads"): a PDF with
JavaScript, a launch action or embedded files; an office file with macros (`vbaProject.bin`,
ActiveX, ODF `Basic/` or `Scripts/`); a PNG or JPEG whose text or metadata holds markup.
Every archive (the office and ODF formats) is inflated member by member in chunks, within
a cap on the total uncompressed size and on the ratio to the file's size, stopping at the
cap — the sizes the zip's headers claim are never trusted (common.archives).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _

from common import archives


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


# --- Archives: bounded inflation (common.archives) ----------------------------------------

# The members whose bytes the type check reads (each kept only up to archives.KEEP_BYTES).
_KEPT = ("mimetype", "[Content_Types].xml", "META-INF/manifest.xml")


# --- Active content -------------------------------------------------------------------------

# Names that make a PDF run code, launch a program or carry files of any type.
_PDF_ACTIVE = {
    b"JavaScript",
    b"JS",
    b"Launch",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"RichMedia",
}
_PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]+)")
_PDF_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _pdf_name(raw: bytes) -> bytes:
    """A PDF name with its #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    return _HEX_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), raw)


def _pdf_dictionaries(data: bytes) -> Iterator[bytes]:
    """The parts of a PDF where its dictionaries are: everything but the streams' bodies, and
    the inflated bodies of its object streams (where a file may hide /JavaScript). Bounded by
    the same cap as an archive; an object stream that cannot be inflated is refused, since
    what it holds cannot be checked."""
    cap = archives.inflation_cap(len(data))
    inflated = 0
    position = 0
    for match in _PDF_STREAM.finditer(data):
        if match.start() < position:
            continue  # inside the body of a stream already skipped
        end = data.find(b"endstream", match.end())
        if end < 0:
            end = len(data)
        head = data[position : match.start()]
        yield head
        dictionary = head[head.rfind(b"obj") :]
        position = end + len(b"endstream")
        if not re.search(rb"/Type\s*/ObjStm", dictionary):
            continue
        if not re.search(rb"/FlateDecode", dictionary):
            raise _refuse(_("This PDF hides its objects in a way that cannot be checked."))
        decompressor = zlib.decompressobj()
        body = data[match.end() : end]
        parts = []
        try:
            while body:
                part = decompressor.decompress(body, archives.CHUNK)
                inflated += len(part)
                if inflated > cap:
                    raise _refuse(archives.too_large_message())
                parts.append(part)
                body = decompressor.unconsumed_tail
                if decompressor.eof or not part:
                    break
        except zlib.error as error:
            raise _refuse(
                _("This PDF hides its objects in a way that cannot be checked.")
            ) from error
        yield b"".join(parts)
    yield data[position:]


def _pdf_check(data: bytes) -> None:
    for part in _pdf_dictionaries(data):
        for match in _PDF_NAME.finditer(part):
            if _pdf_name(match.group(1)) in _PDF_ACTIVE:
                raise _refuse(
                    _(
                        "This PDF contains JavaScript, an action that launches a program, or "
                        "embedded files, and is refused. Save or print it again as a plain "
                        "PDF and upload that."
                    )
                )


def _png_texts(data: bytes) -> Iterator[bytes]:
    """The text of a PNG's tEXt, zTXt and iTXt chunks (compressed ones inflated, bounded)."""
    position = 8
    budget = archives.KEEP_BYTES * 8
    while position + 12 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"tEXt":
            yield body
        elif kind in (b"zTXt", b"iTXt"):
            keyword, _sep, rest = body.partition(b"\x00")
            compressed = rest[:1] == b"\x00" if kind == b"zTXt" else rest[:1] == b"\x01"
            yield keyword + b" " + rest
            if compressed:
                if budget <= 0:
                    raise _refuse(_("This PNG has a text part that cannot be read."))
                payload = rest[1:] if kind == b"zTXt" else rest[2:].split(b"\x00", 2)[-1]
                try:
                    text = zlib.decompressobj().decompress(payload, budget)
                except zlib.error:
                    raise _refuse(_("This PNG has a text part that cannot be read.")) from None
                budget -= len(text)
                yield text


def _jpeg_metadata(data: bytes) -> Iterator[bytes]:
    """The comment and application segments of a JPEG, before its image data."""
    position = 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xDA:  # start of scan: the image data follows
            return
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            position += 2
            continue
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        if marker == 0xFE or 0xE0 <= marker <= 0xEF:
            yield data[position + 4 : position + 2 + length]
        position += 2 + length


_SCRIPT_TEXT = re.compile(
    rb"javascript:|<\s*/?\s*(script|html|body|iframe|svg|object|embed)\b", re.I
)


def _image_check(kind: Kind, data: bytes) -> None:
    texts = _png_texts(data) if kind is PNG else _jpeg_metadata(data)
    for text in texts:
        if _SCRIPT_TEXT.search(text):
            raise _refuse(
                _(
                    "This image carries script or web markup in its text or metadata and is "
                    "refused. Export it again from an image program and upload that."
                )
            )


_MACROS = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|activeX/)|^(Basic|Scripts)/", re.I)


def _archive_check(archive: archives.Archive) -> None:
    types = archive.kept.get("[Content_Types].xml", b"") + archive.kept.get(
        "META-INF/manifest.xml", b""
    )
    if (
        any(_MACROS.search(name) for name in archive.names)
        or b"macroEnabled" in types
        or b"vbaProject" in types
    ):
        raise _refuse(
            _(
                "This office file contains macros or other code and is refused. Save it "
                "again without macros (as .docx, .xlsx, .pptx, .odt or .ods) and upload that."
            )
        )


def inline_safe(kind_or_type: Kind | str, data: bytes) -> bool:
    """May a browser show these bytes inline? Only a PDF, PNG or JPEG that passes the checks
    of active content (which every upload passed since they exist; an older file may not)."""
    kind = kind_or_type
    if isinstance(kind, str):
        kind = next((k for k in (PDF, PNG, JPEG) if k.content_type == kind_or_type), TXT)
    if kind not in (PDF, PNG, JPEG):
        return False
    try:
        detect(data, kind.extensions[0])
    except ValidationError:
        return False
    return True


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
    archive = archives.open_archive(data, keep=_KEPT)
    names = set(archive.names)
    kind = None
    if "mimetype" in names:
        mimetype = archive.kept["mimetype"]
        if len(mimetype) > 200:
            raise _refuse(_("This OpenDocument file is malformed and is refused."))
        kind = {ODT.content_type.encode(): ODT, ODS.content_type.encode(): ODS}.get(
            mimetype.strip()
        )
    elif "[Content_Types].xml" in names:
        if any(name.startswith("word/") for name in names):
            kind = DOCX
        elif any(name.startswith("xl/") for name in names):
            kind = XLSX
        elif any(name.startswith("ppt/") for name in names):
            kind = PPTX
    if kind is not None:
        _archive_check(archive)
    return kind


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
        _pdf_check(data)
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        if not _png_is_clean(data):
            raise _refuse(_("This PNG has something other than the image after its end."))
        _image_check(PNG, data)
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        if not data.rstrip(b"\x00").endswith(b"\xff\xd9") or _MARKUP.search(data[-4096:]):
            raise _refuse(_("This JPEG has something other than the image after its end."))
        _image_check(JPEG, data)
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


@dataclass(frozen=True)
class TooLarge:
    """What the page says of a file over the limit: its name and about how large the
    request that carried it was (the file is the form's last field, so nearly all of it)."""

    name: str
    size: int


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops storing a request's file once it passes DOCUMENTS_MAX_UPLOAD_BYTES: nothing more
    is kept, and `request.upload_too_large` (a TooLarge) tells the view, which says so at
    the file field. Django's parser reads the rest of the body away without keeping it, so
    the fields sent before the file are kept, and the form comes back as it was filled."""

    body_length = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.body_length = content_length or 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.DOCUMENTS_MAX_UPLOAD_BYTES:
            self.request.upload_too_large = TooLarge(
                name=clean_filename(self.file_name or ""),
                size=max(self.received, self.body_length),
            )
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None
