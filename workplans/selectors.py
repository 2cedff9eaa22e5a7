"""Reads on workplans: the tree with its roll-ups, GCM coverage and missing updates. Every
figure here is computed from the activities, in a fixed number of queries whatever the size
of the plan.

Progress, defined once: a completed activity is at 100 %; any other is at the mean, over its
indicators that have a target different from their baseline, of how far the latest actual
has moved from the baseline towards the target (capped to 0–100 %), or 0 % when none has an
actual yet. Cancelled activities count in no progress and no budget. An outcome's or output's
progress is the mean of its activities'.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch

from common import quarters
from networks.access import NetworkAccess
from networks.models import Network
from networks.roles import Action
from reference.models import GCMObjective
from workplans.models import (
    Activity,
    ActivityUpdate,
    Indicator,
    IndicatorActual,
    Outcome,
    Output,
    Workplan,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

ZERO = Decimal("0")


def visible_workplans(access: NetworkAccess) -> QuerySet[Workplan]:
    """Drafts are for those who write the plan; the RCO and regional viewers see endorsed,
    active and closed plans."""
    plans = Workplan.objects.all()
    if not access.can(Action.WORKPLAN_DRAFTS_VIEW):
        plans = plans.exclude(status=Workplan.Status.DRAFT)
    return plans


def reporting_quarter(network: Network, now: datetime | None = None) -> str:
    """The label of the quarter progress is reported on: the last one that has ended in the
    network's time zone."""
    return quarters.last_ended_quarter(network, now).label


def activity_progress(activity: Activity) -> int:
    """See the module docstring. Needs the activity's indicators with `latest` set (the
    tree does it)."""
    if activity.status == Activity.Status.COMPLETED:
        return 100
    shares: list[Decimal] = []
    for indicator in activity.indicators.all():
        if indicator.target == indicator.baseline:
            continue
        latest = getattr(indicator, "latest", None)
        if latest is None:
            shares.append(ZERO)
            continue
        share = (latest.value - indicator.baseline) / (indicator.target - indicator.baseline)
        shares.append(min(max(share, ZERO), Decimal("1")))
    if not shares:
        return 0
    return int((sum(shares, ZERO) / len(shares) * 100).to_integral_value())


@dataclass
class Rollup:
    """Figures of a set of activities: counts per status, budgets and progress."""

    activities: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    required: Decimal = ZERO
    available: Decimal = ZERO
    spent: Decimal = ZERO
    progress_sum: int = 0
    counted: int = 0

    def add(self, activity: Activity) -> None:
        self.activities += 1
        self.by_status[activity.status] = self.by_status.get(activity.status, 0) + 1
        if activity.status == Activity.Status.CANCELLED:
            return
        self.required += activity.budget_required
        self.available += activity.budget_available
        self.spent += activity.budget_spent
        self.progress_sum += activity.progress
        self.counted += 1

    @property
    def to_be_mobilised(self) -> Decimal:
        return max(self.required - self.available, ZERO)

    @property
    def progress(self) -> int:
        return round(self.progress_sum / self.counted) if self.counted else 0

    def status_counts(self) -> list[tuple[str, StrOrPromise, int]]:
        return [
            (value, label, self.by_status.get(value, 0)) for value, label in Activity.Status.choices
        ]


@dataclass
class Tree:
    workplan: Workplan
    outcomes: list[Outcome]
    activities: list[Activity]
    total: Rollup


def activities_of(workplan_ids: Iterable[int] | QuerySet[Workplan]) -> QuerySet[Activity]:
    latest = IndicatorActual.objects.order_by("indicator_id", "-quarter")
    actuals = Prefetch("actuals", queryset=latest, to_attr="actual_list")
    return (
        Activity.objects.filter(workplan_id__in=workplan_ids)
        .select_related("lead_organisation")
        .prefetch_related(
            "gcm_objectives",
            "participating_organisations",
            Prefetch(
                "indicators",
                # django-stubs 5.2: prefetch_related() on a from_queryset() manager loses its
                # type variables (typeddjango/django-stubs#3263), and the plugin takes to_attr
                # for a redefinition of the attribute Indicator declares for with_progress.
                queryset=Indicator.objects.prefetch_related(actuals),  # type: ignore[arg-type,no-redef]
            ),
        )
        .order_by("output_id", "position", "pk")
    )


def with_progress(activities: Iterable[Activity]) -> list[Activity]:
    activities = list(activities)
    for activity in activities:
        for indicator in activity.indicators.all():
            indicator.latest = indicator.actual_list[0] if indicator.actual_list else None
        activity.progress = activity_progress(activity)
    return activities


