"""The suite's stand-in for WeasyPrint.

Rendering a PDF with WeasyPrint costs seconds; most tests only need the PDF to exist (a
version's file, a download's headers, an attachment). They get this stand-in: the template is
still rendered to HTML by the real code (so a broken template still fails), and the result is
a small, valid one-page PDF whose metadata carries the SHA-256 of that HTML, so the same
content gives the same bytes and different content different bytes.

It holds no text: a test that reads what a PDF says must render it for real, by carrying the
`real_pdf` marker (`@pytest.mark.real_pdf`), which tests/conftest.py honours.
"""

from __future__ import annotations

import hashlib

PRODUCER = "Network Portal test stand-in (not WeasyPrint)"


def standin_pdf(html: str) -> bytes:
    digest = hashlib.sha256(html.encode()).hexdigest()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
        f"<</Producer({PRODUCER})/Subject(sha256:{digest})>>".encode(),
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<</Size %d/Root 1 0 R/Info 4 0 R>>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def is_standin(content: bytes) -> bool:
    return PRODUCER.encode() in content
