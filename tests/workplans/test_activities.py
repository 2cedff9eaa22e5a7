"""Who may change an activity and report on it: the lead organisation's focal points, the
secretariat and the co-chairs; drafts are for those who write the plan."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from circulation.models import Circulation, Delivery
from networks.scoping import network_scope
from tests.workplans.conftest import activity_data
from workplans import selectors, services
from workplans.models import Activity, ActivityUpdate, IndicatorActual, Workplan


def url(name, net, **kwargs):
    return reverse(f"workplans:{name}", kwargs={"network": net.network.slug, **kwargs})


def edit_form(activity, **changes):
    data = {
        "code": activity.code,
        "title": activity.title,
        "lead_organisation": activity.lead_organisation_id,
        "status": activity.status,
        "budget_required": "10000",
        "budget_available": "6000",
        "budget_spent": "2500",
        "gender_marker": "2",
        "human_rights_marker": "1",
        "quarters": list(activity.quarters),
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("member", 302),  # UNDP's focal point: UNDP leads A
        ("secretariat", 302),
        ("co_chair", 302),
        ("member_unhcr", 403),  # UNHCR does not lead A
        ("rco", 403),
        ("partner", 403),  # external partners neither see nor change workplans
    ],
)
def test_who_may_change_an_activity(kyrgyzstan, plan, login, key, status):
    activity = plan["a"]
    client = login(kyrgyzstan.people[key])
    response = client.post(
        url("activity-edit", kyrgyzstan, activity_id=activity.pk),
        edit_form(activity, title="Train labour inspectors"),
    )
    assert response.status_code == status
    with network_scope(kyrgyzstan.network):
        title = Activity.objects.get(pk=activity.pk).title
    assert (title == "Train labour inspectors") == (status == 302)


def test_a_member_cannot_hand_the_lead_to_another_organisation(kyrgyzstan, plan):
    activity = plan["a"]
    with network_scope(kyrgyzstan.network):
        data = activity_data(kyrgyzstan, "A", "IOM", quarters=list(activity.quarters))
        with pytest.raises(ValidationError, match="hands an activity to another lead"):
            services.activity_change(activity=activity, by=kyrgyzstan.member, data=data)
        services.activity_change(activity=activity, by=kyrgyzstan.secretariat, data=data)
        assert Activity.objects.get(pk=activity.pk).lead_organisation.acronym == "IOM"


def test_only_the_lead_organisation_reports_progress(kyrgyzstan, plan):
    with network_scope(kyrgyzstan.network):
        with pytest.raises(ValidationError, match="lead organisation.s focal points"):
            services.update_record(
                activity=plan["a"],
                by=kyrgyzstan.member_unhcr,
                quarter="2026-Q3",
                status="delayed",
                narrative="Not ours.",
                spent_to_date="0",
            )
        assert ActivityUpdate.objects.filter(activity=plan["a"]).count() == 2


def test_an_update_sets_status_spending_and_the_quarter_actual(kyrgyzstan, plan, login):
    activity = plan["a"]
    client = login(kyrgyzstan.member)
    with network_scope(kyrgyzstan.network):
        [indicator] = activity.indicators.all()
    response = client.post(
        url("update", kyrgyzstan, activity_id=activity.pk),
        {
            "quarter": "2026-Q3",
            "status": "delayed",
            "narrative": "Trainers fell ill; rescheduled to December.",
            "spent_to_date": "3,100.50",
            f"actual_{indicator.pk}": "6",
        },
    )
    assert response.status_code == 302
    with network_scope(kyrgyzstan.network):
        activity.refresh_from_db()
        assert (activity.status, activity.budget_spent) == ("delayed", Decimal("3100.50"))
        # The latest update of the quarter counts; the earlier one is kept.
        assert IndicatorActual.objects.get(indicator=indicator, quarter="2026-Q3").value == 6
        assert ActivityUpdate.objects.filter(activity=activity, quarter="2026-Q3").count() == 2
    page = client.get(url("activity", kyrgyzstan, activity_id=activity.pk)).content.decode()
    assert "Trainers fell ill" in page and "2026-Q3: 6" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"quarter": "2031-Q1"}, "Select a valid choice"),
        # The plan's quarter, before activity A (2026-Q2, Q3) starts.
        ({"quarter": "2026-Q1"}, "This activity starts in 2026-Q2"),
        ({"narrative": ""}, "This field is required"),
        ({"spent_to_date": "-5"}, "cannot be negative"),
        ({"spent_to_date": "12.345"}, "at most two decimals"),
    ],
)
def test_a_bad_update_is_refused_and_changes_nothing(kyrgyzstan, plan, login, data, message):
    client = login(kyrgyzstan.member)
    form = {"quarter": "2026-Q3", "status": "on_track", "narrative": "x", "spent_to_date": "1"}
    response = client.post(url("update", kyrgyzstan, activity_id=plan["a"].pk), {**form, **data})
    assert response.status_code == 400 and message in response.content.decode()
    with network_scope(kyrgyzstan.network):
        assert ActivityUpdate.objects.count() == 3


def test_drafts_are_hidden_from_the_rco_until_endorsed(kyrgyzstan, login):
    with network_scope(kyrgyzstan.network):
        draft = services.workplan_create(
            network=kyrgyzstan.network,
            by=kyrgyzstan.secretariat,
            title="Draft",
            start_year=2027,
            years=2,
        )
    assert (
        login(kyrgyzstan.rco).get(url("detail", kyrgyzstan, workplan_id=draft.pk)).status_code
        == 404
    )
    assert (
        login(kyrgyzstan.member).get(url("detail", kyrgyzstan, workplan_id=draft.pk)).status_code
        == 200
    )


def test_endorsing_keeps_the_baseline_and_needs_a_co_chair(kyrgyzstan, login):
    with network_scope(kyrgyzstan.network):
        plan = services.workplan_create(
            network=kyrgyzstan.network,
            by=kyrgyzstan.secretariat,
            title="P",
            start_year=2027,
            years=1,
        )
        with pytest.raises(ValidationError, match="at least one activity"):
            services.workplan_endorse(workplan=plan, by=kyrgyzstan.co_chair)
        outcome = services.outcome_add(
            workplan=plan, by=kyrgyzstan.secretariat, code="1", title="O"
        )
        output = services.output_add(
            outcome=outcome, by=kyrgyzstan.secretariat, code="1.1", title="P"
        )
        services.activity_add(
            output=output,
            by=kyrgyzstan.secretariat,
            data=activity_data(kyrgyzstan, "1.1.1", "IOM", budget_required=Decimal("900"), gcm=[1]),
        )
    assert (
        login(kyrgyzstan.secretariat)
        .post(url("endorse", kyrgyzstan, workplan_id=plan.pk))
        .status_code
        == 403
    )
    co_chair = login(kyrgyzstan.co_chair)
    # The endorse form carries the SHA-256 of the plan as the co-chair read it.
    page = co_chair.get(url("detail", kyrgyzstan, workplan_id=plan.pk)).content.decode()
    [seen] = re.findall(r'name="content_sha256" value="([0-9a-f]{64})"', page)
    assert (
        co_chair.post(
            url("endorse", kyrgyzstan, workplan_id=plan.pk), {"content_sha256": seen}
        ).status_code
        == 302
    )
    with network_scope(kyrgyzstan.network):
        plan.refresh_from_db()
    assert plan.status == Workplan.Status.ENDORSED and plan.endorsed_by == kyrgyzstan.co_chair
    [activity] = plan.baseline["outcomes"][0]["outputs"][0]["activities"]
    assert (activity["code"], activity["budget_required"], activity["gcm"]) == (
        "1.1.1",
        "900.00",
        [1],
    )


def test_missing_updates_are_listed_and_chased_once(kyrgyzstan, plan, login):
    with network_scope(kyrgyzstan.network):
        missing = selectors.missing_updates(plan["plan"], "2026-Q3")
    # A and D have Q3 updates; B (IOM) runs in Q3 and has none; C is cancelled.
    assert [a.code for a in missing] == ["B"]
    client = login(kyrgyzstan.secretariat)
    page = client.get(
        url("missing", kyrgyzstan, workplan_id=plan["plan"].pk), {"quarter": "2026-Q3"}
    )
    assert "1 activity has no update for 2026-Q3" in page.content.decode()
    response = client.post(
        url("missing", kyrgyzstan, workplan_id=plan["plan"].pk), {"quarter": "2026-Q3"}, follow=True
    )
    assert "organisation are reminded" in response.content.decode()
    with network_scope(kyrgyzstan.network):
        [mailing] = Circulation.objects.filter(kind=Circulation.Kind.REMINDER)
        addresses = set(
            Delivery.objects.filter(circulation=mailing).values_list("address", flat=True)
        )
    # IOM's secretariat officer and IOM's co-chair speak for IOM.
    assert addresses == {kyrgyzstan.secretariat.email, kyrgyzstan.co_chair2.email}
    assert "B Activity B" in str(mailing.rendered)
    again = client.post(
        url("missing", kyrgyzstan, workplan_id=plan["plan"].pk), {"quarter": "2026-Q3"}, follow=True
    )
    assert "less than an hour ago" in again.content.decode()
    with network_scope(kyrgyzstan.network):
        assert Circulation.objects.filter(kind=Circulation.Kind.REMINDER).count() == 1


def test_the_activity_page_shows_what_was_endorsed(kyrgyzstan, plan, login):
    activity = plan["a"]
    with network_scope(kyrgyzstan.network):
        data = activity_data(
            kyrgyzstan, "A", "UNDP", budget_required=Decimal("12000"), quarters=["2026-Q4"]
        )
        services.activity_change(activity=activity, by=kyrgyzstan.secretariat, data=data)
    page = login(kyrgyzstan.member).get(url("activity", kyrgyzstan, activity_id=activity.pk))
    text = page.content.decode()
    assert (
        "As endorsed: required 10000.00 USD, available 6000.00 USD, running in 2026-Q2, 2026-Q3."
        in text
    )
    assert "12,000.00 USD" in text
