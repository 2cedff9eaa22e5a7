"""What workplans shows on the network home (networks.home): the workplans' status, and the
inbox's endorsements and missing quarterly updates. Registered in WorkplansConfig.ready().

Inbox, whatever the number of networks, plans and activities, in at most three queries:
- a draft workplan waiting for this co-chair's endorsement: what the plan's table
  (workplans.flows.WORKPLAN) lets them take, less what its guard refuses — a plan they
  drafted, one they endorsed already, one with no activity (one);
- the activities running in the network's last ended quarter that lack their update for it,
  grouped into one item per workplan with their count: those the person's organisation
  leads, or every one for whoever chases the updates (the secretariat) (two).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common import quarters
from networks.home import InboxItem, register_inbox, register_panel
from networks.roles import Action
from workplans import flows
from workplans.models import Activity, ActivityUpdate, Workplan, WorkplanEndorsement
from workplans.selectors import visible_workplans

if TYPE_CHECKING:
    from networks.access import NetworkAccess

LIMIT = 50
SHOWN_PLANS = 3


def _endorsements(by_network: dict[int, NetworkAccess], user_id: int) -> Iterator[InboxItem]:
    endorsing = [
        a.network.pk
        for a in by_network.values()
        if flows.WORKPLAN.allows(Workplan.Status.DRAFT, "endorse", a)
    ]
    if not endorsing:
        return
    plans = (
        Workplan.objects.filter(network_id__in=endorsing, status=Workplan.Status.DRAFT)
        .exclude(created_by_id=user_id)
        .exclude(
            Exists(
                WorkplanEndorsement.objects.filter(
                    workplan=OuterRef("pk"), co_chair_id=user_id, withdrawn_at__isnull=True
                )
            )
        )
        .filter(Exists(Activity.objects.filter(workplan=OuterRef("pk"))))
        .order_by("-created_at", "-pk")[:LIMIT]
    )
    for plan in plans:
        access = by_network[plan.network_id]
        yield InboxItem(
            access.network,
            "workplan.endorse",
            _("Endorse the workplan “%(title)s”") % {"title": plan.title},
            reverse(
                "workplans:detail", kwargs={"network": access.network.slug, "workplan_id": plan.pk}
            ),
            since=plan.created_at,
        )


def _missing_updates(by_network: dict[int, NetworkAccess]) -> Iterator[InboxItem]:
    reporting = [
        a
        for a in by_network.values()
        if any(flows.WORKPLAN.allows(state, "report", a) for state in flows.REPORTING)
        and a.can(Action.WORKPLANS_VIEW)
    ]
    if not reporting:
        return
    quarter = {a.network.pk: quarters.last_ended_quarter(a.network) for a in reporting}
    whose = Q(pk__in=[])
    for access in reporting:
        if access.can(Action.WORKPLAN_UPDATES_CHASE):
            whose |= Q(network_id=access.network.pk)
        elif access.organisation_ids:
            whose |= Q(
                network_id=access.network.pk, lead_organisation_id__in=access.organisation_ids
            )
    activities = [
        activity
        for activity in Activity.objects.filter(whose, workplan__status__in=flows.REPORTING)
        .exclude(status=Activity.Status.CANCELLED)
        .select_related("workplan")
        .only("pk", "network_id", "quarters", "status", "workplan", "workplan__title")
        .order_by("workplan_id", "pk")
        if activity.runs_in(quarter[activity.network_id].label)
    ]
    if not activities:
        return
    updated = set(
        ActivityUpdate.objects.filter(
            activity__in=[activity.pk for activity in activities],
            quarter__in={period.label for period in quarter.values()},
        ).values_list("activity_id", "quarter")
    )
    lacking: dict[int, list[Activity]] = {}
    for activity in activities:
        if (activity.pk, quarter[activity.network_id].label) not in updated:
            lacking.setdefault(activity.workplan_id, []).append(activity)
    for plan_id, missing in lacking.items():
        plan = missing[0].workplan
        network_id = missing[0].network_id
        access = by_network[network_id]
        period = quarter[network_id]
        chasing = access.can(Action.WORKPLAN_UPDATES_CHASE)
        page = "workplans:missing" if chasing else "workplans:detail"
        yield InboxItem(
            access.network,
            "workplan.updates",
            ngettext(
                "%(count)d activity of “%(plan)s” lacks its %(quarter)s update",
                "%(count)d activities of “%(plan)s” lack their %(quarter)s update",
                len(missing),
            )
            % {"count": len(missing), "plan": plan.title, "quarter": period.label},
            reverse(page, kwargs={"network": access.network.slug, "workplan_id": plan_id}),
            since=period.end,
            count=len(missing),
        )


def _inbox(accesses: Sequence[NetworkAccess]) -> Iterator[InboxItem]:
    by_network = {access.network.pk: access for access in accesses}
    yield from _endorsements(by_network, accesses[0].user_id)
    yield from _missing_updates(by_network)


def _panel(access: NetworkAccess) -> dict:
    """The plans in force (and the drafts, for those who see drafts), with their activities
    counted by status: one query."""
    by_status = {
        status: Count("activities", filter=Q(activities__status=status))
        for status in Activity.Status.values
    }
    plans = list(
        visible_workplans(access)
        .exclude(status=Workplan.Status.CLOSED)
        .annotate(total=Count("activities"), **by_status)
        .order_by("-start_year", "-pk")[:SHOWN_PLANS]
    )
    statuses = list(Activity.Status.choices)
    for plan in plans:
        plan.by_status = [(label, getattr(plan, value)) for value, label in statuses]
    return {"plans": plans}


def register() -> None:
    register_panel(
        "workplans",
        action=Action.WORKPLANS_VIEW,
        template="workplans/home_panel.html",
        data=_panel,
        order=50,
    )
    register_inbox("workplans", action=Action.WORKPLANS_VIEW, items=_inbox)