def workplan_tree(workplan: Workplan) -> Tree:
    """Outcomes → outputs → activities with roll-ups at each level."""
    outcomes = list(
        Outcome.objects.filter(workplan=workplan).prefetch_related(
            Prefetch("outputs", queryset=Output.objects.order_by("position", "pk"))
        )
    )
    activities = with_progress(activities_of([workplan.pk]))
    by_output: dict[int, list[Activity]] = {}
    for activity in activities:
        by_output.setdefault(activity.output_id, []).append(activity)
    total = Rollup()
    for outcome in outcomes:
        outcome.rollup = Rollup()
        outcome.output_list = list(outcome.outputs.all())
        for output in outcome.output_list:
            output.rollup = Rollup()
            output.activity_list = by_output.get(output.pk, [])
            for activity in output.activity_list:
                output.rollup.add(activity)
                outcome.rollup.add(activity)
                total.add(activity)
    return Tree(workplan=workplan, outcomes=outcomes, activities=activities, total=total)


@dataclass
class CoverageRow:
    objective: GCMObjective
    activities: int = 0
    required: Decimal = ZERO
    available: Decimal = ZERO
    spent: Decimal = ZERO
    completed: int = 0

    @property
    def to_be_mobilised(self) -> Decimal:
        return max(self.required - self.available, ZERO)


def coverage(activities: Iterable[Activity]) -> list[CoverageRow]:
    """The 23 GCM objectives, each with the activities tagged with it and their budgets.
    An activity tagged with two objectives counts in both rows, so the rows do not add up to
    the plan's total. Cancelled activities are left out."""
    rows = {objective.pk: CoverageRow(objective) for objective in GCMObjective.objects.all()}
    for activity in activities:
        if activity.status == Activity.Status.CANCELLED:
            continue
        for objective in activity.gcm_objectives.all():
            row = rows[objective.pk]
            row.activities += 1
            row.required += activity.budget_required
            row.available += activity.budget_available
            row.spent += activity.budget_spent
            row.completed += activity.status == Activity.Status.COMPLETED
    return list(rows.values())


def missing_updates(workplan: Workplan, quarter: str) -> list[Activity]:
    """Activities running in `quarter`, neither completed nor cancelled before it, that have
    no update for it."""
    updated = set(
        ActivityUpdate.objects.filter(activity__workplan=workplan, quarter=quarter).values_list(
            "activity_id", flat=True
        )
    )
    return [
        activity
        for activity in Activity.objects.filter(workplan=workplan)
        .select_related("lead_organisation")
        .order_by("lead_organisation__acronym", "position", "pk")
        if activity.runs_in(quarter)
        and activity.pk not in updated
        and activity.status != Activity.Status.CANCELLED
    ]


COVERAGE_PLAN_STATUSES = (Workplan.Status.ENDORSED, Workplan.Status.ACTIVE)


@dataclass
class RegionalCoverage:
    networks: list[Network]
    # objective number → [CoverageRow per network, in the order of `networks`]
    rows: list[tuple[GCMObjective, list[CoverageRow]]]


def regional_coverage(networks: Iterable[Network]) -> RegionalCoverage:
    """The GCM coverage of the endorsed and active workplans of `networks`, side by side, in
    three queries whatever the number of networks and activities. Drafts and closed plans are
    left out, as are cancelled activities. Platform code: it reads across the networks it is
    given, and only those."""
    from django.db.models import Count, Sum

    from networks.scoping import scopes_disabled

    networks = list(networks)
    objectives = list(GCMObjective.objects.all())
    cells = {
        (network.pk, objective.pk): CoverageRow(objective)
        for network in networks
        for objective in objectives
    }
    through = Activity.gcm_objectives.through
    with scopes_disabled():
        figures = (
            through.objects.filter(
                activity__network__in=[n.pk for n in networks],
                activity__workplan__status__in=COVERAGE_PLAN_STATUSES,
            )
            .exclude(activity__status=Activity.Status.CANCELLED)
            .values("activity__network_id", "gcmobjective_id")
            .annotate(
                activities=Count("activity_id"),
                required=Sum("activity__budget_required"),
                available=Sum("activity__budget_available"),
                spent=Sum("activity__budget_spent"),
            )
        )
        completed = (
            through.objects.filter(
                activity__network__in=[n.pk for n in networks],
                activity__workplan__status__in=COVERAGE_PLAN_STATUSES,
                activity__status=Activity.Status.COMPLETED,
            )
            .values("activity__network_id", "gcmobjective_id")
            .annotate(completed=Count("activity_id"))
        )
        for figure in figures:
            cell = cells[(figure["activity__network_id"], figure["gcmobjective_id"])]
            cell.activities = figure["activities"]
            cell.required = figure["required"] or ZERO
            cell.available = figure["available"] or ZERO
            cell.spent = figure["spent"] or ZERO
        for figure in completed:
            cells[(figure["activity__network_id"], figure["gcmobjective_id"])].completed = figure[
                "completed"
            ]
    return RegionalCoverage(
        networks=networks,
        rows=[
            (objective, [cells[(network.pk, objective.pk)] for network in networks])
            for objective in objectives
        ],
    )


def baseline_of(workplan: Workplan, code: str) -> dict[str, Any] | None:
    """What the activity `code` held when the plan was endorsed (None: added since, or the
    plan is not endorsed yet)."""
    for outcome in (workplan.baseline or {}).get("outcomes", []):
        for output in outcome.get("outputs", []):
            for activity in output.get("activities", []):
                if activity.get("code") == code:
                    return activity
    return None
