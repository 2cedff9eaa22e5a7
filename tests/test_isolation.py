"""The cross-network walker: every URL pattern that carries a network is requested by people
of another network and by anonymous callers. A new route is covered the moment it is added:
if the walker cannot fill its parameters, the test fails and says what to add below.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from networks.models import Membership, WorkingGroup
from networks.scoping import network_scope
from tests.factories import TestNetwork
from tests.helpers import without_csrf

MISSING_SLUG = "no-such-network"


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, for reverse()
    route: str  # readable, for messages
    kwargs: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")


def walk(patterns, prefix="", namespace="", kwargs=()):
    for entry in patterns:
        names = kwargs + tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns, names)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            yield Route(f"{namespace}{entry.name}" if entry.name else "", route, names)


# Public on purpose: a network's public page and its public documents, for anyone. They are
# the only network routes outside the walker; tests/documents/test_public.py proves they show
# public documents only, and 404 for everything else of the network.
PUBLIC_ROUTES = {"public-network", "public-download"}


def network_routes() -> list[Route]:
    routes = [
        r
        for r in walk(get_resolver().url_patterns)
        if "network" in r.kwargs and r.name not in PUBLIC_ROUTES
    ]
    # Both kinds must be there: a walker that misses pages or API proves nothing.
    assert any(r.is_api for r in routes) and any(not r.is_api for r in routes), routes
    return routes


# How to fill a route's parameters with an object of the victim network. Keys are either a
# namespaced URL name (for a route whose parameter is ambiguous, such as `pk`) or a
# parameter name used the same way everywhere.
def _membership(victim: TestNetwork) -> int:
    with network_scope(victim.network):
        return Membership.objects.filter(user=victim.people["member"]).first().pk


def _working_group(victim: TestNetwork) -> int:
    with network_scope(victim.network):
        group, _ = WorkingGroup.objects.get_or_create(
            network=victim.network, name="Labour migration"
        )
    return group.pk


def _invitation(victim: TestNetwork) -> int:
    """One open invitation per victim (built once, found again)."""
    from networks import services
    from networks.models import Invitation

    with network_scope(victim.network):
        invitation = Invitation.objects.filter(email="invitee@example.org").first()
    if invitation is None:
        invitation, _raw = services.invitation_create(
            network=victim.network,
            email="invitee@example.org",
            organisation=victim.organisations["UNDP"],
            role="member",
            invited_by=victim.people["secretariat"],
        )
    return invitation.pk


def _circulation(victim: TestNetwork):
    """One mailing of a document to the member per victim (built once, found again)."""
    from circulation import services
    from circulation.models import Circulation, Delivery

    with network_scope(victim.network):
        circulation = Circulation.objects.filter(kind="document").first()
    if circulation is None:
        circulation = services.circulation_create(
            network=victim.network,
            kind="document",
            sender=victim.people["secretariat"],
            recipients=[services.Recipient.of(victim.people["member"])],
            template="document",
            context={"title": "Labour migration study"},
        )
    with network_scope(victim.network):
        delivery = Delivery.objects.get(circulation=circulation)
    return circulation, delivery


def _meeting(victim: TestNetwork) -> int:
    """One meeting per victim (built once, found again): held yesterday, with an agenda item
    and approved minutes (version 1)."""
    from datetime import timedelta

    from django.utils import timezone

    from meetings import services
    from meetings.models import AgendaItem, Meeting, MinutesItem

    with network_scope(victim.network):
        meeting = Meeting.objects.filter(title="Q3 meeting").first()
        if meeting is not None:
            return meeting.pk
    start = timezone.now() - timedelta(days=1)
    meeting = services.meeting_schedule(
        network=victim.network,
        by=victim.people["secretariat"],
        kind="regular",
        title="Q3 meeting",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    people = victim.people
    with network_scope(victim.network):
        AgendaItem.objects.create(network=victim.network, meeting=meeting, title="Welcome")
        minutes = services.minutes_start(meeting=meeting, by=people["secretariat"])
        services.minutes_item_save(
            item=MinutesItem.objects.get(minutes=minutes),
            by=people["secretariat"],
            version=None,
            summary="The chair opened the meeting.",
            decisions="",
            action_points=[],
        )
        version = services.minutes_submit(minutes=minutes, by=people["secretariat"])
        for key in ("co_chair", "co_chair2"):
            services.minutes_approve(
                minutes=minutes, by=people[key], content_sha256=version.content_sha256
            )
    return meeting.pk


def _minutes_item(victim: TestNetwork) -> int:
    from meetings.models import MinutesItem

    meeting_id = _meeting(victim)
    with network_scope(victim.network):
        return MinutesItem.objects.filter(minutes__meeting_id=meeting_id).first().pk


def _agenda_item(victim: TestNetwork) -> int:
    from meetings.models import AgendaItem

    meeting_id = _meeting(victim)
    with network_scope(victim.network):
        return AgendaItem.objects.filter(meeting_id=meeting_id).first().pk


def _document(victim: TestNetwork) -> int:
    """One internal document per victim (built once, found again), with version 1."""
    from documents import services
    from documents.models import Document
    from tests.documents.files import pdf, upload

    with network_scope(victim.network):
        document = Document.objects.filter(title="Labour migration study").first()
        if document is None:
            document = services.document_upload(
                network=victim.network,
                by=victim.people["secretariat"],
                title="Labour migration study",
                file=upload("study.pdf", pdf()),
                category="study",
            )
    return document.pk


def _dossier(victim: TestNetwork) -> int:
    from documents import services
    from documents.models import Dossier

    with network_scope(victim.network):
        dossier = Dossier.objects.first() or services.dossier_create(
            network=victim.network,
            by=victim.people["secretariat"],
            title="MPTF 2026 submission",
            call="Migration MPTF, 2026 call",
            required_items=["Concept note", "Budget"],
        )
    return dossier.pk


def _decision(victim: TestNetwork) -> int:
    from decisions import services
    from decisions.models import Decision

    with network_scope(victim.network):
        decision = Decision.objects.filter(
            title="Joint statement on labour migration"
        ).first() or services.decision_draft(
            network=victim.network,
            by=victim.people["secretariat"],
            title="Joint statement on labour migration",
            text="The network adopts the joint statement.",
            concerns_state=True,
        )
    return decision.pk


def _action_point(victim: TestNetwork) -> int:
    from datetime import date

    from decisions import services
    from decisions.models import ActionPoint

    with network_scope(victim.network):
        point = ActionPoint.objects.first() or services.action_point_add(
            network=victim.network,
            by=victim.people["secretariat"],
            text="Share the study",
            owner_organisation=victim.organisations["UNDP"],
            due_date=date(2027, 1, 31),
        )
    return point.pk


def _workplan(victim: TestNetwork):
    """An endorsed plan with one outcome, output and UNDP-led activity (with an indicator)."""
    from workplans.models import Activity
    from workplans.selectors import reporting_quarter
    from workplans.services import (
        ActivityData,
        activity_add,
        indicator_add,
        outcome_add,
        output_add,
        workplan_create,
        workplan_endorse,
    )

    with network_scope(victim.network):
        activity = Activity.objects.select_related("output__outcome", "workplan").first()
        if activity is None:
            year = int(reporting_quarter(victim.network)[:4])
            workplan = workplan_create(
                network=victim.network,
                by=victim.people["secretariat"],
                title="Workplan of the network",
                start_year=year,
                years=2,
            )
            outcome = outcome_add(
                workplan=workplan, by=victim.people["secretariat"], code="1", title="Rights"
            )
            output = output_add(
                outcome=outcome, by=victim.people["secretariat"], code="1.1", title="Study"
            )
            activity = activity_add(
                output=output,
                by=victim.people["secretariat"],
                data=ActivityData(
                    code="1.1.1",
                    title="Labour migration study",
                    lead_organisation=victim.organisations["UNDP"],
                    quarters=workplan.quarters,
                ),
            )
            indicator_add(
                activity=activity, by=victim.people["secretariat"], name="Studies", target=1
            )
            workplan_endorse(workplan=workplan, by=victim.people["co_chair"])
    return activity


def _procedure(victim: TestNetwork) -> int:
    """One open consultation per victim (built once, found again), on a decision of its own,
    with UNDP's position."""
    from datetime import timedelta

    from django.utils import timezone

    from decisions import services
    from decisions.models import Procedure

    with network_scope(victim.network):
        procedure = Procedure.objects.filter(decision__title="Data sharing protocol").first()
        if procedure is None:
            decision = services.decision_draft(
                network=victim.network,
                by=victim.people["secretariat"],
                title="Data sharing protocol",
                text="The network adopts the protocol.",
                concerns_state=True,
            )
            procedure = services.procedure_open(
                decision=decision,
                by=victim.people["secretariat"],
                kind="consultation",
                deadline=timezone.now() + timedelta(days=2),
            )
            # UNDP's member has answered (the positions list has something to list).
            services.position_record(
                procedure=procedure,
                by=victim.people["member"],
                organisation=victim.organisations["UNDP"],
                stance="concur",
            )
    return procedure.pk


