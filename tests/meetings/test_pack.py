"""The meeting pack: one PDF with the cover, the agenda and every linked document each
participant may open, bookmarked, numbered and footnoted; a version per build; the agenda
mail links the version it sent; the download checks the right now."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from circulation.models import Circulation
from documents import services as documents
from meetings import pack as packs
from meetings import services
from meetings.models import AgendaItem, MeetingPack
from networks.scoping import network_scope
from tests.documents.files import upload
from tests.meetings.conftest import local, schedule

FOOTNOTE = "Designation footnote of the test network."


def blank_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx(text: str) -> bytes:
    """A minimal Word document that LibreOffice (and Word) opens."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def attach(net, meeting, item, title, name, data, **kwargs):
    with network_scope(net.network):
        return documents.document_upload(
            network=net.network,
            by=net.secretariat,
            title=title,
            file=upload(name, data),
            meeting=meeting,
            agenda_item=item,
            **kwargs,
        )


def build(net, meeting) -> MeetingPack:
    with network_scope(net.network):
        pack = packs.pack_request(meeting=meeting)
        return packs.pack_build(pack_id=pack.pk)


def pdf_of(pack: MeetingPack) -> PdfReader:
    with pack.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def outline(reader: PdfReader) -> list:
    """The bookmarks as (title, page) and nested lists for the children."""

    def walk(entries):
        out = []
        for entry in entries:
            if isinstance(entry, list):
                out.append(walk(entry))
            else:
                out.append((entry.title, reader.get_destination_page_number(entry)))
        return out

    return walk(reader.outline)


def pack_url(meeting, number, slug="kyrgyzstan"):
    return reverse(
        "meetings:pack-pdf", kwargs={"network": slug, "meeting_id": meeting.pk, "number": number}
    )


@pytest.fixture
def meeting_with_documents(kyrgyzstan):
    """A 10:00 Bishkek meeting with a break, three items and four documents: a restricted
    one only UNDP may open is withheld from the pack (participants of other agencies)."""
    net = kyrgyzstan
    net.network.designation_footnote = FOOTNOTE
    with network_scope(net.network):
        net.network.save(update_fields=["designation_footnote"])
    meeting = schedule(net, start=local(net, "2026-09-15T10:00"))
    with network_scope(net.network):
        for title, minutes, is_break in (
            ("Welcome", 10, False),
            ("Labour migration study", 30, False),
            ("Coffee", 15, True),
            ("Remittances", 20, False),
        ):
            services.agenda_item_save(
                meeting=meeting,
                by=net.secretariat,
                title=title,
                duration_minutes=minutes,
                is_break=is_break,
            )
        welcome, study, _coffee, remittances = AgendaItem.objects.filter(meeting=meeting)
    attach(net, meeting, welcome, "Provisional agenda notes", "notes.pdf", blank_pdf(2))
    attach(net, meeting, study, "Labour migration study", "study.pdf", blank_pdf(3))
    attach(
        net,
        meeting,
        study,
        "Donor briefing (UNDP only)",
        "briefing.pdf",
        blank_pdf(1),
        confidentiality="restricted",
        organisations=[net.organisations["UNDP"]],
    )
    attach(net, meeting, remittances, "Remittance corridors", "corridors.pdf", blank_pdf(4))
    return meeting


