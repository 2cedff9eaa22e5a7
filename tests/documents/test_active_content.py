"""Uploads that unpack to far more than their size, and files that carry code: refused with
a clear message, nothing stored; what may be shown inline is only what passes the checks."""

import hashlib
import tracemalloc

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from documents import uploads
from documents.models import Document, DocumentVersion
from networks.scoping import network_scope
from tests.documents.files import (
    docx,
    odt_bomb,
    office,
    pdf,
    pdf_with,
    png,
    png_with_text,
    upload,
    xlsx_bomb,
)
from tests.documents.test_library import download, form, make, stored_files

UPLOAD = reverse("documents:upload", kwargs={"network": "kyrgyzstan"})

REFUSED = {
    "an .odt whose mimetype inflates to 300 MB": ("report.odt", odt_bomb, "unpacks to far more"),
    "an .xlsx whose sheet inflates to 60 MB": (
        "data.xlsx",
        lambda: xlsx_bomb(claimed=None),
        "unpacks to far more",
    ),
    "an .xlsx whose zip header lies about the size": ("data.xlsx", xlsx_bomb, "damaged"),
    "a PDF that runs JavaScript when opened": (
        "study.pdf",
        lambda: pdf_with("/OpenAction<</S/JavaScript/JS(app.alert(1))>>"),
        "contains JavaScript",
    ),
    "a PDF whose JavaScript name is #-escaped": (
        "study.pdf",
        lambda: pdf_with("/OpenAction<</S/J#61vaScript/J#53(app.alert(1))>>"),
        "contains JavaScript",
    ),
    "a PDF with JavaScript hidden in an object stream": (
        "study.pdf",
        lambda: pdf_with("/OpenAction 5 0 R/Names<</JavaScript 6 0 R>>", in_object_stream=True),
        "contains JavaScript",
    ),
    "a PDF that launches a program": (
        "study.pdf",
        lambda: pdf_with("/OpenAction<</S/Launch/F(cmd.exe)>>"),
        "launches a program",
    ),
    "a PDF carrying an embedded file": (
        "study.pdf",
        lambda: pdf_with("/Names<</EmbeddedFiles<</Names[(a.exe) 7 0 R]>>>>"),
        "embedded files",
    ),
    "a PNG with a script in a text chunk": (
        "chart.png",
        lambda: png_with_text(b"Comment", b"<script>alert(1)</script>"),
        "script or web markup",
    ),
    "a PNG with HTML in a compressed text chunk": (
        "chart.png",
        lambda: png_with_text(b"Comment", b"<html><body>x</body></html>", kind=b"zTXt"),
        "script or web markup",
    ),
    "a PNG with a javascript: link in an international text chunk": (
        "chart.png",
        lambda: png_with_text(b"URL", b"javascript:alert(1)", kind=b"iTXt"),
        "script or web markup",
    ),
    "a DOCX with macros": (
        "brief.docx",
        lambda: office("docx", {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}),
        "macros",
    ),
    "a DOCX with ActiveX controls": (
        "brief.docx",
        lambda: office("docx", {"word/activeX/activeX1.xml": "<ax/>"}),
        "macros",
    ),
    "an ODT with Basic macros": (
        "report.odt",
        lambda: office("odt", {"Basic/Standard/Module1.xml": "<script:module/>"}),
        "macros",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_an_upload_that_unpacks_too_far_or_carries_code_is_refused(
    kyrgyzstan, login, settings, case
):
    name, make_data, message = REFUSED[case]
    before = stored_files(settings)
    response = login(kyrgyzstan.secretariat).post(
        UPLOAD, {**form(), "file": upload(name, make_data())}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error"' in page and message in page
    with network_scope(kyrgyzstan.network):
        assert not Document.objects.exists()
    assert stored_files(settings) == before


def test_the_odt_bomb_is_refused_within_a_few_megabytes_of_memory():
    data = odt_bomb()
    tracemalloc.start()
    try:
        with pytest.raises(uploads.ValidationError):
            uploads.check(data, "report.odt")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


def test_the_caps_are_settings(settings):
    settings.DOCUMENTS_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    big = office("docx", {"word/media/a.bin": b"\x00" * (2 * 1024 * 1024)})
    with pytest.raises(uploads.ValidationError, match="more than 1 MB"):
        uploads.check(big, "brief.docx")
    settings.DOCUMENTS_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
    assert uploads.check(big, "brief.docx")[0] is uploads.DOCX


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("plain.pdf", pdf()),
        ("to-page.pdf", pdf_with("/OpenAction[3 0 R/Fit]")),
        ("packed.pdf", pdf_with("/PageMode/UseOutlines", in_object_stream=True)),
        ("chart.png", png_with_text(b"Software", b"Inkscape 1.2")),
        ("brief.docx", docx()),
        ("report.odt", office("odt", {"styles.xml": "<office:document-styles/>"})),
    ],
)
def test_ordinary_files_pass(name, data):
    kind, _name = uploads.check(data, name)
    assert name.endswith(kind.extensions)


def _legacy(net, name: str, content_type: str, data: bytes) -> Document:
    """A document whose file was stored before these checks existed."""
    document = make(net)
    with network_scope(net.network):
        version = DocumentVersion.objects.get(document=document)
        version.file.save(name, ContentFile(data), save=False)
        version.content_type = content_type
        version.size = len(data)
        version.sha256 = hashlib.sha256(data).hexdigest()
        version.save()
    return document


@pytest.mark.parametrize(
    ("name", "content_type", "data", "inline"),
    [
        ("clean.pdf", "application/pdf", pdf(), True),
        ("clean.png", "image/png", png(), True),
        (
            "active.pdf",
            "application/pdf",
            pdf_with("/OpenAction<</S/JavaScript/JS(app.alert(1))>>"),
            False,
        ),
        ("script.png", "image/png", png_with_text(b"Comment", b"<script>x</script>"), False),
    ],
)
def test_only_a_file_that_passes_the_checks_is_shown_inline(
    kyrgyzstan, login, name, content_type, data, inline
):
    document = _legacy(kyrgyzstan, name, content_type, data)
    response = login(kyrgyzstan.member).get(download(document))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline" if inline else "attachment"), disposition
    assert b"".join(response.streaming_content) == data


def test_behind_nginx_a_file_that_fails_the_checks_is_an_attachment(kyrgyzstan, login, settings):
    settings.DOCUMENTS_X_ACCEL_PREFIX = "/protected-media/"
    active = pdf_with("/OpenAction<</S/JavaScript/JS(app.alert(1))>>")
    document = _legacy(kyrgyzstan, "active.pdf", "application/pdf", active)
    response = login(kyrgyzstan.member).get(download(document))
    assert response["X-Accel-Redirect"].startswith("/protected-media/")
    assert response["Content-Disposition"].startswith("attachment")
