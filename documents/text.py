"""The searchable text of an uploaded file, read in a background task (documents.tasks).

Bounded everywhere: a file that claims to unpack to gigabytes, a PDF of ten thousand pages or
a broken file gives what could be read within the limits, or nothing — never an error.
"""

from __future__ import annotations

import html
import io
import re
import zipfile

MAX_CHARS = 1_000_000
MAX_XML_BYTES = 20 * 1024 * 1024
MAX_PDF_PAGES = 500

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()[:MAX_CHARS]


def _xml_text(archive: zipfile.ZipFile, names: list[str], pattern: re.Pattern | None) -> str:
    parts: list[str] = []
    budget = MAX_XML_BYTES
    for name in names:
        if budget <= 0:
            break
        with archive.open(name) as member:
            data = member.read(budget).decode("utf-8", "replace")
        budget -= len(data)
        if pattern is not None:
            parts.extend(html.unescape(match) for match in pattern.findall(data))
        else:
            parts.append(html.unescape(_TAG.sub(" ", data)))
    return " ".join(parts)


def _office(data: bytes, content_type: str) -> str:
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    if content_type.endswith("wordprocessingml.document"):
        return _xml_text(archive, ["word/document.xml"], re.compile(r"<w:t[^>]*>([^<]*)</w:t>"))
    if content_type.endswith("spreadsheetml.sheet"):
        wanted = [n for n in names if n == "xl/sharedStrings.xml" or n.startswith("xl/worksheets/")]
        return _xml_text(archive, sorted(wanted), re.compile(r"<t[^>]*>([^<]*)</t>"))
    if content_type.endswith("presentationml.presentation"):
        slides = sorted(n for n in names if re.match(r"ppt/slides/slide\d+\.xml$", n))
        return _xml_text(archive, slides, re.compile(r"<a:t>([^<]*)</a:t>"))
    if "opendocument" in content_type and "content.xml" in names:
        return _xml_text(archive, ["content.xml"], None)
    return ""


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    parts = []
    for page in reader.pages[:MAX_PDF_PAGES]:
        parts.append(page.extract_text() or "")
        if sum(len(part) for part in parts) > MAX_CHARS:
            break
    return " ".join(parts)


def extract(data: bytes, content_type: str) -> str:
    """The text of a file of an allowed type, cleaned and bounded ('' when unreadable)."""
    try:
        if content_type == "application/pdf":
            return _clean(_pdf(data))
        if content_type in ("text/plain", "text/csv"):
            return _clean(data.decode("utf-8-sig", "replace"))
        if content_type.startswith("application/vnd."):
            return _clean(_office(data, content_type))
    except Exception:  # noqa: BLE001 — a file we cannot read is simply not searchable
        return ""
    return ""
