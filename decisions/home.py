"""What decisions shows on the network home (networks.home): the recent decisions and the
open consultations, and the inbox's positions, clearances and action points. Registered in
DecisionsConfig.ready().

Inbox, whatever the number of networks and records, in at most six queries:
- a written procedure (consultation or silence) waiting for the position of an organisation
  the person speaks for, with its closing time (four);
- a joint statement waiting for this co-chair's clearance: what the statement's table
  (decisions.flows.STATEMENT) lets them take, less what its guards refuse — a version they
  drafted or submitted, or cleared already (one);
- the action points of the person, or of their organisation, overdue or due within
  ACTIONS_DUE_DAYS days of the network's today (one).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions import flows
from decisions.models import (
    ActionPoint,
    Decision,
    JointStatement,
    Position,
    Procedure,
    StatementClearance,
    StatementVersion,
)
from decisions.selectors import statements_visible
from networks.home import CLOSES, InboxItem, register_inbox, register_panel
from networks.models import Membership, Participation
from networks.roles import SPEAKING_ROLES, Action
from portal import clock

if TYPE_CHECKING:
    from networks.access import NetworkAccess

ACTIONS_DUE_DAYS = 7
LIMIT = 50
RECENT = 5


def _ids(accesses: Sequence[NetworkAccess]) -> list[int]:
    return [access.network.pk for access in accesses]


def _positions(by_network: dict[int, NetworkAccess], user_id: int) -> Iterator[InboxItem]:
    speaking = [a for a in by_network.values() if a.can(Action.POSITION_STATE)]
    if not speaking:
        return
    mine: dict[int, set[int]] = {}
    for network_id, organisation_id in (
        Membership.objects.active()
        .filter(network_id__in=_ids(speaking), user_id=user_id, role__in=SPEAKING_ROLES)
        .values_list("network_id", "organisation_id")
    ):
        mine.setdefault(network_id, set()).add(organisation_id)
    if not mine:
        return
    members: dict[int, set[int]] = {}
    authorities: dict[int, set[int]] = {}
    for network_id, organisation_id, type_, authority in (
        Participation.objects.active()
        .filter(
            network_id__in=list(mine),
            organisation_id__in={org for orgs in mine.values() for org in orgs},
        )
        .values_list("network_id", "organisation_id", "type", "is_national_authority")
    ):
        if organisation_id not in mine[network_id]:
            continue
        if type_ == Participation.Type.MEMBER:
            members.setdefault(network_id, set()).add(organisation_id)
        if authority:
            authorities.setdefault(network_id, set()).add(organisation_id)
    procedures = list(
        Procedure.objects.filter(
            network_id__in=list(mine), closed_at__isnull=True, deadline__gt=timezone.now()
        )
        .select_related("decision", "joint_statement")
        .order_by("deadline", "pk")[:200]
    )
    answered = set(
        Position.objects.filter(procedure__in=procedures).values_list(
            "procedure_id", "organisation_id"
        )
    )
    for procedure in procedures:
        access = by_network[procedure.network_id]
        subject = procedure.subject
        consulted = members.get(procedure.network_id, set()) | (
            authorities.get(procedure.network_id, set()) if subject.concerns_state else set()
        )
        if all((procedure.pk, org) in answered for org in consulted):
            continue
        # Only a page the person may open: partners read neither statements nor the
        # decisions that do not concern the state.
        if procedure.joint_statement_id:
            if not access.can(Action.STATEMENTS_VIEW):
                continue
            url = reverse(
                "decisions:statement",
                kwargs={
                    "network": access.network.slug,
                    "statement_id": procedure.joint_statement_id,
                },
            )
        else:
            if not (access.can(Action.DECISIONS_VIEW_ALL) or subject.concerns_state):
                continue
            url = reverse(
                "decisions:detail",
                kwargs={"network": access.network.slug, "decision_id": procedure.decision_id},
            )
        if procedure.kind == Procedure.Kind.SILENCE:
            title = _("Silence procedure on “%(title)s”: break silence or let it pass")
        else:
            title = _("Your organisation's position on “%(title)s”")
        yield InboxItem(
            access.network,
            "procedure.position",
            title % {"title": subject.title},
            url,
            deadline=procedure.deadline,
            verb=CLOSES,
            since=procedure.opened_at,
        )


def _clearances(by_network: dict[int, NetworkAccess], user_id: int) -> Iterator[InboxItem]:
    clearing = [
        a
        for a in by_network.values()
        if flows.STATEMENT.allows(JointStatement.Status.SUBMITTED, "clear", a)
    ]
    if not clearing:
        return
    versions = (
        StatementVersion.objects.filter(
            network_id__in=_ids(clearing),
            statement__status=JointStatement.Status.SUBMITTED,
            cleared_at__isnull=True,
            returned_at__isnull=True,
        )
        # What the table's guards refuse: a version this co-chair drafted or submitted, or
        # cleared already.
        .exclude(submitted_by_id=user_id)
        .exclude(statement__created_by_id=user_id)
        .exclude(
            Exists(StatementClearance.objects.filter(version=OuterRef("pk"), co_chair_id=user_id))
        )
        .select_related("statement")
        .order_by("-submitted_at", "-pk")[:LIMIT]
    )
    for version in versions:
        access = by_network[version.network_id]
        yield InboxItem(
            access.network,
            "statement.clear",
            _("Clear the joint statement “%(title)s”") % {"title": version.title},
            reverse(
                "decisions:statement",
                kwargs={"network": access.network.slug, "statement_id": version.statement_id},
            ),
            since=version.submitted_at,
        )


def _end_of(day, network) -> datetime:
    """A due date as a moment: the end of that day in the network's time."""
    return datetime.combine(day, time.max, tzinfo=ZoneInfo(network.time_zone))


