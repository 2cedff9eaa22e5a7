"""Report pages and files run a fixed number of queries whatever the size of the network's
history, and are labelled for people using assistive technology."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.models import ActionPoint, Decision
from meetings.models import Attendance, Meeting, Minutes
from networks.scoping import network_scope
from tests.reports.conftest import submit, utc

BASE = "/n/kyrgyzstan/reports"


def grow(net, count):
    """`count` more held meetings with attendance, decisions and action points in 2026-Q3."""
    with network_scope(net.network):
        for n in range(count):
            start = utc(2026, 7, 2, 6) + dt.timedelta(days=n % 80, minutes=n)
            meeting = Meeting.objects.create(
                network=net.network,
                title=f"Meeting {n}",
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
            )
            minutes = Minutes.objects.create(network=net.network, meeting=meeting)
            Attendance.objects.create(
                network=net.network,
                minutes=minutes,
                user=net.member,
                organisation=net.organisations["UNDP"],
                status="present",
            )
            Decision.objects.create(
                network=net.network,
                title=f"Decision {n}",
                text=".",
                status="adopted",
                adopted_at=start,
            )
            point = ActionPoint.objects.create(
                network=net.network,
                text=f"Point {n}",
                due_date=dt.date(2026, 8, 1),
                owner_organisation=net.organisations["UNHCR" if n % 2 else "IOM"],
            )
            ActionPoint.objects.filter(pk=point.pk).update(created_at=start)


def count(client, url):
    client.get(url)  # the first request of a session also touches the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", ["list", "draft", "submitted", "version", "csv", "xlsx"])
def test_report_pages_run_a_fixed_number_of_queries(page, q3, kyrgyzstan, client):
    _expected, report = q3
    if page != "draft":
        submit(kyrgyzstan, report)
    url = {
        "list": f"{BASE}/",
        "draft": f"{BASE}/{report.pk}/",
        "submitted": f"{BASE}/{report.pk}/",
        "version": f"{BASE}/{report.pk}/v1/",
        "csv": f"{BASE}/{report.pk}/v1/report.csv",
        "xlsx": f"{BASE}/{report.pk}/v1/report.xlsx",
    }[page]
    client.force_login(kyrgyzstan.co_chair)
    few = count(client, url)
    grow(kyrgyzstan, 30)
    if page == "submitted":
        submit(kyrgyzstan, report, reason="More meetings were recorded.")
    assert count(client, url) == few


def test_the_report_page_is_labelled(q3, kyrgyzstan, client):
    _expected, report = q3
    submit(kyrgyzstan, report)
    client.force_login(kyrgyzstan.secretariat)
    page = client.get(f"{BASE}/{report.pk}/").content.decode()
    assert page.count("<h1>") == 1
    assert '<th scope="col">' in page and '<th scope="row">' in page
    assert '<label for="id_narrative">' in page
    assert 'role="img"' in page and "<title>Workplan activities by status</title>" in page
