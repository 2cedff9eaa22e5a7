"""The audit trail's page, CSV and API for the secretariat and the co-chairs of the network,
and the operators' security events: filters, a fixed number of queries, ISO 8601 times."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.chain import record
from audit.models import AuditEvent
from portal.clock import network_today
from tests.factories import person


def add(net, n: int, *, event="minutes.approve", by=None, organisation=None) -> None:
    with transaction.atomic():
        for _ in range(n):
            record(
                kind=AuditEvent.Kind.STEP,
                event=event,
                network_id=net.network.pk,
                user_id=(by or net.co_chair).pk,
                organisation_id=(organisation or net.organisations["RCO"]).pk,
                object_type="meetings.minutes",
                object_id="7",
                label="Q3 meeting",
                summary={"before": "submitted", "leads_to": "approved"},
            )


def trail(net) -> str:
    return reverse("audit:trail", args=[net.network.slug])


def shown(response) -> list[AuditEvent]:
    return list(response.context["page"].object_list)


def test_the_secretariat_filters_by_person_organisation_step_object_and_date(kyrgyzstan, client):
    net = kyrgyzstan
    add(net, 2, event="minutes.approve", by=net.co_chair, organisation=net.organisations["RCO"])
    add(net, 1, event="agenda.submit", by=net.secretariat, organisation=net.organisations["IOM"])
    client.force_login(net.secretariat)

    page = client.get(trail(net), {"person": net.secretariat.pk})
    assert page.status_code == 200
    assert {e.user_id for e in shown(page)} == {net.secretariat.pk}

    page = client.get(trail(net), {"organisation": net.organisations["RCO"].pk})
    assert {e.event for e in shown(page)} == {"minutes.approve"}

    page = client.get(trail(net), {"step": "agenda.submit"})
    assert [e.event for e in shown(page)] == ["agenda.submit"]
    page = client.get(trail(net), {"step": "minutes"})  # every step of the minutes
    assert {e.event for e in shown(page)} == {"minutes.approve"}

    page = client.get(trail(net), {"object_type": "meetings.minutes", "object_id": "7"})
    assert len(shown(page)) == 3

    today = network_today(net.network)
    page = client.get(trail(net), {"since": today.isoformat(), "until": today.isoformat()})
    assert len(shown(page)) >= 3
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert shown(client.get(trail(net), {"since": tomorrow})) == []
    assert "Q3 meeting" in page.content.decode()


def test_a_filter_it_cannot_read_is_a_400_with_its_message(kyrgyzstan, client):
    client.force_login(kyrgyzstan.secretariat)
    response = client.get(trail(kyrgyzstan), {"since": "last tuesday"})
    assert response.status_code == 400
    assert shown(response) == []
    assert client.get(trail(kyrgyzstan), {"person": "abc"}).status_code == 400


def test_the_page_takes_the_same_number_of_queries_for_5_or_40_events(kyrgyzstan, client):
    net = kyrgyzstan
    client.force_login(net.co_chair)
    add(net, 5)
    client.get(trail(net))  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(trail(net)).status_code == 200
    add(net, 35, by=net.secretariat, organisation=net.organisations["IOM"])
    with CaptureQueriesContext(connection) as many:
        assert len(shown(client.get(trail(net)))) >= 40
    assert len(many) == len(few)


def test_members_may_not_see_the_trail_and_another_network_gets_404(kyrgyzstan, mongolia, client):
    client.force_login(kyrgyzstan.member)
    assert client.get(trail(kyrgyzstan)).status_code == 403
    client.force_login(mongolia.secretariat)
    assert client.get(trail(kyrgyzstan)).status_code == 404


def test_the_page_shows_the_networks_own_events_only(kyrgyzstan, mongolia, client):
    add(mongolia, 1, event="report.submit", by=mongolia.co_chair)
    client.force_login(kyrgyzstan.secretariat)  # also a sign-in: the platform's chain
    events = shown(client.get(trail(kyrgyzstan)))
    assert all(e.network_id == kyrgyzstan.network.pk for e in events)
    assert "report.submit" not in {e.event for e in events}


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_has_the_filtered_rows_with_iso_8601_times_and_the_networks_offset(
    kyrgyzstan, client
):
    net = kyrgyzstan
    add(net, 2, event="minutes.approve")
    add(net, 1, event="agenda.submit", by=net.secretariat)
    client.force_login(net.secretariat)
    response = client.get(reverse("audit:csv", args=[net.network.slug]), {"step": "minutes"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = read_csv(response)
    assert header[:2] == ["When", "Step"]
    assert len(rows) == 2 and {row[1] for row in rows} == {"minutes.approve"}
    # Bishkek: UTC+6, always.
    assert rows[0][0].endswith("+06:00") and "T" in rows[0][0]
    assert rows[0][3] == net.co_chair.get_full_name()


def test_the_api_lists_the_networks_trail_with_its_filters(kyrgyzstan, client):
    net = kyrgyzstan
    add(net, 2, event="minutes.approve")
    add(net, 1, event="agenda.submit", by=net.secretariat)
    client.force_login(net.co_chair)
    url = f"/api/v1/networks/{net.network.slug}/audit/"
    body = client.get(url, {"step": "agenda.submit"}).json()
    assert [(r["step"], r["person"]) for r in body["results"]] == [
        ("agenda.submit", net.secretariat.pk)
    ]
    assert body["results"][0]["at"].endswith("+06:00")
    assert client.get(url, {"since": "soon"}).status_code == 400
    client.force_login(net.member)
    assert client.get(url).status_code == 403


# --- The operators ------------------------------------------------------------------------


@pytest.fixture
def operator(db):
    return person("operator@un.test", is_staff=True, is_superuser=True)


def test_operators_see_security_events_and_no_networks_steps(kyrgyzstan, operator, client):
    add(kyrgyzstan, 1, event="minutes.approve")
    client.post(reverse("account_login"), {"login": kyrgyzstan.member.email, "password": "no"})
    client.force_login(operator)
    page = client.get(reverse("admin:audit_securityevent_changelist"))
    assert page.status_code == 200
    listed = list(page.context["cl"].result_list)
    assert {e.event for e in listed} >= {"signin.failed", "signin"}
    assert all(e.kind == AuditEvent.Kind.SECURITY and e.network_id is None for e in listed)
    filtered = client.get(
        reverse("admin:audit_securityevent_changelist"), {"step": "signin.failed"}
    )
    assert {e.event for e in filtered.context["cl"].result_list} == {"signin.failed"}


def test_operators_export_the_filtered_security_events_as_csv_in_utc(kyrgyzstan, operator, client):
    client.post(reverse("account_login"), {"login": kyrgyzstan.member.email, "password": "no"})
    client.force_login(operator)
    response = client.get(reverse("admin:audit_securityevent_csv"), {"step": "signin.failed"})
    assert response.status_code == 200
    _header, *rows = read_csv(response)
    assert [row[1] for row in rows] == ["signin.failed"]
    assert rows[0][0].endswith("+00:00")


def test_the_operators_list_takes_the_same_number_of_queries_for_few_or_many(
    kyrgyzstan, operator, client
):
    client.force_login(operator)
    url = reverse("admin:audit_securityevent_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for key in ("member", "co_chair", "secretariat", "rco", "partner"):
        client.force_login(kyrgyzstan.people[key])
    client.force_login(operator)
    client.get(url)  # the new session's first request writes it
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).context["cl"].result_list) >= 7
    assert len(many) == len(few), [q["sql"][:150] for q in many.captured_queries]


def test_a_member_of_staff_without_the_permission_cannot_open_the_security_events(db, client):
    clerk = person("clerk@un.test", is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse("admin:audit_securityevent_changelist")).status_code == 403
    assert client.get(reverse("admin:audit_securityevent_csv")).status_code == 403