def _action_points(by_network: dict[int, NetworkAccess], user_id: int) -> Iterator[InboxItem]:
    owning = [
        a
        for a in by_network.values()
        if a.can(Action.ACTIONS_UPDATE) and a.can(Action.ACTIONS_VIEW)
    ]
    if not owning:
        return
    mine = Q(owner_id=user_id)
    for access in owning:
        if access.organisation_ids:
            mine |= Q(
                network_id=access.network.pk, owner_organisation_id__in=access.organisation_ids
            )
    # The latest "today" of any network, plus the week; each network's own below.
    horizon = timezone.now().date() + timedelta(days=ACTIONS_DUE_DAYS + 1)
    points = ActionPoint.objects.filter(
        mine,
        network_id__in=_ids(owning),
        status__in=(ActionPoint.Status.OPEN, ActionPoint.Status.IN_PROGRESS),
        due_date__lte=horizon,
    ).order_by("due_date", "pk")[:LIMIT]
    for point in points:
        access = by_network[point.network_id]
        today = clock.network_today(access.network)
        if point.due_date > today + timedelta(days=ACTIONS_DUE_DAYS):
            continue
        yield InboxItem(
            access.network,
            "action.due",
            _("Action point: %(text)s") % {"text": point.text},
            reverse(
                "decisions:action",
                kwargs={"network": access.network.slug, "action_id": point.pk},
            ),
            deadline=_end_of(point.due_date, access.network),
            since=point.created_at,
        )


def _inbox(accesses: Sequence[NetworkAccess]) -> Iterator[InboxItem]:
    by_network = {access.network.pk: access for access in accesses}
    user_id = accesses[0].user_id
    yield from _positions(by_network, user_id)
    yield from _clearances(by_network, user_id)
    yield from _action_points(by_network, user_id)


def _decisions_panel(access: NetworkAccess) -> dict:
    decisions = Decision.objects.filter(status=Decision.Status.ADOPTED)
    if not access.can(Action.DECISIONS_VIEW_ALL):
        decisions = decisions.filter(concerns_state=True)
    return {"decisions": list(decisions.order_by("-adopted_at", "-pk")[:RECENT])}


def _consultations_panel(access: NetworkAccess) -> dict:
    """The open written procedures the person may open: on decisions they see, and on joint
    statements for those who read statements."""
    on_decisions = Q(decision__isnull=False)
    if not access.can(Action.DECISIONS_VIEW_ALL):
        on_decisions &= Q(decision__concerns_state=True)
    shown = on_decisions
    if access.can(Action.STATEMENTS_VIEW):
        shown |= Q(joint_statement__in=statements_visible(access=access))
    procedures = list(
        Procedure.objects.filter(shown, closed_at__isnull=True)
        .select_related("decision", "joint_statement")
        .order_by("deadline", "pk")[:RECENT]
    )
    return {"procedures": procedures}


def register() -> None:
    register_panel(
        "decisions",
        action=Action.DECISIONS_VIEW,
        template="decisions/home_panel.html",
        data=_decisions_panel,
        order=30,
    )
    register_panel(
        "consultations",
        action=Action.DECISIONS_VIEW,
        template="decisions/home_consultations.html",
        data=_consultations_panel,
        order=60,
    )
    register_inbox("decisions", action=Action.DECISIONS_VIEW, items=_inbox)