@pytest.mark.real_pdf
def test_the_pack_has_cover_agenda_and_each_document_after_its_items_separator(
    kyrgyzstan, meeting_with_documents
):
    pack = build(kyrgyzstan, meeting_with_documents)
    assert pack.status == MeetingPack.Status.READY, pack.error
    reader = pdf_of(pack)
    # cover 1 + agenda 1 + four separators (the break has one too) + 2 + 3 + 4 pages
    assert len(reader.pages) == pack.pages == 1 + 1 + 4 + 2 + 3 + 4
    cover = reader.pages[0].extract_text()
    assert "10:00" in cover and "Bishkek time" in cover
    assert "Internal — not for distribution" in cover
    agenda = reader.pages[1].extract_text()
    assert "10:00–10:10" in agenda and "10:40–10:55" in agenda and "Coffee" in agenda
    assert outline(reader) == [
        ("Cover", 0),
        ("Agenda", 1),
        ("1. Welcome", 2),
        [("Provisional agenda notes", 3)],
        ("2. Labour migration study", 5),
        [("Labour migration study", 6)],
        ("Coffee", 9),
        ("3. Remittances", 10),
        [("Remittance corridors", 11)],
    ]
    separator = reader.pages[5].extract_text()
    assert "2. Labour migration study" in separator
    assert "Donor briefing (UNDP only)" in separator and "withheld" in separator
    # One continuous number and the footnote on every page, the documents' own included.
    for index, page in enumerate(reader.pages):
        text = page.extract_text()
        assert f"{index + 1} / {len(reader.pages)}" in text, index
        assert FOOTNOTE in text, index
    assert [row["state"] for row in pack.contents if row["title"].startswith("Donor")] == [
        "withheld"
    ]


@pytest.mark.real_pdf
def test_a_word_document_is_converted_by_libreoffice_into_the_pack(kyrgyzstan, settings):
    assert packs.soffice(), "LibreOffice (soffice) is installed for the tests (make test)"
    net = kyrgyzstan
    meeting = schedule(net, start=local(net, "2026-09-15T10:00"))
    with network_scope(net.network):
        item = services.agenda_item_save(
            meeting=meeting, by=net.secretariat, title="Study", duration_minutes=20
        )
    attach(net, meeting, item, "Study (Word)", "study.docx", docx("Remittance corridor figures"))
    pack = build(net, meeting)
    assert pack.status == MeetingPack.Status.READY, pack.error
    reader = pdf_of(pack)
    assert [row["state"] for row in pack.contents] == ["included"]
    assert "Remittance corridor figures" in reader.pages[3].extract_text()
    assert outline(reader)[-1] == [("Study (Word)", 3)]


@pytest.mark.real_pdf
def test_without_libreoffice_an_office_file_is_listed_with_its_link(kyrgyzstan, settings):
    settings.MEETING_PACK_SOFFICE = "no-such-soffice"
    net = kyrgyzstan
    meeting = schedule(net)
    with network_scope(net.network):
        item = services.agenda_item_save(
            meeting=meeting, by=net.secretariat, title="Study", duration_minutes=20
        )
    document = attach(net, meeting, item, "Study (Word)", "study.docx", docx("Figures"))
    pack = build(net, meeting)
    reader = pdf_of(pack)
    assert len(reader.pages) == 3  # cover, agenda, the separator
    separator = reader.pages[2].extract_text().replace("\n", "")
    assert "Study (Word)" in separator and "not in this pack" in separator
    assert f"/n/kyrgyzstan/documents/{document.pk}/" in separator
    assert pack.contents[0]["state"] == "linked"


def test_a_change_to_a_linked_document_builds_a_new_version_with_another_hash(
    kyrgyzstan, meeting_with_documents
):
    net = kyrgyzstan
    first = build(net, meeting_with_documents)
    with network_scope(net.network):
        document = first.meeting.documents.get(title="Labour migration study")
        documents.version_add(
            document=document, by=net.secretariat, file=upload("study.pdf", blank_pdf(5))
        )
        queued = MeetingPack.objects.get(meeting=meeting_with_documents, number=2)
        assert queued.status == MeetingPack.Status.QUEUED
        second = packs.pack_build(pack_id=queued.pk)
    assert second.status == MeetingPack.Status.READY
    assert second.sha256 != first.sha256 and second.sources_sha256 != first.sources_sha256
    assert {row["version"] for row in second.contents if row["document"] == document.pk} == {2}


