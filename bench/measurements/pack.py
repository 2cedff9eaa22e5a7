"""Issue 19: building a meeting pack of 10 agenda items, each with a PDF of 5 pages (target:
under 10 s). Not a request: the worker builds it (meetings.tasks.build_meeting_pack); this
times the same work — reading what goes in, rendering the cover, agenda, separators and page
numbers, merging — without storing a version."""

from __future__ import annotations

from functools import cache

from bench.registry import measurement

ITEMS = 10
PAGES = 5


@cache
def _five_pages() -> bytes:
    """A PDF of five pages of text, as a study would be."""
    from networks.pdf import html_to_pdf

    paragraph = "<p>" + "Labour migration and remittances in the region. " * 40 + "</p>"
    pages = "".join(
        f'<section style="page-break-after: always"><h1>Chapter {n}</h1>{paragraph}</section>'
        for n in range(1, PAGES + 1)
    )
    return html_to_pdf(f"<!doctype html><html><body>{pages}</body></html>")


@cache
def _meeting_id() -> int:
    """A meeting of the Kyrgyz network with ten items and a five-page PDF on each (made once)."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from documents.services import document_upload
    from meetings import services
    from meetings.models import Meeting
    from networks.models import Membership, Network
    from networks.roles import Role
    from networks.scoping import network_scope

    network = Network.objects.get(slug="kyrgyzstan")
    with network_scope(network):
        secretariat = Membership.objects.active().filter(role=Role.SECRETARIAT).first().user
        start = (timezone.now() + timedelta(days=60)).replace(minute=0, second=0, microsecond=0)
        meeting = services.meeting_schedule(
            network=network,
            by=secretariat,
            kind=Meeting.Kind.REGULAR,
            title="Bench: meeting pack of ten items",
            starts_at=start,
            ends_at=start + timedelta(hours=4),
        )
        for n in range(1, ITEMS + 1):
            item = services.agenda_item_save(
                meeting=meeting, by=secretariat, title=f"Item {n}", duration_minutes=20
            )
            document_upload(
                network=network,
                by=secretariat,
                title=f"Study {n}",
                file=SimpleUploadedFile(f"study-{n}.pdf", _five_pages()),
                meeting=meeting,
                agenda_item=item,
            )
        return meeting.pk


@measurement("meeting pack, 10 items × 5-page PDF (build)", runs=3)
def meeting_pack_10_items(client):
    from django.http import HttpResponse

    from meetings.models import Meeting
    from meetings.pack import assemble, gather
    from networks.models import Network
    from networks.scoping import network_scope

    network = Network.objects.get(slug="kyrgyzstan")
    with network_scope(network):
        meeting = Meeting.objects.select_related("network").get(pk=_meeting_id())
        data, pages = assemble(gather(meeting))
    # The cover and the agenda, then each item's separator and its study (PAGES pages when
    # WeasyPrint renders it; the suite's PDF stand-in makes fewer).
    from io import BytesIO

    from pypdf import PdfReader

    study = len(PdfReader(BytesIO(_five_pages())).pages)
    assert pages == 2 + ITEMS * (1 + study), pages
    return HttpResponse(data, content_type="application/pdf")
