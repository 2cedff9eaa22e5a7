"""Reads on meetings, each in a fixed number of queries whatever the number of meetings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.utils import timezone

from documents.selectors import documents_visible
from meetings.models import AgendaItem, CalendarFeed, Meeting, Participant
from meetings.representation import representation
from meetings.timetable import Slot, timetable
from networks.models import Network
from networks.roles import Action
from networks.scoping import scopes_disabled

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User
    from documents.models import Document
    from meetings.models import Minutes, MinutesApproval, MinutesComment, MinutesVersion
    from networks.access import NetworkAccess

CADENCE_DAYS: dict[str, int] = {
    Network.Cadence.MONTHLY: 31,
    Network.Cadence.BIMONTHLY: 62,
    Network.Cadence.QUARTERLY: 92,
    Network.Cadence.HALF_YEARLY: 183,
}


def _only_invited(access: NetworkAccess) -> bool:
    """Without `meetings.view_all` (external partners), one sees the meetings one is invited
    to, not the network's internal ones."""
    return not access.can(Action.MEETINGS_VIEW_ALL)


def agenda_shown(meeting: Meeting, access: NetworkAccess) -> bool:
    """Whether this person reads the meeting's agenda — its items, their timetable and
    documents, its PDF, its status: the secretariat and the co-chairs always
    (`agendas.draft_view`), everyone else once the co-chairs approved it. The pages, the API
    and the PDF ask this one rule."""
    return meeting.agenda_is_final or access.can(Action.AGENDA_DRAFT_VIEW)


def meetings_visible(*, access: NetworkAccess) -> QuerySet[Meeting]:
    meetings = Meeting.objects.select_related("working_group").annotate(
        item_count=Count("agenda_items", distinct=True)
    )
    if _only_invited(access):
        meetings = meetings.filter(participants__user_id=access.user_id)
    return meetings


def meeting_list(
    *,
    access: NetworkAccess,
    when: str = "upcoming",
    kind: str = "",
    working_group: int | None = None,
) -> QuerySet[Meeting]:
    now = timezone.now()
    meetings = meetings_visible(access=access)
    if when == "past":
        meetings = meetings.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        meetings = meetings.filter(ends_at__gte=now).order_by("starts_at", "pk")
    if kind:
        meetings = meetings.filter(kind=kind)
    if working_group:
        meetings = meetings.filter(working_group_id=working_group)
    return meetings


@dataclass
class MeetingPage:
    meeting: Meeting
    items: list[AgendaItem]
    participants: list[Participant]
    mine: Participant | None
    answers: Counter[str] = field(default_factory=Counter)
    minutes_status: str = ""
    # agenda item id (or None) → [Document]
    documents: dict[int | None, list[Document]] = field(default_factory=dict)
    timetable: list[Slot] = field(default_factory=list)
    # Before the meeting ends, from the answers (meetings.representation); after it, from
    # the minutes' attendance once they are started; None otherwise, for a cancelled
    # meeting and for those who see only the meetings they are invited to.
    representation: dict[str, Any] | None = None
    # False while the agenda is with the secretariat and the co-chairs and the person does
    # not read drafts (agenda_shown): `items`, `timetable` and the items' documents are empty.
    agenda_shown: bool = True
    # True when `representation` counts the attendance of the minutes (after the meeting).
    represented_from_attendance: bool = False


