"""Small real files of each kind, and the hostile ones an upload must refuse."""

import functools
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


# --- Archives that inflate far past their size, and files that carry code ------------------


@functools.lru_cache(maxsize=1)
def odt_bomb(megabytes: int = 300) -> bytes:
    """An .odt whose `mimetype` member inflates to `megabytes` MB (about 300 KB on disk)."""
    buffer = io.BytesIO()
    block = b"application/vnd.oasis.opendocument.text" + b" " * (1024 * 1024 - 39)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("mimetype", "w") as member:
            for _block in range(megabytes):
                member.write(block)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def xlsx_bomb(megabytes: int = 60, claimed: int | None = 1000) -> bytes:
    """An .xlsx whose sheet inflates to `megabytes` MB; its header claims `claimed` bytes."""
    buffer = io.BytesIO()
    row = b'<row r="1"><c r="A1"><v>1</v></c></row>'
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _block in range(megabytes):
                member.write(row * (1024 * 1024 // len(row)))
    data = bytearray(buffer.getvalue())
    if claimed is not None:
        # Lie in the central directory about the uncompressed size of the sheet.
        name = b"xl/worksheets/sheet1.xml"
        central = data.find(b"PK\x01\x02")
        while central >= 0:
            length = int.from_bytes(data[central + 28 : central + 30], "little")
            if data[central + 46 : central + 46 + length] == name:
                data[central + 24 : central + 28] = claimed.to_bytes(4, "little")
            central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def office(kind: str, members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if kind == "odt":
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            archive.writestr("content.xml", "<office:document-content/>")
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def pdf_with(extra: str, *, in_object_stream: bool = False) -> bytes:
    """A small PDF whose catalog carries `extra` (e.g. an /OpenAction), plainly or inside a
    compressed object stream."""
    import zlib

    if not in_object_stream:
        return (
            "%PDF-1.4\n"
            f"1 0 obj<</Type/Catalog/Pages 2 0 R{extra}>>endobj\n"
            "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]>>endobj\n"
            "trailer<</Root 1 0 R>>\n%%EOF\n"
        ).encode()
    hidden = f"<</Type/Catalog/Pages 2 0 R{extra}>>".encode()
    packed = zlib.compress(b"1 0 " + hidden)
    return (
        b"%PDF-1.5\n"
        + b"4 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length "
        + str(len(packed)).encode()
        + b">>stream\n"
        + packed
        + b"\nendstream\nendobj\n"
        + b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        + b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]>>endobj\n"
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_with_text(keyword: bytes, text: bytes, kind: bytes = b"tEXt") -> bytes:
    import struct
    import zlib

    plain = png()
    if kind == b"zTXt":
        body = keyword + b"\x00\x00" + zlib.compress(text)
    elif kind == b"iTXt":
        body = keyword + b"\x00\x01\x00en\x00\x00" + zlib.compress(text)
    else:
        body = keyword + b"\x00" + text
    chunk = (
        struct.pack(">I", len(body))
        + kind
        + body
        + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )
    end = plain.index(b"IDAT") - 4
    return plain[:end] + chunk + plain[end:]
