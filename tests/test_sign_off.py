"""Nobody signs off a record they drafted (docs/roles.md, separation of duties). With one
person never both secretariat and co-chair, this can happen only to someone who changed
roles — a secretariat officer who drafted, handed over and became a co-chair — or to a
co-chair who drafted a decision. Each sign-off service refuses them, says why, and changes
nothing; another co-chair signs."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from decisions import services as decisions
from decisions.models import Procedure, StatementClearance
from meetings import services as meetings
from meetings.models import Meeting, MinutesApproval, MinutesItem
from networks import services as networks
from networks.models import Membership
from networks.roles import Role
from networks.scoping import network_scope
from reports import services as reports
from reports.models import QuarterlyReport
from tests.factories import person
from tests.meetings.conftest import add_items, schedule
from workplans import services as workplans
from workplans.models import Workplan
from workplans.services import ActivityData

pytestmark = pytest.mark.django_db


def hands_over_and_co_chairs(net):
    """The secretariat officer hands over to a successor and becomes a co-chair (of IOM, as
    IOM's head is); from now on `net.secretariat` is a co-chair who drafted as secretariat."""
    successor = person(f"successor@{net.network.slug}.test")
    iom = net.organisations["IOM"]
    networks.membership_start(
        network=net.network, user=successor, organisation=iom, role=Role.SECRETARIAT
    )
    with network_scope(net.network):
        own = Membership.objects.active().get(user=net.secretariat, role=Role.SECRETARIAT)
    networks.membership_end(membership=own, ended_by=successor, reason="Now heads IOM")
    networks.membership_start(
        network=net.network,
        user=net.secretariat,
        organisation=iom,
        role=Role.CO_CHAIR,
        started_by=net.co_chair,
    )
    return successor


def test_a_co_chair_does_not_approve_an_agenda_they_drafted(kyrgyzstan):
    meeting = schedule(kyrgyzstan)
    add_items(kyrgyzstan, meeting, "Welcome")
    with network_scope(kyrgyzstan.network):
        meetings.agenda_submit(meeting=meeting, by=kyrgyzstan.secretariat)
    hands_over_and_co_chairs(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        with pytest.raises(ValidationError, match="You drafted this agenda: another co-chair"):
            meetings.agenda_approve(meeting=meeting, by=kyrgyzstan.secretariat)
        assert Meeting.objects.get(pk=meeting.pk).agenda_status == "submitted"
        meetings.agenda_approve(meeting=meeting, by=kyrgyzstan.co_chair)
        assert Meeting.objects.get(pk=meeting.pk).agenda_approved_by == kyrgyzstan.co_chair


def test_a_co_chair_does_not_approve_minutes_they_submitted(kyrgyzstan):
    meeting = schedule(kyrgyzstan, start=timezone.now() - timedelta(days=1))
    add_items(kyrgyzstan, meeting, "Welcome")
    with network_scope(kyrgyzstan.network):
        minutes = meetings.minutes_start(meeting=meeting, by=kyrgyzstan.secretariat)
        meetings.minutes_item_save(
            item=MinutesItem.objects.get(minutes=minutes),
            by=kyrgyzstan.secretariat,
            version=None,
            summary="The chair opened the meeting.",
            decisions="",
            action_points=[],
        )
        version = meetings.minutes_submit(minutes=minutes, by=kyrgyzstan.secretariat)
    hands_over_and_co_chairs(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        with pytest.raises(ValidationError, match="You submitted these minutes"):
            meetings.minutes_approve(
                minutes=minutes, by=kyrgyzstan.secretariat, content_sha256=version.content_sha256
            )
        assert not MinutesApproval.objects.filter(version=version).exists()
        minutes.refresh_from_db()
        assert minutes.status == "submitted"


def test_a_co_chair_does_not_clear_a_statement_they_drafted(kyrgyzstan, client):
    with network_scope(kyrgyzstan.network):
        statement = decisions.statement_draft(
            network=kyrgyzstan.network,
            by=kyrgyzstan.secretariat,
            title="Joint statement on International Migrants Day",
            text="The network stands with every migrant.",
        )
        version = decisions.statement_submit(statement=statement, by=kyrgyzstan.secretariat)
    hands_over_and_co_chairs(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        with pytest.raises(ValidationError, match="You drafted this statement") as refused:
            decisions.statement_clear(
                statement=statement,
                by=kyrgyzstan.secretariat,
                content_sha256=version.content_sha256,
            )
    # A guard of the statement's workflow: not this person's step (403), as for the agenda
    # and the minutes; the page offers no button for it.
    assert refused.value.code == "not_allowed"
    client.force_login(kyrgyzstan.secretariat)
    page = client.get(f"/n/kyrgyzstan/decisions/statements/{statement.pk}/").content.decode()
    assert "Clear this version" not in page
    response = client.post(
        f"/api/v1/networks/kyrgyzstan/statements/{statement.pk}/clear/",
        {"content_sha256": version.content_sha256},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["message"].startswith("You drafted this statement")
    with network_scope(kyrgyzstan.network):
        assert not StatementClearance.objects.filter(version=version).exists()


def test_a_co_chair_does_not_declare_adopted_a_decision_they_drafted(kyrgyzstan):
    with network_scope(kyrgyzstan.network):
        decision = decisions.decision_draft(
            network=kyrgyzstan.network,
            by=kyrgyzstan.co_chair,
            title="Joint advocacy on labour migration",
            text="The network advocates together.",
        )
        procedure = decisions.procedure_open(
            decision=decision,
            by=kyrgyzstan.co_chair,
            kind="consultation",
            deadline=timezone.now() + timedelta(hours=1),
        )
        Procedure.objects.filter(pk=procedure.pk).update(
            deadline=timezone.now() - timedelta(seconds=1)
        )
        decisions.procedure_close(procedure=procedure)
        with pytest.raises(ValidationError, match="You drafted this text: another co-chair"):
            decisions.outcome_record(
                procedure=procedure, by=kyrgyzstan.co_chair, outcome="adopted", statement="Yes."
            )
        assert Procedure.objects.get(pk=procedure.pk).outcome == ""
        decision.refresh_from_db()
        assert decision.status == "consultation"
        # The other co-chair declares it; the drafter may still withdraw their own text.
        decisions.outcome_record(
            procedure=procedure, by=kyrgyzstan.co_chair2, outcome="adopted", statement="Yes."
        )
        decision.refresh_from_db()
        assert decision.status == "adopted"


def test_a_co_chair_does_not_submit_a_report_they_drafted(kyrgyzstan):
    with network_scope(kyrgyzstan.network):
        report, _created = reports.report_open(
            network=kyrgyzstan.network, by=kyrgyzstan.secretariat, year=2025, quarter=1
        )
    hands_over_and_co_chairs(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        with pytest.raises(ValidationError, match="You drafted this report"):
            reports.report_submit(report=report, by=kyrgyzstan.secretariat)
        assert QuarterlyReport.objects.get(pk=report.pk).status == "draft"
        assert not report.versions.exists()


def test_a_co_chair_does_not_endorse_a_workplan_they_drafted(kyrgyzstan):
    by = kyrgyzstan.secretariat
    with network_scope(kyrgyzstan.network):
        plan = workplans.workplan_create(
            network=kyrgyzstan.network, by=by, title="Workplan 2027", start_year=2027, years=1
        )
        outcome = workplans.outcome_add(workplan=plan, by=by, code="1", title="Safe migration")
        output = workplans.output_add(outcome=outcome, by=by, code="1.1", title="Labour")
        workplans.activity_add(
            output=output,
            by=by,
            data=ActivityData(
                code="1.1.1",
                title="Data review",
                lead_organisation=kyrgyzstan.organisations["IOM"],
                gcm_objectives=[],
                budget_required=Decimal("100"),
            ),
        )
    hands_over_and_co_chairs(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        with pytest.raises(ValidationError, match="You drafted this workplan"):
            workplans.workplan_endorse(workplan=plan, by=kyrgyzstan.secretariat)
        plan.refresh_from_db()
        assert (plan.status, plan.endorsed_by) == (Workplan.Status.DRAFT, None)