def meeting_page(*, access: NetworkAccess, meeting_id: int) -> MeetingPage | None:
    """The meeting with its agenda, participants and who is still missing: fixed queries."""
    meeting = (
        meetings_visible(access=access)
        .select_related("agenda_approved_by", "created_by")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        return None
    shown = agenda_shown(meeting, access)
    items = (
        list(
            AgendaItem.objects.filter(meeting=meeting).select_related(
                "presenter", "presenter_organisation"
            )
        )
        if shown
        else []
    )
    participants = list(
        Participant.objects.filter(meeting=meeting)
        .select_related("user", "organisation", "delegate", "delegate_invitation")
        .order_by("organisation__acronym", "user__full_name", "user__email")
    )
    mine = next((p for p in participants if p.user_id == access.user_id), None)
    answers = Counter(p.answer for p in participants)
    from meetings.models import Minutes

    minutes = Minutes.objects.filter(meeting=meeting).first()
    status = str(minutes.get_status_display()) if minutes else ""
    documents: dict[int | None, list[Document]] = {}
    for document in documents_visible(access=access).filter(meeting=meeting).order_by("title"):
        if shown or document.agenda_item_id is None:
            documents.setdefault(document.agenda_item_id, []).append(document)
    expected = None
    held = False
    if meeting.is_cancelled or _only_invited(access):
        pass
    elif meeting.ends_at > timezone.now():
        # A participant who sends a colleague of their organisation has it represented.
        expected = representation(
            p.organisation_id
            for p in participants
            if p.answer in (Participant.Answer.ACCEPTED, Participant.Answer.DELEGATED)
        )
    elif minutes is not None:
        # After the meeting, from who was there: the attendance the minutes record.
        from meetings.models import Attendance

        held = True
        expected = representation(
            Attendance.objects.filter(
                minutes=minutes, status=Attendance.Status.PRESENT
            ).values_list("organisation_id", flat=True)
        )
    return MeetingPage(
        meeting,
        items,
        participants,
        mine,
        answers,
        status,
        documents,
        timetable(meeting, items),
        expected,
        shown,
        held,
    )


@dataclass
class Cadence:
    last: Meeting | None
    next: Meeting | None
    due: datetime | None  # by when the next meeting should be held
    missed: bool


def cadence(*, network: Network, access: NetworkAccess | None = None) -> Cadence:
    """When the next regular meeting is due under the network's cadence, and whether it is
    late: 2 queries. Someone who sees only the meetings they are invited to (an external
    partner) is told of their own next meeting, never of the network's internal ones nor of
    its cadence: every link the home and the list draw from this opens (1 query). Without
    `access` (the cadence reminder), the network's own."""
    now = timezone.now()
    if access is not None and _only_invited(access):
        upcoming = (
            meetings_visible(access=access)
            .filter(status=Meeting.Status.SCHEDULED, starts_at__gte=now)
            .order_by("starts_at", "pk")
            .first()
        )
        return Cadence(None, upcoming, None, False)
    plenary = Meeting.objects.filter(status=Meeting.Status.SCHEDULED).exclude(
        kind=Meeting.Kind.WORKING_GROUP
    )
    last = plenary.filter(starts_at__lt=now).order_by("-starts_at").first()
    upcoming = plenary.filter(starts_at__gte=now).order_by("starts_at").first()
    days = CADENCE_DAYS.get(network.meeting_cadence, 92)
    due = (last.starts_at + timedelta(days=days)) if last else None
    missed = upcoming is None and due is not None and due < now
    if upcoming is not None and due is not None and upcoming.starts_at > due:
        missed = True
    return Cadence(last, upcoming, due, missed)


def feed_meetings(*, user: User) -> list[Meeting]:
    """Every meeting of the person, across the networks where they hold a role now."""
    from networks.models import Membership

    with scopes_disabled():
        networks = Membership.objects.active().filter(user=user).values("network_id")
        return list(
            Meeting.objects.filter(
                network_id__in=networks,
                participants__user=user,
                starts_at__gte=timezone.now() - timedelta(days=365),
            )
            .select_related("network")
            .order_by("starts_at")
        )


def feed_for_token(token_hash: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.filter(token_hash=token_hash, revoked_at__isnull=True)
        .select_related("user")
        .first()
    )


@dataclass
class MinutesPage:
    minutes: Minutes | None
    approved: MinutesVersion | None  # the latest approved version
    pending: MinutesVersion | None  # the submitted version awaiting approval
    versions: list[MinutesVersion]
    approvals: dict[int, list[MinutesApproval]]  # version id → its approvals
    comments: list[MinutesComment]
    draft: dict[str, Any] | None  # the draft's content, for those who may read drafts
    attendee: bool


def minutes_page(*, access: NetworkAccess, meeting: Meeting, can_read_drafts: bool) -> MinutesPage:
    """The minutes of a meeting as this person may see them: a fixed number of queries."""
    from meetings.models import Attendance, Minutes, MinutesApproval, MinutesComment, MinutesVersion

    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        return MinutesPage(None, None, None, [], {}, [], None, False)
    versions = list(
        MinutesVersion.objects.filter(minutes=minutes)
        .defer("pdf")
        .select_related("submitted_by", "returned_by")
        .order_by("-number")
    )
    approvals: dict[int, list[MinutesApproval]] = {}
    for approval in MinutesApproval.objects.filter(version__minutes=minutes).select_related(
        "co_chair"
    ):
        approvals.setdefault(approval.version_id, []).append(approval)
    approved = next((v for v in versions if v.approved_at), None)
    pending = None
    if minutes.status == Minutes.Status.SUBMITTED:
        pending = next((v for v in versions if not v.approved_at and not v.returned_at), None)
    attendee = Attendance.objects.filter(minutes=minutes, user_id=access.user_id).exists()
    comments = []
    if pending is not None and can_read_drafts:
        comments = list(MinutesComment.objects.filter(version=pending).select_related("author"))
    draft = None
    if can_read_drafts and minutes.status == Minutes.Status.DRAFT:
        from meetings.services import minutes_content

        minutes.meeting = meeting
        draft = minutes_content(minutes)
    return MinutesPage(minutes, approved, pending, versions, approvals, comments, draft, attendee)
