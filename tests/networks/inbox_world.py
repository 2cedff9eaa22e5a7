"""Builders of what waits for people (the inbox, networks.home), through the apps' own
services, shared by tests/networks/test_inbox.py and the query-count tests."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from django.urls import reverse
from django.utils import timezone

from networks.scoping import network_scope
from tests.factories import TestNetwork

ITEM = re.compile(
    r'<li class="inbox-item(?P<overdue> overdue)?" data-kind="(?P<kind>[^"]+)">(?P<body>.*?)</li>',
    re.S,
)
LINK = re.compile(r'<a class="title" href="(?P<href>[^"]+)">(?P<title>[^<]*)</a>')


def inbox_of(page: str) -> list[dict]:
    """The inbox items of a page as the person reads them: kind, title, link, the deadline's
    words and whether it is overdue, and the network's label (on the landing page)."""
    found = []
    for match in ITEM.finditer(page):
        body = match["body"]
        link = LINK.search(body)
        assert link is not None, body
        when = re.search(r'<span class="when">(.*?)</span>\s*$', body.strip(), re.S)
        network = re.search(r'<span class="badge neutral network">([^<]*)</span>', body)
        found.append(
            {
                "kind": match["kind"],
                "title": unescape(link["title"]),
                "href": unescape(link["href"]),
                "when": unescape(re.sub(r"<[^>]+>", "", when.group(1))) if when else "",
                "overdue": bool(match["overdue"]),
                "network": unescape(network.group(1)) if network else "",
            }
        )
    return found


def kinds(page: str) -> list[str]:
    return [item["kind"] for item in inbox_of(page)]


def home_url(net: TestNetwork) -> str:
    return reverse("networks:home", kwargs={"network": net.network.slug})


# --- Meetings -----------------------------------------------------------------------------


def upcoming_meeting(net: TestNetwork, title: str = "Q4 meeting", *, days: int = 3):
    from meetings import services

    start = timezone.now() + timedelta(days=days)
    with network_scope(net.network):
        meeting = services.meeting_schedule(
            network=net.network,
            by=net.secretariat,
            kind="regular",
            title=title,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
        services.agenda_item_save(
            meeting=meeting, by=net.secretariat, title="Welcome", duration_minutes=15
        )
    return meeting


def submitted_agenda(net: TestNetwork, title: str = "Q4 meeting", *, days: int = 3):
    from meetings import services

    meeting = upcoming_meeting(net, title, days=days)
    with network_scope(net.network):
        return services.agenda_submit(meeting=meeting, by=net.secretariat)


def submitted_minutes(
    net: TestNetwork, title: str = "Q3 meeting", *, comment_days: float | None = 1
):
    """A meeting held yesterday whose minutes wait for the co-chairs (and, with
    `comment_days`, for the attendees' comments until then)."""
    from meetings import services
    from meetings.models import MinutesItem

    start = timezone.now() - timedelta(days=1)
    with network_scope(net.network):
        meeting = services.meeting_schedule(
            network=net.network,
            by=net.secretariat,
            kind="regular",
            title=title,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
        services.agenda_item_save(
            meeting=meeting, by=net.secretariat, title="Welcome", duration_minutes=15
        )
        minutes = services.minutes_start(meeting=meeting, by=net.secretariat)
        services.minutes_item_save(
            item=MinutesItem.objects.get(minutes=minutes),
            by=net.secretariat,
            version=None,
            summary="The chair opened the meeting.",
            decisions="",
            action_points=[],
        )
        deadline = (
            timezone.now() + timedelta(days=comment_days) if comment_days is not None else None
        )
        version = services.minutes_submit(
            minutes=minutes, by=net.secretariat, comment_deadline=deadline
        )
    return minutes, version


def approved_minutes(net: TestNetwork, title: str = "Q3 meeting"):
    from meetings import services

    minutes, version = submitted_minutes(net, title, comment_days=None)
    with network_scope(net.network):
        for co_chair in (net.co_chair, net.co_chair2):
            services.minutes_approve(
                minutes=minutes, by=co_chair, content_sha256=version.content_sha256
            )
    return minutes


# --- Decisions ----------------------------------------------------------------------------


def consultation(
    net: TestNetwork, title: str = "Data sharing protocol", *, days: int = 3, concerns_state=False
):
    from decisions import services

    with network_scope(net.network):
        decision = services.decision_draft(
            network=net.network,
            by=net.secretariat,
            title=title,
            text="The network agrees.",
            concerns_state=concerns_state,
        )
        return services.procedure_open(
            decision=decision,
            by=net.secretariat,
            kind="consultation",
            deadline=timezone.now() + timedelta(days=days),
        )


def submitted_statement(net: TestNetwork, title: str = "One voice on labour migration"):
    from decisions import services

    with network_scope(net.network):
        statement = services.statement_draft(
            network=net.network, by=net.secretariat, title=title, text="We, the network…"
        )
        services.statement_submit(statement=statement, by=net.secretariat)
    return statement


def action_point(net: TestNetwork, *, days: int, org: str = "UNDP", text: str = "Share the study"):
    from decisions import services
    from decisions.models import ActionPoint
    from portal.clock import network_today

    today = network_today(net.network)
    due = today + timedelta(days=days)
    with network_scope(net.network):
        point = services.action_point_add(
            network=net.network,
            by=net.secretariat,
            text=text,
            owner_organisation=net.organisations[org],
            due_date=max(due, today + timedelta(days=1)),
        )
        # A past due date cannot be given: it is one that has passed since.
        ActionPoint.objects.filter(pk=point.pk).update(due_date=due)
        point.due_date = due
    return point


# --- Workplans and reports ----------------------------------------------------------------


def workplan(net: TestNetwork, *, activities: int = 1, endorse: bool = True, lead: str = "UNDP"):
    """A plan over the years of the last ended quarter, with `activities` activities led by
    `lead` running in every quarter; endorsed by the first co-chair unless `endorse` is off."""
    from workplans.selectors import reporting_quarter
    from workplans.services import (
        ActivityData,
        activity_add,
        outcome_add,
        output_add,
        workplan_create,
        workplan_endorse,
    )

    s = net.secretariat
    with network_scope(net.network):
        year = int(reporting_quarter(net.network)[:4])
        plan = workplan_create(
            network=net.network, by=s, title="Workplan of the network", start_year=year, years=2
        )
        outcome = outcome_add(workplan=plan, by=s, code="1", title="Rights")
        output = output_add(outcome=outcome, by=s, code="1.1", title="Studies")
        made = [
            activity_add(
                output=output,
                by=s,
                data=ActivityData(
                    code=f"1.1.{number}",
                    title=f"Study {number}",
                    lead_organisation=net.organisations[lead],
                    quarters=plan.quarters,
                ),
            )
            for number in range(1, activities + 1)
        ]
        if endorse:
            plan = workplan_endorse(workplan=plan, by=net.co_chair)
    return plan, made


def open_report(net: TestNetwork):
    from common import quarters
    from reports import services

    period = quarters.last_ended_quarter(net.network)
    with network_scope(net.network):
        report, _created = services.report_open(
            network=net.network, by=net.secretariat, year=period.year, quarter=period.quarter
        )
    return report


def sign_report(net: TestNetwork, report, key: str):
    from reports import services

    with network_scope(net.network):
        return services.report_submit(report=report, by=net.people[key])
