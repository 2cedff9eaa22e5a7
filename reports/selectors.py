"""Reads on quarterly reports: the quarter's boundaries, its figures, and what each person may
see. Every figure of a report is computed here, from the data of the entered network, in a
fixed number of queries whatever the size of its history; the workplan figures come from
workplans.selectors (the same roll-ups and GCM coverage as the workplan pages).

The figures are plain JSON (numbers, strings, and money as decimal strings) with codes rather
than labels, so that a submitted version can be frozen as it is and shown in any language.

Definitions, all in the network's time zone, for the quarter [start, end):
- a meeting is *held* when it was not cancelled and started in the quarter (and has started);
  a network meeting (not a working group's) had *every member represented* when each
  organisation taking part as a member at its start had someone present in its attendance;
  with no attendance recorded, representation is unknown (null);
- *attendance per organisation* counts the held meetings with someone of it present;
- a decision is *adopted* in the quarter when its adoption time falls in it; a written
  procedure was *run* when it was open at some moment of the quarter (counted by Procedure
  rows, whatever it is about);
- an action point is *opened* when created in the quarter, *done* when marked done in it, and
  *overdue* when, at the quarter's end, it was due on or before its last day and not yet
  done or dropped;
- workplan progress and budgets are those of the network's endorsed, active and closed
  workplans that run in the quarter, as they stand when the figures are computed;
- a document is *circulated* when a document mailing about it was sent in the quarter;
- meetings *planned* for the next quarter are those scheduled to start in it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import F, Max, Q
from django.utils import timezone

from circulation.models import Circulation
from common import quarters
from common.quarters import Quarter
from decisions.models import ActionPoint, Decision, Procedure
from meetings.models import Attendance, Meeting, Minutes
from networks.access import NetworkAccess
from networks.models import Network, Organisation, Participation
from networks.roles import Action
from portal import clock
from reports.models import QuarterlyReport, ReportVersion
from workplans import selectors as workplan_selectors
from workplans.models import Workplan

if TYPE_CHECKING:
    from django.db.models import QuerySet

PLAN_STATUSES = ("endorsed", "active", "closed")


def visible_reports(access: NetworkAccess) -> QuerySet[QuarterlyReport]:
    """Drafts are for the secretariat and the co-chairs; the RCO and regional viewers see the
    reports that have been submitted."""
    reports = QuarterlyReport.objects.all()
    if not access.can(Action.REPORT_DRAFTS_VIEW):
        reports = reports.filter(status=QuarterlyReport.Status.SUBMITTED)
    return reports


def money(value: Decimal | int | None) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01")))


def _name(organisation: Organisation) -> str:
    return organisation.acronym or organisation.name


def quarter_figures(
    network: Network, year: int, quarter: int, now: datetime | None = None
) -> dict[str, Any]:
    """The figures of `network`'s quarter (see the module docstring), computed now. The
    network must be entered. A fixed number of queries (about 15) whatever the history."""
    now = now or timezone.now()
    period = quarters.quarter_of(network, year, quarter)
    following = period.next

    # Meetings and representation -------------------------------------------------------
    # Subqueries rather than lists of ids, so that the number of queries is the same
    # whether or not the quarter had meetings.
    held_meetings = Meeting.objects.filter(
        starts_at__gte=period.start, starts_at__lt=min(period.end, now)
    ).exclude(status=Meeting.Status.CANCELLED)
    held = list(held_meetings.order_by("starts_at", "pk"))
    recorded = set(
        Minutes.objects.filter(meeting__in=held_meetings, attendance__isnull=False).values_list(
            "meeting_id", flat=True
        )
    )
    organisations: dict[int, str] = {}
    present: dict[int, set[int]] = {}
    for meeting_id, organisation_id, acronym, name in Attendance.objects.filter(
        minutes__meeting__in=held_meetings,
        status=Attendance.Status.PRESENT,
        organisation__isnull=False,
    ).values_list(
        "minutes__meeting_id", "organisation_id", "organisation__acronym", "organisation__name"
    ):
        present.setdefault(meeting_id, set()).add(organisation_id)
        organisations[organisation_id] = acronym or name
    members = list(
        Participation.objects.filter(type=Participation.Type.MEMBER, started_at__lt=period.end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=period.start))
        .select_related("organisation")
    )

    def members_at(moment: datetime) -> set[int]:
        return {
            p.organisation_id
            for p in members
            if p.started_at <= moment and (p.ended_at is None or p.ended_at > moment)
        }

    meeting_rows = []
    for meeting in held:
        represented = None
        expected = members_at(meeting.starts_at)
        if meeting.kind != Meeting.Kind.WORKING_GROUP and expected and meeting.pk in recorded:
            represented = expected <= present.get(meeting.pk, set())
        meeting_rows.append(
            {
                "date": clock.network_local(meeting.starts_at, network).date().isoformat(),
                # With the network's offset: the time the meeting was held, where it was.
                "starts_at": clock.network_local(meeting.starts_at, network).isoformat(),
                "title": meeting.title,
                "kind": meeting.kind,
                "organisations_present": len(present.get(meeting.pk, set())),
                "represented": represented,
            }
        )
    network_meetings = [m for m in meeting_rows if m["kind"] != Meeting.Kind.WORKING_GROUP]

    # Attendance per organisation ---------------------------------------------------------
    attended = Counter(org for orgs in present.values() for org in orgs)
    organisation_ids = set(attended) | {p.organisation_id for p in members}
    organisations.update({p.organisation_id: _name(p.organisation) for p in members})
    member_ids = {p.organisation_id for p in members}

    # Decisions and procedures ------------------------------------------------------------
    adopted = list(
        Decision.objects.filter(adopted_at__gte=period.start, adopted_at__lt=period.end)
        .order_by("adopted_at", "pk")
        .values("number", "title", "adopted_at")
    )
    procedures = Counter(
        Procedure.objects.filter(opened_at__lt=period.end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=period.start))
        .values_list("kind", flat=True)
    )

    # Action points -----------------------------------------------------------------------
    points = list(
        ActionPoint.objects.filter(created_at__lt=period.end)
        .filter(Q(status__in=["open", "in_progress"]) | Q(updated_at__gte=period.start))
        .values(
            "pk",
            "owner_organisation_id",
            "owner_organisation__acronym",
            "owner_organisation__name",
            "status",
            "created_at",
            "updated_at",
            "due_date",
        )
        .annotate(
            done_note=Max("notes__written_at", filter=Q(notes__status=ActionPoint.Status.DONE))
        )
    )
    by_owner: dict[int, Counter[str]] = {}
    for point in points:
        counts = by_owner.setdefault(point["owner_organisation_id"], Counter())
        organisations[point["owner_organisation_id"]] = (
            point["owner_organisation__acronym"] or point["owner_organisation__name"]
        )
        closed_at = None
        if point["status"] == ActionPoint.Status.DONE:
            closed_at = point["done_note"] or point["updated_at"]
        elif point["status"] == ActionPoint.Status.DROPPED:
            closed_at = point["updated_at"]
        if point["created_at"] >= period.start:
            counts["opened"] += 1
        if (
            point["status"] == ActionPoint.Status.DONE
            and closed_at is not None
            and period.start <= closed_at < period.end
        ):
            counts["done"] += 1
        if point["due_date"] <= period.last_day and (closed_at is None or closed_at >= period.end):
            counts["overdue"] += 1

    # Workplans ---------------------------------------------------------------------------
    workplan = workplan_figures(period)

    # Documents ---------------------------------------------------------------------------
    mailings = list(
        Circulation.objects.filter(
            kind=Circulation.Kind.DOCUMENT,
            created_at__gte=period.start,
            created_at__lt=period.end,
        ).values_list("about_id", flat=True)
    )

    # Next quarter ------------------------------------------------------------------------
    planned = list(
        Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED,
            starts_at__gte=following.start,
            starts_at__lt=following.end,
        )
        .order_by("starts_at", "pk")
        .values("title", "kind", "starts_at")
    )

    def organisation_sort(pk: int) -> tuple[bool, str]:
        return (pk not in member_ids, organisations[pk].lower())

    return {
        "network": network.slug,
        "period": {
            "year": period.year,
            "quarter": period.quarter,
            "label": period.label,
            "starts_on": period.start.date().isoformat(),
            "ends_on": period.last_day.isoformat(),
            "time_zone": network.time_zone,
        },
        "meetings": {
            "held": len(meeting_rows),
            "network_meetings": len(network_meetings),
            "with_attendance": sum(1 for m in network_meetings if m["represented"] is not None),
            "all_represented": sum(1 for m in network_meetings if m["represented"]),
            "member_organisations": len(members_at(period.end - timedelta(microseconds=1))),
            "items": meeting_rows,
        },
        "attendance": [
            {
                "organisation": organisations[pk],
                "member": pk in member_ids,
                "meetings_attended": attended.get(pk, 0),
            }
            for pk in sorted(organisation_ids, key=organisation_sort)
        ],
        "decisions": {
            "adopted": len(adopted),
            "procedures": sum(procedures.values()),
            "consultations": procedures.get("consultation", 0),
            "silence_procedures": procedures.get("silence", 0),
            "items": [
                {
                    "number": d["number"],
                    "title": d["title"],
                    "date": clock.network_local(adopted_at, network).date().isoformat(),
                }
                for d in adopted
                # Filtered on adoption in the quarter: every one has its moment.
                if (adopted_at := d["adopted_at"]) is not None
            ],
        },
        "action_points": {
            "opened": sum(c["opened"] for c in by_owner.values()),
            "done": sum(c["done"] for c in by_owner.values()),
            "overdue": sum(c["overdue"] for c in by_owner.values()),
            "by_organisation": [
                {
                    "organisation": organisations[pk],
                    "opened": by_owner[pk]["opened"],
                    "done": by_owner[pk]["done"],
                    "overdue": by_owner[pk]["overdue"],
                }
                for pk in sorted(by_owner, key=lambda pk: organisations[pk].lower())
                if any(by_owner[pk].values())
            ],
        },
        "workplan": workplan,
        "documents": {"circulated": len(set(mailings)), "mailings": len(mailings)},
        "next_quarter": {
            "label": following.label,
            "meetings_planned": len(planned),
            "items": [
                {
                    "date": clock.network_local(m["starts_at"], network).date().isoformat(),
                    "starts_at": clock.network_local(m["starts_at"], network).isoformat(),
                    "title": m["title"],
                    "kind": m["kind"],
                }
                for m in planned
            ],
        },
    }


def workplan_figures(period: Quarter) -> dict[str, Any]:
    """Progress by status and by GCM objective, and the budget, of the entered network's
    workplans that run in the quarter — with workplans.selectors' roll-up and coverage."""
    running = Workplan.objects.filter(status__in=PLAN_STATUSES, start_year__lte=period.year).filter(
        start_year__gt=period.year - F("years")
    )
    plans = list(running.order_by("start_year", "pk"))
    activities = workplan_selectors.with_progress(workplan_selectors.activities_of(running))
    total = workplan_selectors.Rollup()
    for activity in activities:
        total.add(activity)
    coverage = workplan_selectors.coverage(activities)
    return {
        "plans": [plan.title for plan in plans],
        "activities": total.activities,
        "progress": total.progress,
        "by_status": [
            {"status": value, "activities": count} for value, _label, count in total.status_counts()
        ],
        "by_objective": [
            {
                "number": row.objective.number,
                "activities": row.activities,
                "completed": row.completed,
                "required": money(row.required),
                "available": money(row.available),
                "spent": money(row.spent),
            }
            for row in coverage
            if row.activities
        ],
        "budget": {
            "required": money(total.required),
            "available": money(total.available),
            "to_be_mobilised": money(total.to_be_mobilised),
            "spent": money(total.spent),
        },
    }


def latest_versions(reports: Iterable[QuarterlyReport]) -> dict[int, ReportVersion]:
    """The latest submitted version of each report: one query."""
    latest: dict[int, ReportVersion] = {}
    for version in (
        ReportVersion.objects.filter(report__in=list(reports))
        .select_related("submitted_by")
        .order_by("number")
    ):
        latest[version.report_id] = version
    return latest
