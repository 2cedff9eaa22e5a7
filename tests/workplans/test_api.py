"""The workplans API: the same figures as the pages, and the same rule for who reports on
an activity."""

from django.test import Client

from networks.scoping import network_scope
from workplans import services
from workplans.models import ActivityUpdate


def as_(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_plan_with_its_roll_ups_and_coverage(kyrgyzstan, plan):
    rco = as_(kyrgyzstan.rco)
    base = "/api/v1/networks/kyrgyzstan/workplans/"
    [listed] = rco.get(base).json()["results"]
    assert (listed["title"], listed["status"], listed["end_year"]) == (
        "Workplan 2026",
        "endorsed",
        2026,
    )
    detail = rco.get(f"{base}{plan['plan'].pk}/").json()
    assert detail["rollup"] == {
        "activities": 4,
        "by_status": {"on_track": 1, "completed": 1, "cancelled": 1, "delayed": 1},
        "required": "35000.00",
        "available": "16000.00",
        "to_be_mobilised": "19000.00",
        "spent": "8300.00",
        "progress": 53,
    }
    one = detail["outcomes"][0]
    assert [o["code"] for o in one["outputs"]] == ["1.1", "1.2"]
    assert one["outputs"][0]["rollup"]["progress"] == 75
    assert [a["code"] for a in one["outputs"][0]["activities"]] == ["A", "B"]
    coverage = rco.get(f"{base}{plan['plan'].pk}/coverage/").json()
    six = next(row for row in coverage["objectives"] if row["objective"] == 6)
    assert (six["activities"], six["required"], six["spent"], six["completed"]) == (
        2,
        "15000.00",
        "7300.00",
        1,
    )


def test_the_lead_organisation_reports_through_the_api(kyrgyzstan, plan):
    url = f"/api/v1/networks/kyrgyzstan/activities/{plan['a'].pk}/updates/"
    with network_scope(kyrgyzstan.network):
        indicator = plan["a"].indicators.get()
    body = {
        "quarter": "2026-Q4",
        "status": "completed",
        "narrative": "Final training held.",
        "spent_to_date": "5800",
        "actuals": {str(indicator.pk): "10"},
    }
    unhcr = as_(kyrgyzstan.member_unhcr).post(url, body, content_type="application/json")
    assert unhcr.status_code == 403
    assert "lead organisation" in unhcr.json()["error"]["message"]
    assert unhcr.json()["error"]["code"] == "not_allowed"
    undp = as_(kyrgyzstan.member).post(url, body, content_type="application/json")
    assert undp.status_code == 201 and undp.json()["actuals"] == {str(indicator.pk): "10.00"}
    bad = as_(kyrgyzstan.member).post(
        url, {**body, "quarter": "2031-Q1"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "quarter" in bad.json()["error"]["fields"]
    with network_scope(kyrgyzstan.network):
        assert ActivityUpdate.objects.filter(activity=plan["a"]).count() == 3
    activity = as_(kyrgyzstan.rco).get(f"/api/v1/networks/kyrgyzstan/activities/{plan['a'].pk}/")
    data = activity.json()
    assert (data["status"], data["progress"], data["budget_spent"]) == ("completed", 100, "5800.00")
    assert data["updates"][0]["narrative"] == "Final training held."


def test_drafts_are_not_in_the_rcos_api(kyrgyzstan):
    with network_scope(kyrgyzstan.network):
        draft = services.workplan_create(
            network=kyrgyzstan.network,
            by=kyrgyzstan.secretariat,
            title="D",
            start_year=2027,
            years=1,
        )
    rco = as_(kyrgyzstan.rco)
    assert rco.get("/api/v1/networks/kyrgyzstan/workplans/").json()["results"] == []
    assert rco.get(f"/api/v1/networks/kyrgyzstan/workplans/{draft.pk}/").status_code == 404
