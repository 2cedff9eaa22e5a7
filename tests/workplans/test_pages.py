"""Workplan pages run a fixed number of queries whatever the size of the plan (5 or 300
activities), and show what each person may do."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from networks.scoping import network_scope
from reference.models import GCMObjective
from workplans import services
from workplans.models import Activity, ActivityUpdate, Indicator, IndicatorActual


def grow(net, plan, count):
    """`count` more activities under output 1.1, each tagged, with an indicator and a Q3
    update, as bulk rows."""
    with network_scope(net.network):
        output = plan["out11"]
        objectives = list(GCMObjective.objects.all())
        activities = Activity.objects.bulk_create(
            Activity(
                network=net.network,
                workplan=plan["plan"],
                output=output,
                code=f"X{n}",
                title=f"Activity {n}",
                lead_organisation=net.organisations["UNDP" if n % 2 else "IOM"],
                quarters=["2026-Q3"],
                status="on_track",
                budget_required=Decimal(1000 + n),
                position=10 + n,
            )
            for n in range(count)
        )
        Through = Activity.gcm_objectives.through
        Through.objects.bulk_create(
            Through(activity_id=a.pk, gcmobjective_id=objectives[n % 23].pk)
            for n, a in enumerate(activities)
        )
        Activity.participating_organisations.through.objects.bulk_create(
            Activity.participating_organisations.through(
                activity_id=a.pk, organisation_id=net.organisations["UNHCR"].pk
            )
            for a in activities
        )
        indicators = Indicator.objects.bulk_create(
            Indicator(network=net.network, activity=a, name="Count", target=10) for a in activities
        )
        updates = ActivityUpdate.objects.bulk_create(
            ActivityUpdate(
                network=net.network,
                activity=a,
                quarter="2026-Q3",
                status="on_track",
                narrative="ok",
                spent_to_date=0,
            )
            for a in activities
        )
        IndicatorActual.objects.bulk_create(
            IndicatorActual(network=net.network, indicator=i, quarter="2026-Q3", value=3, update=u)
            for i, u in zip(indicators, updates, strict=True)
        )


PAGES = ["detail", "coverage", "missing", "export-xlsx", "export-csv", "list"]


def count(client, url):
    client.get(url)  # the first request of a session also touches the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", PAGES)
def test_pages_run_the_same_queries_for_5_and_300_activities(kyrgyzstan, plan, login, page):
    client = login(kyrgyzstan.secretariat)
    kwargs = {"network": kyrgyzstan.network.slug}
    if page != "list":
        kwargs["workplan_id"] = plan["plan"].pk
    url = reverse(f"workplans:{page}", kwargs=kwargs)
    small = count(client, url)
    grow(kyrgyzstan, plan, 296)
    assert count(client, url) == small


def test_activity_page_runs_fixed_queries(kyrgyzstan, plan, login):
    client = login(kyrgyzstan.member)
    url = reverse(
        "workplans:activity",
        kwargs={"network": kyrgyzstan.network.slug, "activity_id": plan["a"].pk},
    )
    small = count(client, url)
    with network_scope(kyrgyzstan.network):
        for n in range(5):
            services.update_record(
                activity=plan["a"],
                by=kyrgyzstan.member,
                quarter="2026-Q3",
                status="on_track",
                narrative=f"Update {n}",
                spent_to_date="10",
            )
            services.indicator_add(activity=plan["a"], by=kyrgyzstan.member, name=f"I{n}", target=5)
    assert count(client, url) == small


def test_the_lead_organisation_sees_report_and_change_buttons(kyrgyzstan, plan, login):
    url = reverse(
        "workplans:activity",
        kwargs={"network": kyrgyzstan.network.slug, "activity_id": plan["a"].pk},
    )
    undp = login(kyrgyzstan.member).get(url).content.decode()
    assert "Report progress for" in undp and "Change the activity" in undp
    unhcr = login(kyrgyzstan.member_unhcr).get(url).content.decode()
    assert "Report progress for" not in unhcr and "Change the activity" not in unhcr
