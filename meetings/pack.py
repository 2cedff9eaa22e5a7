"""The meeting pack: one PDF per meeting, as board portals hand it round.

A cover (the network, the meeting, its time on the network's clock, the place and link, the
internal mark), the agenda with its times (meetings.timetable), then every document linked to
the agenda, in agenda order, each item opened by a separator page naming it. Bookmarks
(the PDF's outline) lead to the cover, the agenda, each item and each document; every page
carries one continuous number and the network's designation footnote, stamped over the
merged pages from one WeasyPrint overlay (networks.pdf) with pypdf.

Only a document every recipient may open goes in (the recipients are the meeting's
participants; documents.selectors.may_open is the rule): a restricted one that some
participant may not open is named on its item's separator as withheld. PDFs go in as they
are; Word, Excel, PowerPoint and OpenDocument files are converted by LibreOffice headless
(`soffice`, with a timeout and a private profile) when it is installed, otherwise — and for
images, or a file that cannot be read — the separator lists them with their link.

Each build is a version of its own (`MeetingPack`), with the SHA-256 of its file; the
agenda mail links the version it sent (`pack_for_circulation`). A change to the agenda,
the meeting, a linked document or the participants queues the next build
(meetings.receivers) once a meeting has a pack; a build whose sources did not change adds
no version.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from documents import storage
from documents.models import Document, DocumentVersion
from documents.selectors import may_open
from meetings.models import AgendaItem, Meeting, MeetingPack, Participant
from meetings.timetable import Slot, timetable
from networks.models import Membership
from networks.pdf import render_pdf
from networks.roles import allowed_actions
from networks.scoping import scopes_disabled
from portal.queues import enqueue_on_commit

if TYPE_CHECKING:
    from networks.models import Network

logger = logging.getLogger("meetings.pack")

OFFICE_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
}
PDF_TYPE = "application/pdf"
# A4 in points: the overlay's page, centred on pages of other sizes.
OVERLAY_WIDTH = 595.28

INCLUDED = "included"
WITHHELD = "withheld"
LINKED = "linked"


def soffice() -> str | None:
    """LibreOffice's command, when installed (MEETING_PACK_SOFFICE names another)."""
    configured = getattr(settings, "MEETING_PACK_SOFFICE", "") or "soffice"
    return shutil.which(configured)


def convert_seconds() -> int:
    return int(getattr(settings, "MEETING_PACK_CONVERT_SECONDS", 120))


# What goes in ------------------------------------------------------------------------------


@dataclass
class Entry:
    document: Document
    version: DocumentVersion | None
    state: str  # INCLUDED, WITHHELD or LINKED
    reason: str = ""
    pdf: Any = None  # the document as a pypdf reader, once read or converted


@dataclass
class Section:
    slot: Slot | None  # None: the meeting's documents that name no item
    entries: list[Entry] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.slot is None:
            return _("Other documents of the meeting")
        if self.slot.number is None:
            return self.slot.item.title
        return f"{self.slot.number}. {self.slot.item.title}"