def _statement(victim: TestNetwork) -> int:
    """One joint statement per victim (built once, found again), submitted for clearance."""
    from decisions import services
    from decisions.models import JointStatement

    title = "Joint statement on International Migrants Day"
    with network_scope(victim.network):
        statement = JointStatement.objects.filter(title=title).first()
        if statement is None:
            statement = services.statement_draft(
                network=victim.network,
                by=victim.people["secretariat"],
                title=title,
                text="The network stands with every migrant.",
            )
            services.statement_submit(statement=statement, by=victim.people["secretariat"])
    return statement.pk


def _cleared_statement(victim: TestNetwork) -> int:
    """A second joint statement, cleared by both co-chairs: its version 1 has a PDF."""
    from decisions import services
    from decisions.models import JointStatement

    _statement(victim)  # the walker's first statement stays the submitted one
    title = "Joint statement on the Global Compact's review"
    with network_scope(victim.network):
        statement = JointStatement.objects.filter(title=title).first()
        if statement is None:
            statement = services.statement_draft(
                network=victim.network,
                by=victim.people["secretariat"],
                title=title,
                text="The network takes part in the review.",
            )
            version = services.statement_submit(
                statement=statement, by=victim.people["secretariat"]
            )
            for key in ("co_chair", "co_chair2"):
                services.statement_clear(
                    statement=statement,
                    by=victim.people[key],
                    content_sha256=version.content_sha256,
                )
    return statement.pk


