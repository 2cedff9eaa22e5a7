"""Small real files of each kind, and the hostile ones an upload must refuse."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf(text: str = "Labour migration study") -> bytes:
    body = (
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]>>endobj\n"
        f"% {text}\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return body.encode()


def png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


HOSTILE = {
    "a PDF whose bytes are HTML": ("study.pdf", b"<!doctype html><script>alert(1)</script>"),
    "a PNG with HTML appended": ("chart.png", png() + b"<html><script>alert(1)</script></html>"),
    "an executable renamed .pdf": ("study.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
    "an empty file": ("empty.pdf", b""),
    "a PDF named .docx": ("study.docx", pdf()),
    "an SVG": ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>"),
    "a text file with markup": ("notes.txt", b"<html><body onload=x()>hi</body></html>"),
}
