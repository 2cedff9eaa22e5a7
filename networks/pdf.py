"""PDFs with WeasyPrint, rendered from templates in the active language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string

if TYPE_CHECKING:
    from django.http import HttpRequest


def render_pdf(template: str, context: dict[str, Any], request: HttpRequest | None = None) -> bytes:
    html = render_to_string(template, context, request=request)
    return html_to_pdf(html)


def html_to_pdf(html: str) -> bytes:
    """Every PDF of the portal goes through here (the test suite swaps in a cheap stand-in
    for the tests that do not read a PDF's content: see tests/pdf.py)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant="pdf/ua-1"
    )
    return pdf