def _report(victim: TestNetwork) -> int:
    """The report of the victim's last ended quarter (built once, found again), submitted
    by a co-chair: version 1."""
    from common.quarters import last_ended_quarter
    from reports import services
    from reports.models import QuarterlyReport

    with network_scope(victim.network):
        report = QuarterlyReport.objects.first()
        if report is None:
            period = last_ended_quarter(victim.network)
            report, _created = services.report_open(
                network=victim.network,
                by=victim.people["secretariat"],
                year=period.year,
                quarter=period.quarter,
            )
            # Both co-chairs sign by default (issue #14).
            services.report_submit(report=report, by=victim.people["co_chair"])
            services.report_submit(report=report, by=victim.people["co_chair2"])
    return report.pk


BY_PARAMETER = {
    "network": lambda victim: victim.network.slug,
    "membership_id": _membership,
    "working_group_id": _working_group,
    "invitation_id": _invitation,
    "circulation_id": lambda victim: _circulation(victim)[0].pk,
    "delivery_id": lambda victim: _circulation(victim)[1].pk,
    "meeting_id": _meeting,
    "item_id": _agenda_item,
    "minutes_item_id": _minutes_item,
    "number": lambda victim: _meeting(victim) and 1,
    "document_id": _document,
    "dossier_id": _dossier,
    "decision_id": _decision,
    "action_id": _action_point,
    "workplan_id": lambda victim: _workplan(victim).workplan_id,
    "outcome_id": lambda victim: _workplan(victim).output.outcome_id,
    "output_id": lambda victim: _workplan(victim).output_id,
    "activity_id": lambda victim: _workplan(victim).pk,
    "statement_id": _statement,
    "procedure_id": _procedure,
    "report_id": _report,
}
BY_ROUTE_NAME = {
    "api:member-detail": {"pk": _membership},
    "api:member-end": {"pk": _membership},
    "api:working-group-detail": {"pk": _working_group},
    "networks:working-group-detail": {"pk": _working_group},
    "api:circulation-detail": {"pk": lambda victim: _circulation(victim)[0].pk},
    "api:meeting-detail": {"pk": _meeting},
    "documents:download": {"number": lambda victim: _document(victim) and 1},
    "api:document-version-detail": {"number": lambda victim: _document(victim) and 1},
    "api:document-download": {"number": lambda victim: _document(victim) and 1},
    "api:decision-detail": {"pk": _decision},
    "api:action-point-detail": {"pk": _action_point},
    # Version 1 of the report (the meeting's minutes version shares the name `number`).
    "decisions:statement-pdf": {
        "statement_id": _cleared_statement,
        "number": lambda victim: _cleared_statement(victim) and 1,
    },
    "reports:version": {"number": lambda victim: _report(victim) and 1},
    "reports:pdf": {"number": lambda victim: _report(victim) and 1},
    "reports:xlsx": {"number": lambda victim: _report(victim) and 1},
    "reports:csv": {"number": lambda victim: _report(victim) and 1},
    "api:report-version": {"number": lambda victim: _report(victim) and 1},
}


