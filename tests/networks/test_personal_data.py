"""People's names and email addresses only for the roles the permission table allows
(Action.PEOPLE_CONTACT_VIEW): a regional viewer reads organisations in activities, workplans
and reports, never who wrote, endorsed or submitted them."""

from django.test import Client

from networks.models import RegionalViewer
from networks.roles import PERMISSIONS, Action, Role
from networks.scoping import network_scope
from tests.factories import person
from tests.reports import conftest as reports
from tests.workplans.conftest import build_plan

q3 = reports.q3  # the fixture: the draft report of 2026-Q3 in Kyrgyzstan
KG = "/n/kyrgyzstan"
API = "/api/v1/networks/kyrgyzstan"


def as_(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def regional_viewer(eca):
    viewer = person("analyst@dcoeca.test")
    RegionalViewer.objects.create(user=viewer, region=eca)
    return viewer


def test_the_table_lets_partners_and_regional_viewers_see_organisations_only():
    allowed = PERMISSIONS[Action.PEOPLE_CONTACT_VIEW]
    assert Role.EXTERNAL_PARTNER not in allowed and Role.REGIONAL_VIEWER not in allowed
    assert {Role.SECRETARIAT, Role.CO_CHAIR, Role.MEMBER, Role.RCO_REPORTER} <= allowed


def test_a_regional_viewer_reads_activities_and_workplans_without_people(kyrgyzstan, eca):
    plan = build_plan(kyrgyzstan)
    workplan, activity = plan["plan"], plan["a"]
    member, co_chair = kyrgyzstan.member, kyrgyzstan.co_chair
    viewer = as_(regional_viewer(eca))
    pages = {
        "activity page": viewer.get(f"{KG}/workplans/activities/{activity.pk}/"),
        "workplan page": viewer.get(f"{KG}/workplans/{workplan.pk}/"),
        "activity API": viewer.get(f"{API}/activities/{activity.pk}/"),
        "workplan API": viewer.get(f"{API}/workplans/{workplan.pk}/"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = response.content.decode()
        for who in (member, co_chair):
            assert who.email not in text, (name, who.email)
            assert who.full_name not in text, (name, who.full_name)
    assert "UNDP" in pages["activity page"].content.decode()  # the organisation stays
    updates = pages["activity API"].json()["updates"]
    assert updates and all(update["written_by"] is None for update in updates)
    # The network's own people still read who wrote the update and who endorsed.
    rco = as_(kyrgyzstan.rco)
    assert member.full_name in rco.get(f"{KG}/workplans/activities/{activity.pk}/").content.decode()
    assert co_chair.full_name in rco.get(f"{KG}/workplans/{workplan.pk}/").content.decode()
    assert member.email in {
        u["written_by"] for u in rco.get(f"{API}/activities/{activity.pk}/").json()["updates"]
    }


def test_a_regional_viewer_reads_a_submitted_report_without_who_submitted_it(q3, kyrgyzstan, eca):
    _expected, report = q3
    reports.submit(kyrgyzstan, report)
    with network_scope(kyrgyzstan.network):
        submitter = report.versions.get(number=1).submitted_by_name
    assert submitter
    viewer = as_(regional_viewer(eca))
    page = viewer.get(f"{KG}/reports/{report.pk}/")
    assert page.status_code == 200
    assert submitter not in page.content.decode()
    api = viewer.get(f"{API}/reports/{report.pk}/versions/1/")
    assert api.status_code == 200
    body = api.json()
    assert body["submitted_by"] is None
    assert all(version["submitted_by"] is None for version in body["versions"])
    assert submitter not in api.content.decode()
    own = as_(kyrgyzstan.secretariat).get(f"{API}/reports/{report.pk}/versions/1/").json()
    assert own["submitted_by"] == submitter
