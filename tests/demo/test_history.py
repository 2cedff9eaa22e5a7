"""manage.py load_demo builds each network as it looks after years of use, through the
services: members since the founding, two years of meetings with signed minutes, numbered
decisions, action points in every state, procedures open now, the workplan and its quarterly
updates, the reports the beat drafted, documents at every level and mail in every state —
with an intact audit trail, and the same state after a second run.

The demo is loaded once for the module (a load builds hundreds of records), inside a
transaction rolled back at the end, on the suite's PDF stand-in."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

import networks.pdf
from circulation.models import Circulation, Delivery
from common import quarters
from decisions.models import ActionPoint, Decision, Position, Procedure
from documents.models import Document
from meetings.models import Meeting, Minutes, Participant
from networks.models import Membership, Network, RegionalViewer
from networks.roles import Role
from networks.scoping import network_scope, scopes_disabled
from portal import clock
from reports import selectors as report_selectors
from reports.models import QuarterlyReport
from tests import world
from tests.pdf import standin_pdf
from workplans.models import Activity, ActivityUpdate, Workplan

SLUGS = ["kyrgyzstan", "belarus", "mongolia", "kosovo"]
FOUNDED = {
    "kyrgyzstan": (2020, 4),
    "kosovo": (2020, 12),
    "belarus": (2020, 6),
    "mongolia": (2021, 6),
}

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    from audit.models import AuditEvent
    from decisions.models import PositionChange
    from meetings.models import MinutesApproval, MinutesVersion
    from reports.models import ReportSignature, ReportVersion

    models = [
        Network, Membership, Meeting, Participant, Minutes, MinutesVersion, MinutesApproval,
        Decision, ActionPoint, Procedure, Position, PositionChange, Workplan, Activity,
        ActivityUpdate, QuarterlyReport, ReportVersion, ReportSignature, Document, Circulation,
        Delivery,
    ]  # fmt: skip
    with scopes_disabled():
        counts = {model.__name__: model.objects.count() for model in models}
        counts["AuditEvent"] = AuditEvent.every_chain.count()
        counts["delivery states"] = sorted(Delivery.objects.values_list("pk", "status"))
    return counts


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded twice in an empty database; the outputs and the counts after each
    run. Everything is rolled back afterwards."""
    from django.conf import settings

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(networks.pdf, "html_to_pdf", standin_pdf)
        patch.setattr(settings, "PORTAL_DEMO", True)
        with transaction.atomic():
            world.remove()
            first = _load()
            after_first = _counts()
            second = _load()
            after_second = _counts()
            yield {
                "first": first,
                "second": second,
                "after_first": after_first,
                "after_second": after_second,
            }
            transaction.set_rollback(True)


def networks_of_demo():
    return [Network.objects.get(slug=slug) for slug in SLUGS]


def login(slug: str, name: str):
    return Membership.objects.filter(user__email=f"{name}@{slug}.example.org").first().user


def test_a_second_run_changes_nothing(demo):
    assert "Demo loaded" in demo["first"]
    assert "nothing changed" in demo["second"]
    assert demo["after_second"] == demo["after_first"]
    assert demo["after_first"]["Meeting"] > 30


def test_the_audit_trail_is_intact_after_the_load(demo):
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "All" in out.getvalue() and "intact" in out.getvalue()
    assert "BROKEN" not in out.getvalue()
    for network in networks_of_demo():
        assert f"({network.slug}): " in out.getvalue()


def test_members_take_part_since_the_founding_and_the_reports_count_them(demo):
    for network in networks_of_demo():
        year, month = FOUNDED[network.slug]
        with network_scope(network):
            founded = clock.network_local(network.created_at, network)
            assert (founded.year, founded.month) == (year, month), network.slug
            first = clock.network_local(
                Membership.objects.order_by("started_at").first().started_at, network
            )
            assert first.date() == founded.date()
            later = network.created_at + timedelta(days=1)
            assert not Membership.objects.filter(started_at__gt=later).exists()
            # The figures of the last ended quarter count the member organisations.
            period = quarters.last_ended_quarter(network)
            figures = report_selectors.quarter_figures(network, period.year, period.quarter)
            assert figures["meetings"]["member_organisations"] >= 8, network.slug