def test_a_build_of_unchanged_sources_adds_no_version(kyrgyzstan, meeting_with_documents):
    net = kyrgyzstan
    first = build(net, meeting_with_documents)
    again = build(net, meeting_with_documents)
    assert again.pk == first.pk
    with network_scope(net.network):
        assert MeetingPack.objects.filter(meeting=meeting_with_documents).count() == 1


def test_an_agenda_item_added_after_the_first_pack_queues_the_next(
    kyrgyzstan, meeting_with_documents
):
    net = kyrgyzstan
    build(net, meeting_with_documents)
    with network_scope(net.network):
        services.agenda_item_save(
            meeting=meeting_with_documents,
            by=net.secretariat,
            title="Any other business",
            duration_minutes=5,
        )
        services.agenda_item_save(
            meeting=meeting_with_documents, by=net.secretariat, title="Closing", duration_minutes=5
        )
        # Two changes in a row wait for one build.
        assert list(
            MeetingPack.objects.filter(meeting=meeting_with_documents).values_list(
                "number", "status"
            )
        ) == [(2, "queued"), (1, "ready")]


def test_the_agenda_mail_links_the_pack_version_it_sent(
    kyrgyzstan, approved_meeting, client, login
):
    net = kyrgyzstan
    with network_scope(net.network):
        services.agenda_circulate(meeting=approved_meeting, by=net.secretariat)
        circulation = Circulation.objects.filter(kind="agenda").latest("pk")
        pack = MeetingPack.objects.get(meeting=approved_meeting)
        attached = [a.filename for a in circulation.attachments.all()]
    url = pack_url(approved_meeting, pack.number)
    message = circulation.message_in("en")
    assert url in message["text"] and url in message["html"]
    assert pack.number == 1 and pack.status == MeetingPack.Status.QUEUED
    assert attached == ["meeting.ics", "agenda.pdf"]  # linked, not attached
    with network_scope(net.network):
        packs.pack_build(pack_id=pack.pk)
    login(net.people["member"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # Circulated again unchanged, the mail links the same version.
    with network_scope(net.network):
        services.agenda_reopen(meeting=approved_meeting, by=net.secretariat)
        services.agenda_submit(meeting=approved_meeting, by=net.secretariat)
        services.agenda_approve(meeting=approved_meeting, by=net.co_chair)
        services.agenda_circulate(meeting=approved_meeting, by=net.secretariat)
        again = Circulation.objects.filter(kind="agenda").latest("pk")
    assert url in again.message_in("en")["text"]


def test_the_pack_downloads_only_for_who_opens_every_document_in_it(
    kyrgyzstan, meeting_with_documents, client, login
):
    net = kyrgyzstan
    pack = build(net, meeting_with_documents)
    url = pack_url(meeting_with_documents, pack.number)
    login(net.people["member"])
    assert client.get(url).status_code == 200
    # The study becomes restricted to UNHCR after the build: this version holds it, so a
    # member of another agency no longer gets the version.
    with network_scope(net.network):
        document = meeting_with_documents.documents.get(title="Labour migration study")
        documents.confidentiality_set(
            document=document,
            by=net.secretariat,
            confidentiality="restricted",
            reason="Draft figures",
            organisations=[net.organisations["UNHCR"]],
        )
    assert client.get(url).status_code == 404
    assert client.get(pack_url(meeting_with_documents, 99)).status_code == 404


def test_the_meeting_page_shows_the_packs_state(kyrgyzstan, meeting_with_documents, client, login):
    net = kyrgyzstan
    page = reverse(
        "meetings:detail", kwargs={"network": "kyrgyzstan", "meeting_id": meeting_with_documents.pk}
    )
    login(net.secretariat)
    assert "No pack yet" in client.get(page).content.decode()
    response = client.post(
        reverse(
            "meetings:pack-build",
            kwargs={"network": "kyrgyzstan", "meeting_id": meeting_with_documents.pk},
        )
    )
    assert response.status_code == 302
    with network_scope(net.network):
        pack = MeetingPack.objects.get(meeting=meeting_with_documents)
        MeetingPack.objects.filter(pk=pack.pk).update(status="building", done=2, total=5)
    assert "Version 1 is being built: 2 of 5 parts done." in client.get(page).content.decode()
    with network_scope(net.network):
        MeetingPack.objects.filter(pk=pack.pk).update(status="queued")
        packs.pack_build(pack_id=pack.pk)
    html = client.get(page).content.decode()
    assert pack_url(meeting_with_documents, 1) in html
    assert "Donor briefing (UNDP only) — withheld" in html
    with network_scope(net.network):
        MeetingPack.objects.create(
            network=net.network,
            meeting=meeting_with_documents,
            number=2,
            status="failed",
            error="LibreOffice took too long",
        )
    html = client.get(page).content.decode()
    assert "Version 2 could not be built: LibreOffice took too long" in html
    assert pack_url(meeting_with_documents, 1) in html  # the last ready one stays


def test_an_answer_does_not_rebuild_the_pack_but_a_new_participant_does(
    kyrgyzstan, meeting_with_documents
):

    net = kyrgyzstan
    build(net, meeting_with_documents)
    with network_scope(net.network):
        services.rsvp(meeting=meeting_with_documents, user=net.people["member"], answer="accepted")
        assert MeetingPack.objects.filter(meeting=meeting_with_documents).count() == 1
        services.participant_invite(
            meeting=meeting_with_documents, by=net.secretariat, user=net.people["rco"]
        )
        assert MeetingPack.objects.filter(meeting=meeting_with_documents, number=2).exists()


def test_a_linked_version_whose_build_finds_nothing_changed_still_opens(
    kyrgyzstan, meeting_with_documents
):
    # A mail links the next version while a change waits; the change is undone before the
    # build: the linked version is the last pack's twin, never dropped (the link must open).
    net = kyrgyzstan
    first = build(net, meeting_with_documents)
    with network_scope(net.network):
        item = services.agenda_item_save(
            meeting=meeting_with_documents, by=net.secretariat, title="Closing", duration_minutes=5
        )
        linked = packs.pack_for_circulation(meeting_with_documents)
        assert linked.number == 2
        services.agenda_item_delete(item=item, by=net.secretariat)
        built = packs.pack_build(pack_id=linked.pk)
        assert built.pk == linked.pk and built.status == MeetingPack.Status.READY
        assert (built.sha256, built.pages, built.file.name) == (
            first.sha256,
            first.pages,
            first.file.name,
        )
        assert MeetingPack.objects.filter(meeting=meeting_with_documents).count() == 2


def test_a_build_lost_with_its_message_or_its_worker_is_handed_over_again(
    kyrgyzstan, meeting_with_documents, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    from meetings import tasks

    net = kyrgyzstan
    with network_scope(net.network):
        lost = packs.pack_request(meeting=meeting_with_documents)
        MeetingPack.objects.filter(pk=lost.pk).update(
            status=MeetingPack.Status.BUILDING,
            requested_at=timezone.now() - timedelta(hours=4),
        )
    handed: list[int] = []
    monkeypatch.setattr(tasks, "build_meeting_pack", type("T", (), {"delay": handed.append}))
    # A fresh build is left to its own message.
    assert packs.stuck_packs_requeue(now=timezone.now() - timedelta(hours=4)) == []
    assert tasks.sweep_stuck_packs() == 1 and handed == [lost.pk]
    with network_scope(net.network):
        lost.refresh_from_db()
        assert lost.status == MeetingPack.Status.QUEUED
        assert packs.pack_build(pack_id=lost.pk).status == MeetingPack.Status.READY
    # Handed over twice, it is built once: the second finds it built and leaves it.
    with network_scope(net.network):
        built = MeetingPack.objects.get(pk=lost.pk)
        again = packs.pack_build(pack_id=lost.pk)
        assert (again.sha256, again.built_at) == (built.sha256, built.built_at)
