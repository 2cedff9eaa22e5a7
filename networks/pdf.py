"""PDFs with WeasyPrint, rendered from templates in a stated language and on the network's
clock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from portal.clock import network_time

if TYPE_CHECKING:
    from django.http import HttpRequest

    from networks.models import Network


def render_pdf(
    template: str,
    context: dict[str, Any],
    *,
    network: Network,
    language: str | None = None,
    request: HttpRequest | None = None,
) -> bytes:
    """A PDF of `network`: its times read in the network's zone with their label, and
    nobody's own zone beside them, whoever downloads it (a file is the network's record).

    Its words are in `language`: a task building a file for a recipient passes theirs; left
    out, the active language — in a request, the language the person reads the portal in.
    The one place a PDF's language is set, as `network_time` is for its clock."""
    language = pdf_language(language)
    with translation.override(language), network_time(network):
        html = render_to_string(template, {**context, "network": network}, request=request)
    return html_to_pdf(html)


def pdf_language(language: str | None = None) -> str:
    """`language` if the portal has it, else the active language, else the default."""
    known = dict(settings.LANGUAGES)
    for candidate in (language, translation.get_language()):
        if candidate and candidate in known:
            return candidate
        if candidate and candidate.split("-")[0] in known:
            return candidate.split("-")[0]
    return settings.LANGUAGE_CODE


def html_to_pdf(html: str) -> bytes:
    """Every PDF of the portal goes through here (the test suite swaps in a cheap stand-in
    for the tests that do not read a PDF's content: see tests/pdf.py)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant="pdf/ua-1"
    )
    return pdf