def fill(route: Route, victim: TestNetwork) -> dict:
    kwargs = {}
    for name in route.kwargs:
        builder = BY_ROUTE_NAME.get(route.name, {}).get(name) or BY_PARAMETER.get(name)
        if builder is None:
            pytest.fail(
                f"The isolation walker cannot fill <{name}> of {route.route} ({route.name}). "
                "Add a builder to BY_PARAMETER or BY_ROUTE_NAME in tests/test_isolation.py."
            )
        kwargs[name] = builder(victim)
    return kwargs


def urls_for(route: Route, victim: TestNetwork) -> tuple[str, str]:
    assert route.name, f"{route.route} carries a network but has no URL name"
    kwargs = fill(route, victim)
    real = reverse(route.name, kwargs=kwargs)
    missing = reverse(route.name, kwargs={**kwargs, "network": MISSING_SLUG})
    return real, missing


ROUTES = network_routes()


def fill_every_route(victim: TestNetwork) -> None:
    """Build one object of each kind the routes name (tests/world.py does it once a session;
    a route the walker cannot fill is left to test_route_is_reachable_by_its_own_network to
    report)."""
    for route in ROUTES:
        try:
            fill(route, victim)
        except pytest.fail.Exception:
            continue


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name or r.route)
def test_route_is_reachable_by_its_own_network(route, victim, client):
    """Proves the walker filled the route with a real object: someone of the victim network gets past
    the 404 (a page, a form, a 403 for a role without the action, or 405)."""
    real, _missing = urls_for(route, victim)
    statuses = {}
    for key in ("secretariat", "co_chair", "member", "rco", "partner"):
        client.force_login(victim.people[key])
        statuses[key] = client.get(real).status_code
        client.logout()
    assert any(status != 404 for status in statuses.values()), (real, statuses)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name or r.route)
def test_member_of_mongolia_gets_404_on_every_route_of_another_network(
    route, victim, mongolia, client
):
    real, missing = urls_for(route, victim)
    for key in ("secretariat", "co_chair", "member"):
        client.force_login(mongolia.people[key])
        for method in ("get", "post", "put", "patch", "delete"):
            response = getattr(client, method)(real)
            assert response.status_code == 404, (key, method.upper(), real, response.status_code)
            same = getattr(client, method)(missing)
            assert same.status_code == 404
            assert without_csrf(response.content) == without_csrf(same.content), (
                f"{method.upper()} {real}: the 404 differs from a missing network's"
            )
        client.logout()


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name or r.route)
def test_anonymous_learns_nothing(route, victim, client):
    real, missing = urls_for(route, victim)
    for method in ("get", "post"):
        response = getattr(client, method)(real)
        same = getattr(client, method)(missing)
        if route.is_api:
            assert response.status_code == 401, (method, real, response.status_code)
            assert same.status_code == 401
            assert response.json() == same.json()
        else:
            assert response.status_code == 302, (method, real, response.status_code)
            assert same.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))
            assert same["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name or r.route)
def test_regional_viewer_of_another_region_gets_404(route, victim, client, db):
    from networks.models import Region, RegionalViewer
    from tests.factories import person

    other = Region.objects.create(name="Asia and the Pacific", slug="asia-pacific")
    viewer = person("viewer@asia.test")
    RegionalViewer.objects.create(user=viewer, region=other)
    real, _missing = urls_for(route, victim)
    client.force_login(viewer)
    assert client.get(real).status_code == 404
