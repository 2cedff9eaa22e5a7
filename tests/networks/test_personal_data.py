"""People's names and email addresses only for the roles the permission table allows
(Action.PEOPLE_CONTACT_VIEW): a regional viewer reads organisations in activities, workplans
and reports, never who wrote, endorsed or submitted them; an external partner reads the
organisations, not the people, in the minutes' attendance and sign-offs, a document's page
and a working group's members (the pages ask networks.templatetags.portal.shows_person)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents import services as documents
from documents.models import DocumentVersion
from meetings import services as meetings
from meetings.models import MinutesVersion
from networks.models import RegionalViewer, WorkingGroup, WorkingGroupMember
from networks.roles import PERMISSIONS, Action, Role
from networks.scoping import network_scope
from tests.documents.files import pdf, upload
from tests.factories import person
from tests.meetings.conftest import add_items, schedule
from tests.meetings.test_minutes import written
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


def assert_nobody_named(text: str, people, where: str) -> None:
    for who in people:
        assert who.email not in text, (where, who.email)
        assert who.full_name not in text, (where, who.full_name)


@pytest.fixture
def extended_minutes(kyrgyzstan):
    """An extended meeting held yesterday, the partner and the member attending; its minutes
    submitted for comments, the member's comment on them, one co-chair's approval."""
    net = kyrgyzstan
    meeting = schedule(
        net, title="Extended meeting", kind="extended", start=timezone.now() - timedelta(days=1)
    )
    add_items(net, meeting, "Labour migration study")
    with network_scope(net.network):
        meetings.participant_invite(meeting=meeting, by=net.co_chair, user=net.partner)
        for user in (net.partner, net.member):
            meetings.rsvp(meeting=meeting, user=user, answer="accepted")
    minutes = written(net, meeting)  # started, with one item written
    with network_scope(net.network):
        meetings.minutes_submit(
            minutes=minutes, by=net.secretariat, comment_deadline=timezone.now() + timedelta(days=3)
        )
        meetings.minutes_comment(minutes=minutes, by=net.member, text="UNDP offers support.")
        version = MinutesVersion.objects.get(minutes=minutes)
        meetings.minutes_approve(
            minutes=minutes, by=net.co_chair, content_sha256=version.content_sha256
        )
    return meeting, minutes, version


def minutes_page(client, meeting):
    response = client.get(
        reverse("meetings:minutes", kwargs={"network": "kyrgyzstan", "meeting_id": meeting.pk})
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_partner_reads_the_minutes_attendance_and_sign_offs_without_people(
    kyrgyzstan, extended_minutes
):
    meeting, minutes, version = extended_minutes
    net = kyrgyzstan
    others = (net.member, net.secretariat, net.co_chair, net.co_chair2, net.member_unhcr)
    # Submitted, open for comments: the partner, an attendee, reads the version.
    pending = minutes_page(as_(net.partner), meeting)
    assert "Send my comment" in pending and "awaiting approval" in pending
    assert_nobody_named(pending, others, "submitted minutes")
    assert "Submitted by the secretariat" in pending and "Approved by a co-chair" in pending
    assert "UNDP offers support." not in pending  # comments: the secretariat and co-chairs
    assert "United Nations Development Programme" in pending  # the attendance's organisations
    assert net.partner.full_name in pending  # one's own row is not hidden
    # The network's own people read who attended, commented and signed.
    co_chair_page = minutes_page(as_(net.co_chair2), meeting)
    assert net.member.full_name in co_chair_page and "UNDP offers support." in co_chair_page
    assert net.co_chair.full_name in co_chair_page
    # Approved: the same on the approved version.
    with network_scope(net.network):
        meetings.minutes_approve(
            minutes=minutes, by=net.co_chair2, content_sha256=version.content_sha256
        )
    approved = minutes_page(as_(net.partner), meeting)
    assert "Approved minutes (version 1)" in approved
    assert_nobody_named(approved, others, "approved minutes")
    assert "United Nations Development Programme" in approved
    assert net.member.full_name in minutes_page(as_(net.rco), meeting)


def test_a_document_page_names_nobody_to_a_partner_or_a_regional_viewer(kyrgyzstan, eca):
    net = kyrgyzstan
    with network_scope(net.network):
        shared = documents.document_upload(
            network=net.network,
            by=net.secretariat,
            title="Shared study",
            file=upload("shared.pdf", pdf("Shared")),
            confidentiality="partners",
        )
        public = documents.document_upload(
            network=net.network,
            by=net.secretariat,
            title="Public study",
            file=upload("public.pdf", pdf("Public")),
            confidentiality="public",
            public_agreement="Agreed at the Q2 meeting",
        )
        for document in (shared, public):
            version = DocumentVersion.objects.get(document=document)
            documents.document_read(
                version=version, user=net.member, organisation=net.organisations["UNDP"]
            )

    def page(user, document):
        url = reverse(
            "documents:detail", kwargs={"network": "kyrgyzstan", "document_id": document.pk}
        )
        response = as_(user).get(url)
        assert response.status_code == 200, (user, document)
        return response.content.decode()

    for user, document in ((net.partner, shared), (regional_viewer(eca), public)):
        text = page(user, document)
        assert "Who has read it" not in text
        assert_nobody_named(text, (net.secretariat, net.member), document.title)
    # The secretariat reads who uploaded it and who read it.
    own = page(net.secretariat, shared)
    assert "Who has read it" in own and net.member.full_name in own


def test_a_partner_reads_a_working_groups_organisations_not_its_people(kyrgyzstan, eca):
    net = kyrgyzstan
    with network_scope(net.network):
        group = WorkingGroup.objects.create(network=net.network, name="Return and reintegration")
        for user in (net.partner, net.member, net.member_unhcr):
            WorkingGroupMember.objects.create(network=net.network, working_group=group, user=user)
    url = reverse("networks:working-group-detail", kwargs={"network": "kyrgyzstan", "pk": group.pk})
    response = as_(net.partner).get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert_nobody_named(text, (net.member, net.member_unhcr), "working group")
    assert "United Nations Development Programme" in text and "UN High Commissioner" in text
    assert net.partner.full_name in text
    assert net.member_unhcr.full_name in as_(net.member).get(url).content.decode()
    # A regional viewer sees no working group at all.
    refused = as_(regional_viewer(eca)).get(url)
    assert refused.status_code in (403, 404)
    assert_nobody_named(refused.content.decode(), (net.member, net.partner), "refused")