def test_two_years_of_meetings_with_approved_circulated_minutes(demo):
    now = timezone.now()
    for network in networks_of_demo():
        with network_scope(network):
            held = Meeting.objects.filter(
                starts_at__lt=now, starts_at__gte=now - timedelta(days=2 * 365)
            )
            expected = 11 if network.meeting_cadence == Network.Cadence.BIMONTHLY else 8
            assert held.count() == expected, network.slug
            # One a quarter (Belarus: every two months), each of the last eight quarters.
            labels = {quarters.quarter_at(network, m.starts_at).label for m in held}
            assert len(labels) == 8
            latest = held.order_by("-starts_at").first()
            for meeting in held.exclude(pk=latest.pk):
                minutes = Minutes.objects.get(meeting=meeting)
                assert minutes.status == Minutes.Status.APPROVED
                version = minutes.versions.get()
                assert version.approved_at is not None
                assert version.approvals.count() == 2  # both co-chairs signed
                assert Circulation.objects.filter(
                    kind=Circulation.Kind.MINUTES, about_id=version.pk
                ).exists()
                assert meeting.agenda_status == Meeting.AgendaStatus.CIRCULATED
            # The latest one's minutes are out for comment, the deadline ahead.
            minutes = Minutes.objects.get(meeting=latest)
            assert minutes.status == Minutes.Status.SUBMITTED
            assert minutes.comment_deadline > now


def test_decisions_are_numbered_and_action_points_are_open_overdue_and_done(demo):
    for network in networks_of_demo():
        today = clock.network_today(network)
        with network_scope(network):
            adopted = Decision.objects.filter(status=Decision.Status.ADOPTED)
            assert adopted.count() >= 8
            numbers = list(adopted.values_list("number", flat=True))
            assert all(n.startswith(f"{network.code}-") for n in numbers)
            assert len(set(numbers)) == len(numbers)
            points = ActionPoint.objects.all()
            undone = points.filter(status__in=["open", "in_progress"])
            assert points.filter(status=ActionPoint.Status.DONE).exists()
            assert undone.filter(due_date__lt=today).exists(), "overdue"
            assert undone.filter(due_date__gte=today).exists(), "open, not yet due"
            assert undone.filter(due_date__lt=today, owner_organisation__acronym="UNDP").exists()


def test_the_workplan_is_endorsed_active_with_each_ended_quarters_updates(demo):
    spent = set()
    for network in networks_of_demo():
        with network_scope(network):
            plan = Workplan.objects.get()
            assert plan.status == Workplan.Status.ACTIVE
            assert plan.endorsed_at is not None and plan.baseline
            year = clock.network_today(network).year
            ended = [f"{year}-Q{q}" for q in (1, 2, 3, 4) if quarters.has_ended(network, year, q)]
            reported = set(ActivityUpdate.objects.values_list("quarter", flat=True))
            assert reported == set(ended)
            spent.add(
                tuple(Activity.objects.order_by("code").values_list("budget_spent", flat=True))
            )
    if ended:
        assert len(spent) > 1, "each network has its own figures"


def test_the_ended_quarters_are_reported_and_the_latest_waits_for_the_co_chairs(demo):
    for network in networks_of_demo():
        with network_scope(network):
            latest = quarters.last_ended_quarter(network)
            report = QuarterlyReport.objects.get(year=latest.year, quarter=latest.quarter)
            assert report.status == QuarterlyReport.Status.DRAFT
            assert report.drafted_by is None  # the beat drafted it
            assert report.narrative
            earlier = QuarterlyReport.objects.exclude(pk=report.pk)
            assert earlier.count() == 3
            for submitted in earlier:
                assert submitted.status == QuarterlyReport.Status.SUBMITTED
                version = submitted.versions.get()
                assert version.figures["meetings"]["member_organisations"] >= 8
            # The current year's ended quarters before the latest are submitted.
            for quarter in range(1, latest.quarter):
                assert earlier.get(year=latest.year, quarter=quarter).status == "submitted"