@dataclass
class Sources:
    meeting: Meeting
    items: list[AgendaItem]
    slots: list[Slot]
    sections: list[Section]
    recipient_ids: list[int]

    @property
    def entries(self) -> list[Entry]:
        return [entry for section in self.sections for entry in section.entries]

    def fingerprint(self) -> str:
        """The SHA-256 of everything the pack shows: equal sources, equal packs."""
        meeting, network = self.meeting, self.meeting.network
        data: dict[str, Any] = {
            "network": [network.name, network.time_zone, network.designation_footnote],
            "meeting": [
                meeting.title,
                meeting.get_kind_display(),
                meeting.starts_at.isoformat(),
                meeting.ends_at.isoformat(),
                meeting.location,
                meeting.online_url,
                meeting.status,
            ],
            "items": [
                [
                    i.pk,
                    i.title,
                    i.description,
                    i.duration_minutes,
                    i.is_break,
                    i.presenter_organisation_id,
                    i.presenter_id,
                ]
                for i in self.items
            ],
            "documents": [
                [
                    e.document.pk,
                    e.document.title,
                    e.document.agenda_item_id,
                    e.version.sha256 if e.version else "",
                    e.state,
                ]
                for e in self.entries
            ],
            "recipients": self.recipient_ids,
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _recipients(meeting: Meeting) -> list[tuple[int, frozenset[str], frozenset[int]]]:
    """Each active participant as the document rule sees them: id, actions, organisations
    (their active memberships in the network). Two queries."""
    user_ids = list(
        Participant.objects.filter(meeting=meeting, user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    roles: dict[int, set[str]] = {user_id: set() for user_id in user_ids}
    organisations: dict[int, set[int]] = {user_id: set() for user_id in user_ids}
    for user_id, role, organisation_id in (
        Membership.objects.active()
        .filter(user_id__in=user_ids)
        .values_list("user_id", "role", "organisation_id")
    ):
        roles[user_id].add(role)
        organisations[user_id].add(organisation_id)
    return [
        (user_id, frozenset(allowed_actions(roles[user_id])), frozenset(organisations[user_id]))
        for user_id in user_ids
    ]


def gather(meeting: Meeting) -> Sources:
    """What the pack of `meeting` holds as things stand (a fixed number of queries): its
    agenda, and each linked document with its latest version, in or withheld."""
    items = list(
        AgendaItem.objects.filter(meeting=meeting).select_related(
            "presenter", "presenter_organisation"
        )
    )
    slots = timetable(meeting, items)
    recipients = _recipients(meeting)
    documents = list(
        Document.objects.filter(Q(meeting=meeting) | Q(agenda_item__meeting=meeting))
        .distinct()
        .prefetch_related("access", "versions")
        .order_by("title", "pk")
    )
    by_item: dict[int | None, list[Entry]] = {}
    item_ids = {item.pk for item in items}
    for document in documents:
        versions = sorted(document.versions.all(), key=lambda v: v.number)
        version = versions[-1] if versions else None
        named = list(document.access.all())
        everyone = all(
            may_open(document, user_id=user_id, actions=actions, organisation_ids=orgs, named=named)
            for user_id, actions, orgs in recipients
        )
        if not everyone:
            entry = Entry(document, version, WITHHELD, _("not every participant may open it"))
        elif version is None:
            entry = Entry(document, None, LINKED, _("no file yet"))
        elif version.content_type == PDF_TYPE or version.content_type in OFFICE_TYPES:
            entry = Entry(document, version, INCLUDED)
        else:
            entry = Entry(document, version, LINKED, _("open it in the portal"))
        key = document.agenda_item_id if document.agenda_item_id in item_ids else None
        by_item.setdefault(key, []).append(entry)
    sections = [Section(slot, by_item.get(slot.item.pk, [])) for slot in slots]
    if by_item.get(None):
        sections.append(Section(None, by_item[None]))
    return Sources(meeting, items, slots, sections, [user_id for user_id, _a, _o in recipients])


# Reading and converting the files ----------------------------------------------------------


def _read(version: DocumentVersion) -> bytes:
    with storage.open_stream(version.file) as handle:
        data: bytes = handle.read()
    return data


def _pdf_reader(data: bytes):
    """The PDF, read once (its pages counted); ValueError when it cannot go into the pack."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            raise ValueError(_("it is protected by a password"))
        if not len(reader.pages):
            raise ValueError(_("it has no pages"))
        return reader
    except (PyPdfError, OSError, KeyError, TypeError) as error:
        raise ValueError(_("it could not be read as PDF")) from error


def convert(data: bytes, filename: str, command: str) -> bytes:
    """An office file as PDF, by LibreOffice headless in a folder and profile of its own
    (two conversions at once never share one). ValueError when it fails or takes too long."""
    suffix = Path(filename).suffix.lower() or ".bin"
    with tempfile.TemporaryDirectory(prefix="pack-") as folder:
        source = Path(folder) / f"document{suffix}"
        source.write_bytes(data)
        profile = Path(folder) / "profile"
        try:
            subprocess.run(
                [
                    command,
                    f"-env:UserInstallation={profile.as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    folder,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=convert_seconds(),
                env={**os.environ, "HOME": folder},
            )
        except subprocess.TimeoutExpired as error:
            raise ValueError(_("converting it took too long")) from error
        except (subprocess.CalledProcessError, OSError) as error:
            raise ValueError(_("it could not be converted to PDF")) from error
        target = Path(folder) / "document.pdf"
        if not target.exists():
            raise ValueError(_("it could not be converted to PDF"))
        return target.read_bytes()


def _prepare(entry: Entry, command: str | None) -> None:
    """The entry's PDF, or the entry turned into a link with the reason."""
    assert entry.version is not None
    try:
        data = _read(entry.version)
    except (FileNotFoundError, *storage.STORAGE_ERRORS):
        entry.state, entry.reason = LINKED, _("its file could not be read")
        return
    try:
        if entry.version.content_type in OFFICE_TYPES:
            if command is None:
                entry.state, entry.reason = LINKED, _("open it in the portal")
                return
            data = convert(data, entry.version.filename, command)
        entry.pdf = _pdf_reader(data)
    except ValueError as error:
        entry.state, entry.reason = LINKED, str(error)


# Rendering and merging ---------------------------------------------------------------------


def _language(network: Network) -> str:
    language = (network.languages or [settings.LANGUAGE_CODE])[0]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _document_url(document: Document, network: Network) -> str:
    path = reverse("documents:detail", kwargs={"network": network.slug, "document_id": document.pk})
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _render(part: str, context: dict[str, Any], network: Network) -> bytes:
    return render_pdf(f"meetings/pack_{part}_pdf.html", context, network=network)


# Helvetica's widths (per 1000 of the size) of what a page number is made of.
_WIDTHS = {**dict.fromkeys("0123456789", 556), " ": 278, "/": 278}
NUMBER_SIZE = 8
NUMBER_RIGHT = 51  # points from the page's right edge (18 mm, the pages' margin)
NUMBER_BOTTOM = 22


def page_numbers(sizes: list[tuple[float, float]]) -> bytes:
    """A PDF of one page per size with only "n / total" at its bottom right, in Helvetica
    (one of the fonts every reader has, so nothing is embedded): written directly, because
    a page number is the same few glyphs in every language and WeasyPrint would take
    seconds for a pack of a hundred pages."""
    total = len(sizes)
    objects: list[bytes] = [b"", b"", b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"]
    kids = []
    for index, (width, height) in enumerate(sizes, start=1):
        text = f"{index} / {total}"
        advance = sum(_WIDTHS[c] for c in text) * NUMBER_SIZE / 1000
        x = width - NUMBER_RIGHT - advance
        stream = (
            f"BT /F1 {NUMBER_SIZE} Tf 0.27 0.27 0.27 rg {x:.2f} {NUMBER_BOTTOM} Td ({text}) Tj ET"
        ).encode()
        objects.append(b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream")
        content = len(objects)
        objects.append(
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 %.2f %.2f]/Contents %d 0 R"
            b"/Resources<</Font<</F1 3 0 R>>>>>>" % (width, height, content)
        )
        kids.append(len(objects))
    objects[0] = b"<</Type/Catalog/Pages 2 0 R>>"
    objects[1] = b"<</Type/Pages/Kids[%s]/Count %d>>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        total,
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _reader(data: bytes):
    from pypdf import PdfReader

    return PdfReader(BytesIO(data))


def assemble(sources: Sources, progress=None) -> tuple[bytes, int]:
    """The pack's PDF and its page count. `progress(done, total)` is told after each part."""
    from pypdf import PdfWriter, Transformation

    meeting = sources.meeting
    network = meeting.network
    command = soffice()
    included = [entry for entry in sources.entries if entry.state == INCLUDED]
    total = len(included) + 2  # each document, the front pages, the numbering
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    for entry in included:
        _prepare(entry, command)
        step()
    writer = PdfWriter()
    with translation.override(_language(network)):
        # The cover and every separator in one render, one page each (pack_front_pdf.html).
        front = _reader(
            _render(
                "front",
                {
                    "meeting": meeting,
                    "sections": [
                        (
                            section,
                            [
                                (entry, _document_url(entry.document, network))
                                for entry in section.entries
                            ],
                        )
                        for section in sources.sections
                    ],
                },
                network,
            )
        )

        def front_page(index: int):
            return front.pages[min(index, len(front.pages) - 1)]

        writer.add_page(front_page(0))
        writer.add_outline_item(title=_("Cover"), page_number=0)
        agenda_start = len(writer.pages)
        agenda = _render("agenda", {"meeting": meeting, "timetable": sources.slots}, network)
        writer.append(_reader(agenda), import_outline=False)
        writer.add_outline_item(title=_("Agenda"), page_number=agenda_start)
        step()
        for number, section in enumerate(sources.sections, start=1):
            start = len(writer.pages)
            writer.add_page(front_page(number))
            parent = writer.add_outline_item(title=section.title, page_number=start)
            for entry in section.entries:
                if entry.pdf is None:
                    continue
                first = len(writer.pages)
                writer.append(entry.pdf, import_outline=False)
                writer.add_outline_item(
                    title=entry.document.title, page_number=first, parent=parent
                )
        pages = len(writer.pages)
        footnote = (
            _reader(_render("footnote", {"meeting": meeting}, network)).pages[0]
            if network.designation_footnote
            else None
        )
    sizes = [(float(page.mediabox.width), float(page.mediabox.height)) for page in writer.pages]
    numbers = _reader(page_numbers(sizes))
    for index, page in enumerate(writer.pages):
        # The page's own origin may not be (0, 0): the stamps follow its box.
        left, bottom = float(page.mediabox.left), float(page.mediabox.bottom)
        page.merge_transformed_page(
            numbers.pages[index], Transformation().translate(tx=left, ty=bottom)
        )
        if footnote is not None:
            page.merge_transformed_page(
                footnote,
                Transformation().translate(
                    tx=left + (sizes[index][0] - OVERLAY_WIDTH) / 2, ty=bottom
                ),
            )
    writer.add_metadata({"/Title": f"{meeting.title} — {_('Meeting pack')}"})
    writer.page_mode = "/UseOutlines"
    out = BytesIO()
    writer.write(out)
    step()
    return out.getvalue(), pages


# The versions: requested, built, linked ----------------------------------------------------


def latest_ready(meeting: Meeting) -> MeetingPack | None:
    return (
        MeetingPack.objects.filter(meeting=meeting, status=MeetingPack.Status.READY)
        .order_by("-number")
        .first()
    )


def pack_request(*, meeting: Meeting) -> MeetingPack:
    """The secretariat, a circulation or a change: the next build of the meeting's pack,
    queued after the caller's transaction commits. A build already waiting is that one
    (several changes in a row make one build)."""
    from meetings.tasks import build_meeting_pack

    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        waiting = (
            MeetingPack.objects.filter(meeting=locked, status=MeetingPack.Status.QUEUED)
            .order_by("-number")
            .first()
        )
        if waiting is not None:
            return waiting
        last = MeetingPack.objects.filter(meeting=locked).aggregate(n=Max("number"))["n"] or 0
        pack = MeetingPack.objects.create(network=locked.network, meeting=locked, number=last + 1)
        enqueue_on_commit(build_meeting_pack, pack.pk)
        return pack


def pack_for_circulation(meeting: Meeting) -> MeetingPack:
    """The version the agenda mail links: the last ready pack when it shows the meeting as
    it stands now, else the next build (queued; the link works once it is ready)."""
    ready = latest_ready(meeting)
    if ready is not None and ready.sources_sha256 == gather(meeting).fingerprint():
        return ready
    pack = pack_request(meeting=meeting)
    if not pack.linked:
        MeetingPack.objects.filter(pk=pack.pk).update(linked=True)
        pack.linked = True
    return pack


def _contents(sources: Sources) -> list[dict[str, Any]]:
    return [
        {
            "document": entry.document.pk,
            "title": entry.document.title,
            "item": section.slot.item.pk if section.slot else None,
            "version": entry.version.number if entry.version else None,
            "state": entry.state,
            "reason": entry.reason,
        }
        for section in sources.sections
        for entry in section.entries
    ]


def pack_build(*, pack_id: int) -> MeetingPack | None:
    """The worker (meetings.tasks.build_meeting_pack): builds a queued pack, once. A pack
    already taken is left as it is; one whose sources equal the last ready pack's is not
    kept (that pack stands) — unless a mail links it, when it becomes that pack's twin (the
    same file and hashes) so the link opens. A failure is recorded with its reason, never
    raised."""
    with transaction.atomic():
        pack = (
            MeetingPack.objects.select_for_update()
            .select_related("meeting__network")
            .filter(pk=pack_id)
            .first()
        )
        if pack is None or pack.status != MeetingPack.Status.QUEUED:
            return pack
        pack.status = MeetingPack.Status.BUILDING
        pack.save(update_fields=["status"])
    meeting = pack.meeting
    try:
        sources = gather(meeting)
        fingerprint = sources.fingerprint()
        ready = latest_ready(meeting)
        if ready is not None and ready.sources_sha256 == fingerprint:
            if not pack.linked:
                pack.delete()
                return ready
            for field in ("file", "size", "pages", "sha256", "sources_sha256", "contents"):
                setattr(pack, field, getattr(ready, field))
            pack.status = MeetingPack.Status.READY
            pack.built_at = timezone.now()
            pack.done = pack.total = ready.total
            pack.save()
            return pack

        def progress(done: int, total: int) -> None:
            MeetingPack.objects.filter(pk=pack.pk).update(done=done, total=total)

        progress(0, sum(e.state == INCLUDED for e in sources.entries) + 2)
        data, pages = assemble(sources, progress)
    except Exception as error:  # the reason is shown; the next change builds again
        logger.exception("meeting pack %s failed", pack.pk)
        MeetingPack.objects.filter(pk=pack.pk).update(
            status=MeetingPack.Status.FAILED,
            error=(str(error) or type(error).__name__)[:500],
            built_at=timezone.now(),
        )
        pack.refresh_from_db()
        return pack
    pack.file.save(f"pack-{meeting.pk}-v{pack.number}.pdf", ContentFile(data), save=False)
    pack.size = len(data)
    pack.pages = pages
    pack.sha256 = hashlib.sha256(data).hexdigest()
    pack.sources_sha256 = fingerprint
    pack.contents = _contents(sources)
    pack.status = MeetingPack.Status.READY
    pack.built_at = timezone.now()
    pack.error = ""
    pack.done = pack.total
    pack.save()
    return pack


def included_document_ids(pack: MeetingPack) -> list[int]:
    return [row["document"] for row in pack.contents if row.get("state") == INCLUDED]


# Builds that lost their worker ---------------------------------------------------------------

# A queued build whose task was lost (the broker was down, Redis restarted empty) is handed to
# the worker again after this long; one left "building" by a worker that died, after the
# longest a build can take (every conversion at its timeout, and some).
QUEUED_AGAIN_AFTER = timedelta(minutes=5)
BUILDING_AGAIN_AFTER = timedelta(hours=3)


def stuck_packs_requeue(*, now: datetime | None = None) -> list[int]:
    """Beat (meetings.tasks.sweep_stuck_packs): the builds to hand to the worker again —
    queued ones past QUEUED_AGAIN_AFTER, and those "building" past BUILDING_AGAIN_AFTER, put
    back to queued. A build runs only from "queued" under a row lock, so handing one over
    twice builds it once. Returns the packs' ids, across networks."""
    now = now or timezone.now()
    with scopes_disabled(), transaction.atomic():
        MeetingPack.objects.filter(
            status=MeetingPack.Status.BUILDING, requested_at__lt=now - BUILDING_AGAIN_AFTER
        ).update(status=MeetingPack.Status.QUEUED, done=0, total=0)
        return list(
            MeetingPack.objects.filter(
                status=MeetingPack.Status.QUEUED, requested_at__lt=now - QUEUED_AGAIN_AFTER
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:500]
        )
