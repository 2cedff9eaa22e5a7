import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from networks.models import Membership, Network, RegionalViewer, WorkingGroup, WorkingGroupMember
from networks.scoping import network_scope, scopes_disabled
from tests.factories import build_network, person
from tests.helpers import without_csrf

HOME = reverse("networks:home", kwargs={"network": "kyrgyzstan"})


def test_landing_lists_my_networks_with_my_roles(kyrgyzstan, mongolia, login):
    page = login(kyrgyzstan.member).get("/").content.decode()
    assert kyrgyzstan.network.name in page
    assert mongolia.network.name not in page
    assert "Member focal point" in page


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_network_home_shows_the_member_list_by_participation(kyrgyzstan, login):
    page = login(kyrgyzstan.member).get(HOME).content.decode()
    assert "Member list" in page
    assert "United Nations Development Programme" in page
    assert kyrgyzstan.co_chair.email in page
    assert "National authority" in page  # the authority is marked
    assert "External partners" in page


def test_regional_viewer_sees_the_network_but_not_its_people(kyrgyzstan, eca, client):
    viewer = person("regional@example.org")
    RegionalViewer.objects.create(user=viewer, region=eca)
    client.force_login(viewer)
    page = client.get(HOME)
    assert page.status_code == 200
    assert "Member list" not in page.content.decode()
    assert kyrgyzstan.member.email not in page.content.decode()
    assert (
        client.get(reverse("networks:members-csv", kwargs={"network": "kyrgyzstan"})).status_code
        == 403
    )


def test_external_partner_sees_no_member_list(kyrgyzstan, login):
    page = login(kyrgyzstan.partner).get(HOME).content.decode()
    assert "Member list" not in page


def test_designation_footnote_on_every_page_of_the_network(db, login):
    with scopes_disabled():
        kosovo = build_network("kosovo", code="KOS", time_zone="Europe/Belgrade")
    Network.objects.filter(pk=kosovo.network.pk).update(
        designation_footnote="References to Kosovo shall be understood to be in the context of "
        "United Nations Security Council resolution 1244 (1999)."
    )
    client = login(kosovo.secretariat)
    for name in ("home", "working-group-list", "invite"):
        page = client.get(reverse(f"networks:{name}", kwargs={"network": "kosovo"}))
        assert "resolution 1244 (1999)" in page.content.decode(), name


def test_the_secretariat_ends_a_membership_with_a_reason_and_history_is_kept(kyrgyzstan, login):
    client = login(kyrgyzstan.secretariat)
    with network_scope(kyrgyzstan.network):
        membership = Membership.objects.get(user=kyrgyzstan.member)
    url = reverse(
        "networks:membership-end", kwargs={"network": "kyrgyzstan", "membership_id": membership.pk}
    )
    assert client.post(url, {"reason": "Left UNDP"}).status_code == 302
    with network_scope(kyrgyzstan.network):
        membership.refresh_from_db()
    assert membership.ended_at is not None and membership.end_reason == "Left UNDP"
    again = client.post(url, {"reason": "twice"})
    assert again.status_code == 200
    assert "already ended" in again.content.decode()
    with network_scope(kyrgyzstan.network):
        membership.refresh_from_db()
    assert membership.end_reason == "Left UNDP"


def test_a_member_cannot_end_memberships(kyrgyzstan, login):
    with network_scope(kyrgyzstan.network):
        membership = Membership.objects.get(user=kyrgyzstan.co_chair)
    url = reverse(
        "networks:membership-end", kwargs={"network": "kyrgyzstan", "membership_id": membership.pk}
    )
    assert login(kyrgyzstan.member).post(url).status_code == 403


def test_external_partners_see_only_their_working_groups(kyrgyzstan, login):
    with network_scope(kyrgyzstan.network):
        mine = WorkingGroup.objects.create(
            network=kyrgyzstan.network, name="Return and reintegration"
        )
        WorkingGroup.objects.create(network=kyrgyzstan.network, name="Internal coordination")
        WorkingGroupMember.objects.create(
            network=kyrgyzstan.network, working_group=mine, user=kyrgyzstan.partner
        )
    page = login(kyrgyzstan.partner).get(
        reverse("networks:working-group-list", kwargs={"network": "kyrgyzstan"})
    )
    text = page.content.decode()
    assert "Return and reintegration" in text and "Internal coordination" not in text


def test_unknown_network_and_someone_elses_network_give_the_same_404(kyrgyzstan, mongolia, login):
    client = login(mongolia.member)
    theirs = client.get(HOME)
    missing = client.get("/n/atlantis/")
    assert theirs.status_code == missing.status_code == 404
    assert without_csrf(theirs.content) == without_csrf(missing.content)
    assert b"Kyrgyz" not in theirs.content


class TestExports:
    def test_csv_lists_every_organisation_and_focal_point(self, kyrgyzstan, login):
        response = login(kyrgyzstan.member).get(
            reverse("networks:members-csv", kwargs={"network": "kyrgyzstan"})
        )
        assert response["Content-Disposition"].startswith(
            'attachment; filename="members-kyrgyzstan-'
        )
        assert response["Cache-Control"] == "private, no-store"
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["Organisation", "Acronym", "Participation"]
        emails = {row[6] for row in rows[1:]}
        assert kyrgyzstan.secretariat.email in emails and kyrgyzstan.partner.email in emails
        authority = [row for row in rows if row[1] == "MLSM"][0]
        assert authority[2] == "External partner" and authority[3] == "yes"

    def test_pdf_holds_the_organisations(self, kyrgyzstan, login):
        response = login(kyrgyzstan.member).get(
            reverse("networks:members-pdf", kwargs={"network": "kyrgyzstan"})
        )
        assert response["Content-Type"] == "application/pdf"
        text = " ".join(
            " ".join(page.extract_text().split())
            for page in PdfReader(io.BytesIO(response.content)).pages
        )
        assert "United Nations Development Programme" in text
        assert "Internal — not for distribution" in text

    def test_csv_speaks_russian_when_asked(self, kyrgyzstan, login):
        client = login(kyrgyzstan.member)
        response = client.get(
            reverse("networks:members-csv", kwargs={"network": "kyrgyzstan"}),
            HTTP_ACCEPT_LANGUAGE="ru",
        )
        header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert header[0] == "Организация"


def _count(client, url):
    client.get(url)  # the first request of a session writes its own bookkeeping
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/", HOME])
def test_pages_run_the_same_number_of_queries_at_4_and_100_networks(
    kyrgyzstan, mongolia, client, url
):
    me = kyrgyzstan.secretariat
    with scopes_disabled():
        for index in range(2):
            extra = build_network(f"extra-{index}", code=f"X{index:02d}")
            Membership.objects.create(
                network=extra.network,
                user=me,
                organisation=extra.organisations["IOM"],
                role="member",
            )
    client.force_login(me)
    at_4 = _count(client, url)
    with scopes_disabled():
        for index in range(2, 98):
            extra = build_network(f"extra-{index}", code=f"X{index:02d}")
            Membership.objects.create(
                network=extra.network,
                user=me,
                organisation=extra.organisations["IOM"],
                role="member",
            )
    assert Network.objects.count() == 100
    assert _count(client, url) == at_4


@pytest.mark.parametrize("value", ["mongolia", "кыргызстан", "../admin", "", "a" * 500])
def test_the_network_switcher_never_fails(kyrgyzstan, login, value):
    response = login(kyrgyzstan.member).get(reverse("switch-network"), {"network": value})
    assert response.status_code == 302