def test_a_consultation_and_a_silence_procedure_are_open_now(demo):
    now = timezone.now()
    for network in networks_of_demo():
        with network_scope(network):
            running = Procedure.objects.filter(closed_at__isnull=True, deadline__gt=now)
            kinds = sorted(running.values_list("kind", flat=True))
            assert kinds == ["consultation", "silence"]
            closed = Procedure.objects.get(closed_at__isnull=False)
            assert closed.outcome == Procedure.Outcome.ADOPTED
            assert closed.decision.number


def test_documents_at_every_confidentiality_level(demo):
    for network in networks_of_demo():
        with network_scope(network):
            levels = set(Document.objects.values_list("confidentiality", flat=True))
            assert levels == set(Document.Confidentiality.values)
            public = Document.objects.get(confidentiality="public")
            assert public.public_agreement


def test_mail_in_every_delivery_state_and_none_sent(demo):
    assert mail.outbox == []
    for network in networks_of_demo():
        with network_scope(network):
            states = set(Delivery.objects.values_list("status", flat=True))
            assert states == set(Delivery.Status.values), network.slug
            assert Delivery.objects.filter(opened_at__isnull=False).exists()
            failed = Delivery.objects.filter(status="failed").first()
            assert failed.last_error
            # Every past mailing went out; only those of the last minutes are in flight.
            recent = timezone.now() - timedelta(minutes=30)
            assert not Delivery.objects.filter(
                status__in=["queued", "sending"], circulation__created_at__lt=recent
            ).exists()


def test_every_demo_login_has_something_waiting(demo):
    now = timezone.now()
    for network in networks_of_demo():
        slug = network.slug
        with network_scope(network):
            # Co-chairs: an agenda to approve, minutes to approve, a report to sign.
            assert Meeting.objects.filter(
                agenda_status=Meeting.AgendaStatus.SUBMITTED, starts_at__gt=now
            ).exists()
            assert Minutes.objects.filter(status=Minutes.Status.SUBMITTED).exists()
            draft = QuarterlyReport.objects.get(status="draft")
            assert not draft.signatures.exists()
            # The member: their organisation's position, an RSVP, an overdue action point,
            # minutes to comment on.
            member = login(slug, "member")
            consultation = Procedure.objects.get(kind="consultation", closed_at__isnull=True)
            assert not Position.objects.filter(
                procedure=consultation, organisation__acronym="UNDP"
            ).exists()
            assert Participant.objects.filter(
                user=member, answer="pending", meeting__starts_at__gt=now,
                meeting__agenda_status="circulated",
            ).exists()  # fmt: skip
            assert Minutes.objects.filter(
                status="submitted", comment_deadline__gt=now, attendance__user=member
            ).exists()
            # The partner (the national authority): the consultation concerns the state and
            # waits for its position; the annual meeting's invitation waits for an answer.
            partner = login(slug, "partner")
            assert consultation.decision.concerns_state
            assert not Position.objects.filter(
                procedure=consultation, organisation__participations__is_national_authority=True
            ).exists()
            assert Participant.objects.filter(user=partner, answer="pending").exists()
            # The RCO: submitted reports to pull.
            assert login(slug, "rco").memberships.filter(role=Role.RCO_REPORTER).exists()
            assert QuarterlyReport.objects.filter(status="submitted").exists()
    viewer = RegionalViewer.objects.active().get(user__email="regional@example.org")
    assert clock.network_local(viewer.started_at, networks_of_demo()[0]).year == 2020
