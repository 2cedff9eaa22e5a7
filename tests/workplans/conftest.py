"""A hand-built workplan whose figures are worked out by hand in the tests."""

from decimal import Decimal

import pytest

from networks.scoping import network_scope
from reference.models import GCMObjective
from workplans import services
from workplans.models import Activity
from workplans.services import ActivityData

D = Decimal


def activity_data(net, code, lead, **fields) -> ActivityData:
    gcm = fields.pop("gcm", [])
    return ActivityData(
        code=code,
        title=fields.pop("title", f"Activity {code}"),
        lead_organisation=net.organisations[lead],
        gcm_objectives=list(GCMObjective.objects.filter(number__in=gcm)),
        **fields,
    )


def build_plan(net, *, start_year=2026):
    """Outcome 1 (outputs 1.1 and 1.2) and outcome 2 (output 2.1), four activities:

    A 1.1 UNDP on track   required 10,000 available 6,000  GCM 2, 6; indicator 0→10
    B 1.1 IOM  completed  required  5,000 available 5,000  GCM 6
    C 1.2 UNHCR cancelled required  7,000                  GCM 2
    D 2.1 UNDP delayed    required 20,000 available 5,000  no GCM; indicators 10→20, 0→4
    """
    by = net.secretariat
    with network_scope(net.network):
        plan = services.workplan_create(
            network=net.network, by=by, title="Workplan 2026", start_year=start_year, years=1
        )
        one = services.outcome_add(workplan=plan, by=by, code="1", title="Safe migration")
        two = services.outcome_add(workplan=plan, by=by, code="2", title="Evidence")
        out11 = services.output_add(outcome=one, by=by, code="1.1", title="Labour")
        out12 = services.output_add(outcome=one, by=by, code="1.2", title="Protection")
        out21 = services.output_add(outcome=two, by=by, code="2.1", title="Data")
        quarters = [f"{start_year}-Q2", f"{start_year}-Q3"]
        a = services.activity_add(
            output=out11,
            by=by,
            data=activity_data(
                net,
                "A",
                "UNDP",
                budget_required=D("10000"),
                budget_available=D("6000"),
                gcm=[2, 6],
                quarters=quarters,
            ),
        )
        b = services.activity_add(
            output=out11,
            by=by,
            data=activity_data(
                net,
                "B",
                "IOM",
                budget_required=D("5000"),
                budget_available=D("5000"),
                gcm=[6],
                quarters=quarters,
                status=Activity.Status.COMPLETED,
                budget_spent=D("4800"),
            ),
        )
        c = services.activity_add(
            output=out12,
            by=by,
            data=activity_data(
                net,
                "C",
                "UNHCR",
                budget_required=D("7000"),
                gcm=[2],
                quarters=quarters,
                status=Activity.Status.CANCELLED,
            ),
        )
        d = services.activity_add(
            output=out21,
            by=by,
            data=activity_data(
                net,
                "D",
                "UNDP",
                budget_required=D("20000"),
                budget_available=D("5000"),
                quarters=[f"{start_year}-Q3", f"{start_year}-Q4"],
            ),
        )
        a_count = services.indicator_add(activity=a, by=by, name="People trained", target=10)
        d_rate = services.indicator_add(
            activity=d, by=by, name="Coverage", unit="%", baseline=10, target=20
        )
        services.indicator_add(activity=d, by=by, name="Surveys", target=4)
        services.workplan_endorse(workplan=plan, by=net.co_chair)
        member = net.member  # UNDP's focal point
        services.update_record(
            activity=a,
            by=member,
            quarter=f"{start_year}-Q2",
            status="on_track",
            narrative="Two trainings.",
            spent_to_date="1500",
            actuals={a_count.pk: "4"},
        )
        services.update_record(
            activity=a,
            by=member,
            quarter=f"{start_year}-Q3",
            status="on_track",
            narrative="One more training.",
            spent_to_date="2500",
            actuals={a_count.pk: "5"},
        )
        services.update_record(
            activity=d,
            by=member,
            quarter=f"{start_year}-Q3",
            status="delayed",
            narrative="Data sharing agreement pending.",
            spent_to_date="1000",
            actuals={d_rate.pk: "12"},
        )
    return {
        "plan": plan,
        "a": a,
        "b": b,
        "c": c,
        "d": d,
        "one": one,
        "two": two,
        "out11": out11,
        "out12": out12,
        "out21": out21,
    }


@pytest.fixture
def plan(kyrgyzstan):
    return build_plan(kyrgyzstan)
