"""A hand-built quarter: Kyrgyzstan's 2026-Q3 (Asia/Bishkek, UTC+6), whose figures are worked
out by hand below. Times are given in UTC on purpose: several sit on the quarter's edges,
which fall six hours earlier in UTC than at midnight in Bishkek."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from circulation.models import Circulation
from decisions.models import ActionNote, ActionPoint, Decision, Procedure
from documents.models import Document
from meetings.models import Attendance, Meeting, Minutes
from networks.models import Participation
from networks.scoping import network_scope
from reference.models import GCMObjective
from reports import services
from reports.models import QuarterlyReport
from workplans import services as plans
from workplans.models import Activity
from workplans.services import ActivityData

D = Decimal


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def meeting(net, title, starts_at, *, status=Meeting.Status.SCHEDULED, present=()):
    m = Meeting.objects.create(
        network=net.network,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        status=status,
    )
    if present:
        minutes = Minutes.objects.create(network=net.network, meeting=m)
        for key in present:
            organisation = net.organisations[key]
            user = net.people[
                {
                    "IOM": "secretariat",
                    "UNDP": "member",
                    "UNHCR": "member_unhcr",
                    "RCO": "co_chair",
                    "AUTH": "partner",
                }[key]
            ]
            Attendance.objects.create(
                network=net.network,
                minutes=minutes,
                user=user,
                organisation=organisation,
                status=Attendance.Status.PRESENT,
            )
        # UNHCR's focal point was expected but absent: a row that does not count.
        if "UNHCR" not in present:
            Attendance.objects.create(
                network=net.network,
                minutes=minutes,
                user=net.people["member_unhcr"],
                organisation=net.organisations["UNHCR"],
                status=Attendance.Status.ABSENT,
            )
    return m


def action_point(net, owner, created_at, due, status, *, done_at=None):
    point = ActionPoint.objects.create(
        network=net.network,
        text=f"Action of {owner}",
        owner_organisation=net.organisations[owner],
        due_date=due,
        status=status,
    )
    ActionPoint.objects.filter(pk=point.pk).update(created_at=created_at, updated_at=created_at)
    if done_at:
        note = ActionNote.objects.create(
            network=net.network,
            action_point=point,
            text="Done.",
            status=ActionPoint.Status.DONE,
            progress=100,
        )
        ActionNote.objects.filter(pk=note.pk).update(written_at=done_at)
        ActionPoint.objects.filter(pk=point.pk).update(updated_at=done_at)
    return point


def build_quarter(net):
    """Builds the quarter and returns the figures worked out by hand."""
    with network_scope(net.network):
        # Every organisation has taken part since 2025 (the factory starts them today).
        Participation.objects.update(started_at=utc(2025, 1, 1))

        # 1 July 02:00 in Bishkek: the quarter's first meeting, though still June in UTC.
        meeting(
            net,
            "Q3 regular meeting",
            utc(2026, 6, 30, 20),
            present=["IOM", "UNDP", "UNHCR", "RCO", "AUTH"],
        )
        meeting(net, "Labour migration meeting", utc(2026, 8, 15, 6), present=["IOM", "UNDP"])
        meeting(net, "Cancelled meeting", utc(2026, 8, 20, 6), status=Meeting.Status.CANCELLED)
        # 30 June 23:00 in Bishkek: the second quarter's.
        meeting(net, "Late June meeting", utc(2026, 6, 30, 17), present=["IOM"])
        # 1 October 01:00 in Bishkek: the next quarter's, though still September in UTC.
        meeting(net, "Q4 opening meeting", utc(2026, 9, 30, 19))
        meeting(net, "December meeting", utc(2026, 12, 1, 5))
        meeting(net, "Cancelled December", utc(2026, 12, 2, 5), status=Meeting.Status.CANCELLED)

        adopted = Decision.objects.create(
            network=net.network,
            title="Joint statement on labour migration",
            text="Adopted.",
            status=Decision.Status.ADOPTED,
            number="KGZ-2026-001",
            year=2026,
            sequence=1,
            adopted_at=utc(2026, 7, 10, 8),
        )
        Decision.objects.create(
            network=net.network,
            title="Adopted on 1 October in Bishkek",
            text="Adopted.",
            status=Decision.Status.ADOPTED,
            number="KGZ-2026-002",
            year=2026,
            sequence=2,
            adopted_at=utc(2026, 9, 30, 19),
        )
        for kind, opened, closed in (
            (Procedure.Kind.SILENCE, utc(2026, 6, 20), utc(2026, 7, 5)),  # runs into Q3
            (Procedure.Kind.CONSULTATION, utc(2026, 8, 1), None),  # still open
            (Procedure.Kind.CONSULTATION, utc(2026, 5, 1), utc(2026, 5, 20)),  # Q2 only
        ):
            procedure = Procedure.objects.create(
                network=net.network,
                decision=adopted,
                kind=kind,
                deadline=opened + dt.timedelta(days=10),
                closed_at=closed,
            )
            Procedure.objects.filter(pk=procedure.pk).update(opened_at=opened)

        open_, done = ActionPoint.Status.OPEN, ActionPoint.Status.DONE
        action_point(net, "UNDP", utc(2026, 7, 5), dt.date(2026, 8, 1), open_)
        action_point(
            net, "UNDP", utc(2026, 5, 1), dt.date(2026, 7, 15), done, done_at=utc(2026, 7, 20)
        )
        action_point(net, "UNHCR", utc(2026, 7, 2), dt.date(2026, 12, 31), open_)
        action_point(
            net, "IOM", utc(2026, 4, 1), dt.date(2026, 6, 15), done, done_at=utc(2026, 10, 5)
        )

        by = net.secretariat
        plan = plans.workplan_create(
            network=net.network, by=by, title="Workplan 2026", start_year=2026, years=1
        )
        outcome = plans.outcome_add(workplan=plan, by=by, code="1", title="Safe migration")
        output = plans.output_add(outcome=outcome, by=by, code="1.1", title="Labour")

        def activity(code, lead, status, required, available, spent, gcm):
            made = plans.activity_add(
                output=output,
                by=by,
                data=ActivityData(
                    code=code,
                    title=f"Activity {code}",
                    lead_organisation=net.organisations[lead],
                    quarters=plan.quarters,
                    budget_required=D(required),
                    budget_available=D(available),
                    budget_spent=D(spent),
                    gcm_objectives=list(GCMObjective.objects.filter(number__in=gcm)),
                ),
            )
            Activity.objects.filter(pk=made.pk).update(status=status)

        activity("A", "UNDP", "on_track", "45000", "30000", "12500", [1, 19])
        activity("B", "IOM", "completed", "10000", "10000", "9000", [1])
        activity("C", "UNHCR", "cancelled", "5000", "5000", "0", [2])
        plans.workplan_endorse(workplan=plan, by=net.co_chair)

        document_type = ContentType.objects.get_for_model(Document)
        for about_id, created in (
            (501, utc(2026, 7, 3)),
            (501, utc(2026, 9, 1)),
            (502, utc(2026, 6, 1)),
        ):
            mailing = Circulation.objects.create(
                network=net.network,
                kind=Circulation.Kind.DOCUMENT,
                about_type=document_type,
                about_id=about_id,
                template="document",
            )
            Circulation.objects.filter(pk=mailing.pk).update(created_at=created)

    return {
        "meetings.held": 2,
        "meetings.with_attendance": 2,
        "meetings.all_represented": 1,
        "meetings.member_organisations": 4,
        "decisions.adopted": 1,
        "decisions.procedures": 2,
        "decisions.consultations": 1,
        "decisions.silence_procedures": 1,
        "action_points.opened": 2,
        "action_points.done": 1,
        "action_points.overdue": 2,
        "action_points.IOM.opened": 0,
        "action_points.IOM.done": 0,
        "action_points.IOM.overdue": 1,
        "action_points.UNDP.opened": 1,
        "action_points.UNDP.done": 1,
        "action_points.UNDP.overdue": 1,
        "action_points.UNHCR.opened": 1,
        "action_points.UNHCR.done": 0,
        "action_points.UNHCR.overdue": 0,
        "attendance.IOM.attended": 2,
        "attendance.UNDP.attended": 2,
        "attendance.UNHCR.attended": 1,
        "attendance.RCO.attended": 1,
        "attendance.MLSM.attended": 1,
        "workplan.activities": 3,
        "workplan.progress": 50,
        "workplan.status.on_track": 1,
        "workplan.status.completed": 1,
        "workplan.status.cancelled": 1,
        "workplan.status.delayed": 0,
        "workplan.budget.required": D("55000.00"),
        "workplan.budget.available": D("40000.00"),
        "workplan.budget.to_be_mobilised": D("15000.00"),
        "workplan.budget.spent": D("21500.00"),
        "workplan.gcm.1.activities": 2,
        "workplan.gcm.1.completed": 1,
        "workplan.gcm.1.required": D("55000.00"),
        "workplan.gcm.19.activities": 1,
        "workplan.gcm.19.spent": D("12500.00"),
        "documents.circulated": 1,
        "next_quarter.meetings_planned": 2,
    }


@pytest.fixture
def q3(kyrgyzstan):
    """(expected figures, the draft report of 2026-Q3) in Kyrgyzstan."""
    expected = build_quarter(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        report, _created = services.report_open(
            network=kyrgyzstan.network, by=kyrgyzstan.secretariat, year=2026, quarter=3
        )
    return expected, report


def submit(net, report, *, reason="", narrative=None):
    with network_scope(net.network):
        if narrative is not None:
            report.refresh_from_db()
            services.narrative_save(
                report=report, by=net.secretariat, narrative=narrative, revision=report.revision
            )
        # Every co-chair in office signs a report by default (issue #14): both sign here.
        services.report_submit(report=report, by=net.co_chair, reason=reason)
        return services.report_submit(report=report, by=net.co_chair2, reason=reason)


__all__ = ["QuarterlyReport", "build_quarter", "submit", "utc"]
