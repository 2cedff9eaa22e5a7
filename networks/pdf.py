"""PDFs with WeasyPrint, rendered from templates in the active language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string

if TYPE_CHECKING:
    from django.http import HttpRequest


def render_pdf(template: str, context: dict[str, Any], request: HttpRequest | None = None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    base_url = str(settings.BASE_DIR)
    return HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1")
