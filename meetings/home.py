"""What meetings shows on the network home (networks.home): the next meetings with the
cadence, and the inbox's agendas, minutes and invitations. Registered in
MeetingsConfig.ready().

The inbox asks the agenda's and the minutes' workflow tables (meetings.flows) which steps
the person's roles allow from each state, and checks what the tables' guards check (this
co-chair already approved) in the same query; five queries whatever the number of networks
and meetings.

New minutes: approved minutes circulated to the person in the last NEW_MINUTES_DAYS days
whose delivery they have not opened (`circulation.Delivery.opened_at`, the circulation's own
read record: set when they follow the email's link). The inbox links to the same
"opened" link, so opening them from the inbox records it too, and they leave the inbox.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import flows, selectors
from meetings.models import (
    AgendaApproval,
    Attendance,
    Meeting,
    Minutes,
    MinutesApproval,
    Participant,
)
from networks.home import CLOSES, STARTS, InboxItem, register_inbox, register_panel
from networks.roles import Action

if TYPE_CHECKING:
    from networks.access import NetworkAccess

NEW_MINUTES_DAYS = 30
LIMIT = 50  # items of one kind, per page
UPCOMING = 3  # meetings the panel lists


def _panel(access: NetworkAccess) -> dict:
    upcoming = list(
        selectors.meetings_visible(access=access)
        .filter(status=Meeting.Status.SCHEDULED, ends_at__gte=timezone.now())
        .order_by("starts_at", "pk")[:UPCOMING]
    )
    return {
        "cadence": selectors.cadence(network=access.network, access=access),
        "upcoming": upcoming,
    }


def _link(name: str, access: NetworkAccess, meeting_id: int, anchor: str = "") -> str:
    url = reverse(
        f"meetings:{name}", kwargs={"network": access.network.slug, "meeting_id": meeting_id}
    )
    return url + anchor


def _ids(accesses: Sequence[NetworkAccess]) -> list[int]:
    return [access.network.pk for access in accesses]


def _agendas(by_network: dict[int, NetworkAccess], user_id: int) -> Iterator[InboxItem]:
    accesses = list(by_network.values())
    approving = [
        a for a in accesses if flows.AGENDA.allows(Meeting.AgendaStatus.SUBMITTED, "approve", a)
    ]
    circulating = [
        a for a in accesses if flows.AGENDA.allows(Meeting.AgendaStatus.APPROVED, "circulate", a)
    ]
    if not approving and not circulating:
        return
    approved_by_me = AgendaApproval.objects.filter(
        co_chair_id=user_id, withdrawn_at__isnull=True
    ).values("meeting_id")
    wanted = Q(pk__in=[])
    if approving:
        wanted |= Q(
            network_id__in=_ids(approving), agenda_status=Meeting.AgendaStatus.SUBMITTED
        ) & ~Q(pk__in=approved_by_me)
    if circulating:
        wanted |= Q(network_id__in=_ids(circulating), agenda_status=Meeting.AgendaStatus.APPROVED)
    # A meeting that has begun with its agenda still waiting stays here, overdue: the step is
    # still someone's.
    meetings = Meeting.objects.filter(wanted, status=Meeting.Status.SCHEDULED).order_by(
        "starts_at", "pk"
    )[:LIMIT]
    for meeting in meetings:
        access = by_network[meeting.network_id]
        if meeting.agenda_status == Meeting.AgendaStatus.SUBMITTED:
            kind, title = "agenda.approve", _("Approve the agenda of “%(title)s”")
        else:
            kind, title = "agenda.circulate", _("Circulate the approved agenda of “%(title)s”")
        yield InboxItem(
            access.network,
            kind,
            title % {"title": meeting.title},
            _link("detail", access, meeting.pk, "#agenda"),
            deadline=meeting.starts_at,
            verb=STARTS,
            since=meeting.updated_at,
        )


def _minutes(by_network: dict[int, NetworkAccess], user_id: int) -> Iterator[InboxItem]:
    accesses = list(by_network.values())
    approving = {
        a.network.pk
        for a in accesses
        if flows.MINUTES.allows(Minutes.Status.SUBMITTED, "approve", a)
    }
    commenting = {a.network.pk for a in accesses if a.can(Action.MINUTES_COMMENT)}
    if not approving and not commenting:
        return
    # Those who see only the meetings they are invited to (partners) are told only of
    # those: the minutes page of any other meeting would be a 404 for them.
    invited_only = {a.network.pk for a in accesses if not a.can(Action.MEETINGS_VIEW_ALL)}
    now = timezone.now()
    minutes = (
        Minutes.objects.filter(status=Minutes.Status.SUBMITTED, network_id__in=by_network)
        .annotate(
            # What the table's guard checks: this co-chair approved the pending version.
            approved_by_me=Exists(
                MinutesApproval.objects.filter(
                    version__minutes=OuterRef("pk"),
                    version__approved_at__isnull=True,
                    version__returned_at__isnull=True,
                    co_chair_id=user_id,
                )
            ),
            attended=Exists(Attendance.objects.filter(minutes=OuterRef("pk"), user_id=user_id)),
            invited=Exists(
                Participant.objects.filter(meeting=OuterRef("meeting_id"), user_id=user_id)
            ),
        )
        .filter(
            Q(network_id__in=approving, approved_by_me=False)
            | (
                Q(network_id__in=commenting, attended=True, comment_deadline__gt=now)
                & ~Q(network_id__in=approving)
                & (~Q(network_id__in=invited_only) | Q(invited=True))
            )
        )
        .select_related("meeting")
        .order_by("comment_deadline", "pk")[:LIMIT]
    )
    for each in minutes:
        access = by_network[each.network_id]
        url = _link("minutes", access, each.meeting_id)
        title = {"title": each.meeting.title}
        if each.network_id in approving:
            # A co-chair approves them: commenting is not their step, before their approval
            # nor after it (what they approved is not theirs to comment on).
            if each.approved_by_me:
                continue
            yield InboxItem(
                access.network,
                "minutes.approve",
                _("Approve the minutes of “%(title)s”") % title,
                url,
                since=each.updated_at,
            )
        elif each.comment_deadline is not None:
            yield InboxItem(
                access.network,
                "minutes.comment",
                _("Comment on the draft minutes of “%(title)s”") % title,
                url,
                deadline=each.comment_deadline,
                verb=CLOSES,
                since=each.updated_at,
            )


def _new_minutes(by_network: dict[int, NetworkAccess], user_id: int) -> Iterator[InboxItem]:
    readers = [a for a in by_network.values() if a.can(Action.MINUTES_VIEW)]
    if not readers:
        return
    from circulation.mail import opened_token
    from circulation.models import Circulation, Delivery
    from meetings.models import MinutesVersion

    since = timezone.now() - timedelta(days=NEW_MINUTES_DAYS)
    deliveries = list(
        Delivery.objects.filter(
            network_id__in=_ids(readers),
            recipient_id=user_id,
            opened_at__isnull=True,
            circulation__kind=Circulation.Kind.MINUTES,
            circulation__created_at__gte=since,
        )
        .select_related("circulation")
        .order_by("-circulation__created_at", "-pk")[:LIMIT]
    )
    if not deliveries:
        return
    versions = {
        version.pk: version
        for version in MinutesVersion.objects.filter(
            pk__in={delivery.circulation.about_id for delivery in deliveries}
        )
        .only("pk", "number", "minutes__meeting__title")
        .select_related("minutes__meeting")
    }
    for delivery in deliveries:
        version = versions.get(delivery.circulation.about_id or 0)
        if version is None:
            continue
        access = by_network[delivery.network_id]
        yield InboxItem(
            access.network,
            "minutes.new",
            _("Read the approved minutes of “%(title)s”")
            % {"title": version.minutes.meeting.title},
            reverse("circulation-opened", kwargs={"token": opened_token(delivery)}),
            since=delivery.circulation.created_at,
        )


def _answers(by_network: dict[int, NetworkAccess], user_id: int) -> Iterator[InboxItem]:
    answering = [a for a in by_network.values() if a.can(Action.MEETING_RSVP)]
    if not answering:
        return
    invitations = (
        Participant.objects.filter(
            network_id__in=_ids(answering),
            user_id=user_id,
            answer=Participant.Answer.PENDING,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gte=timezone.now(),
        )
        .select_related("meeting")
        .order_by("meeting__starts_at", "pk")[:LIMIT]
    )
    for participant in invitations:
        access = by_network[participant.network_id]
        meeting = participant.meeting
        yield InboxItem(
            access.network,
            "meeting.answer",
            _("Say whether you attend “%(title)s”") % {"title": meeting.title},
            _link("detail", access, meeting.pk, "#rsvp"),
            deadline=meeting.starts_at,
            verb=STARTS,
            since=meeting.created_at,
        )


def _inbox(accesses: Sequence[NetworkAccess]) -> Iterator[InboxItem]:
    by_network = {access.network.pk: access for access in accesses}
    user_id = accesses[0].user_id
    yield from _agendas(by_network, user_id)
    yield from _minutes(by_network, user_id)
    yield from _new_minutes(by_network, user_id)
    yield from _answers(by_network, user_id)


def register() -> None:
    register_panel(
        "meetings",
        action=Action.MEETINGS_VIEW,
        template="meetings/home_panel.html",
        data=_panel,
        order=10,
    )
    register_inbox("meetings", action=Action.MEETINGS_VIEW, items=_inbox)
