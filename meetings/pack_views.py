"""The meeting pack's pages: its state on the meeting's page, the secretariat's "build it
now", and the download of one version. Who may download a version: whoever may see the
meeting and open every document in it (documents.selectors, the one rule) — others get the
same 404 as for a missing pack."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from documents import storage
from documents.selectors import documents_visible
from meetings import pack as packs
from meetings.models import Meeting, MeetingPack
from meetings.views import MeetingPageMixin
from networks.access import NetworkAccess, not_found
from networks.roles import Action


def may_download(pack: MeetingPack, access: NetworkAccess) -> bool:
    """Whether `access` opens every document the pack holds (one query)."""
    wanted = set(packs.included_document_ids(pack))
    if not wanted:
        return True
    opened = set(
        documents_visible(access=access).filter(pk__in=wanted).values_list("pk", flat=True)
    )
    return wanted <= opened


def pack_context(meeting: Meeting, access: NetworkAccess) -> dict[str, Any]:
    """The meeting page's pack section: the latest build and the latest ready one (two or
    three queries whatever the meeting holds)."""
    latest = MeetingPack.objects.filter(meeting=meeting).order_by("-number").first()
    ready = latest if latest is not None and latest.is_ready else packs.latest_ready(meeting)
    return {
        "pack": latest,
        "pack_ready": ready,
        "pack_downloadable": ready is not None and may_download(ready, access),
        "pack_missing": [row for row in ready.contents if row.get("state") != packs.INCLUDED]
        if ready is not None
        else [],
        "can_build_pack": access.can(Action.MEETINGS_MANAGE) and not meeting.is_cancelled,
    }


class PackBuildView(MeetingPageMixin, View):
    """The secretariat: build the pack now (a build already waiting is that one)."""

    required_action = Action.MEETINGS_MANAGE

    def post(self, request, network, meeting_id):
        meeting = self.setup_meeting()
        if meeting.is_cancelled:
            messages.error(request, _("A cancelled meeting has no pack."))
        else:
            pack = packs.pack_request(meeting=meeting)
            messages.success(
                request,
                _("Version %(number)d of the meeting pack is being built.")
                % {"number": pack.number},
            )
        return redirect(self.meeting_url(meeting) + "#pack")


class PackDownloadView(MeetingPageMixin, View):
    """One version of the pack, streamed from the storage after the right is checked now."""

    required_action = Action.MEETINGS_PACK

    def get(self, request, network, meeting_id, number):
        meeting = self.setup_meeting()
        pack = MeetingPack.objects.filter(
            meeting=meeting, number=number, status=MeetingPack.Status.READY
        ).first()
        if pack is None or not pack.file or not may_download(pack, self.network_access):
            raise not_found()
        try:
            handle = storage.open_stream(pack.file)
        except (FileNotFoundError, *storage.STORAGE_ERRORS) as error:
            raise not_found() from error
        response = FileResponse(
            handle,
            content_type="application/pdf",
            as_attachment=False,
            filename=f"meeting-pack-{meeting.pk}-v{pack.number}.pdf",
        )
        if not response.has_header("Content-Length"):
            response["Content-Length"] = str(pack.size)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'"
        response["Cache-Control"] = "private, no-store"
        return response
