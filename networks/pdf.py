"""PDFs with WeasyPrint, rendered from templates in the active language."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template: str, context: dict, request=None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    base_url = str(settings.BASE_DIR)
    return HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1")
