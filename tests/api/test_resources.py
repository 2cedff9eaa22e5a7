"""What the API shows: the caller, their networks, and in a network its organisations,
members and working groups, each to the roles the permission table allows."""

import pytest

from networks import services
from networks.models import RegionalViewer
from tests.api.helpers import KG, membership, working_group
from tests.factories import person


def test_me_is_the_caller_with_their_networks_and_roles(kyrgyzstan, mongolia, api):
    both = kyrgyzstan.co_chair2
    services.membership_start(
        network=mongolia.network,
        user=both,
        organisation=mongolia.organisations["IOM"],
        role="member",
    )
    body = api(both).get("/api/v1/me/").json()
    assert body == {
        "email": both.email,
        "full_name": both.full_name,
        "language": "en",
        "time_zone": "",
        "networks": [
            {"slug": "kyrgyzstan", "name": kyrgyzstan.network.name, "roles": ["co_chair"]},
            {"slug": "mongolia", "name": mongolia.network.name, "roles": ["member"]},
        ],
    }


def test_a_regional_viewer_sees_the_networks_of_the_region(kyrgyzstan, mongolia, eca, api):
    viewer = person("regional@example.test")
    RegionalViewer.objects.create(user=viewer, region=eca)
    client = api(viewer)
    assert client.get("/api/v1/me/").json()["networks"] == [
        {"slug": "kyrgyzstan", "name": kyrgyzstan.network.name, "roles": ["regional_viewer"]}
    ]
    assert [n["slug"] for n in client.get("/api/v1/networks/").json()["results"]] == ["kyrgyzstan"]


def test_networks_lists_only_mine(kyrgyzstan, mongolia, api):
    body = api(mongolia.member).get("/api/v1/networks/").json()
    assert body["count"] == 1
    assert body["results"][0]["slug"] == "mongolia"
    assert body["results"][0]["time_zone"] == "Asia/Ulaanbaatar"


def test_someone_with_no_network_gets_an_empty_list(db, api):
    body = api(person("nobody@example.test")).get("/api/v1/networks/").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_the_network_itself(kyrgyzstan, api):
    body = api(kyrgyzstan.partner).get(f"{KG}/").json()
    assert body["slug"] == "kyrgyzstan"
    assert body["code"] == "KGZ"
    assert body["region"] == "eca"
    assert body["languages"] == ["en", "ru"]


class TestOrganisations:
    def test_every_organisation_taking_part_with_its_type(self, kyrgyzstan, api):
        body = api(kyrgyzstan.rco).get(f"{KG}/organisations/").json()
        assert [(row["type"], row["organisation"]["acronym"]) for row in body["results"]] == [
            ("external_partner", "MLSM"),
            ("member", "IOM"),
            ("member", "RCO"),
            ("member", "UNDP"),
            ("member", "UNHCR"),
        ]
        assert body["results"][0]["organisation"]["kind"] == "government"

    @pytest.mark.parametrize(
        "query, acronyms",
        [
            ({"is_national_authority": "true"}, ["MLSM"]),
            ({"is_national_authority": "false"}, ["IOM", "RCO", "UNDP", "UNHCR"]),
            ({"type": "external_partner"}, ["MLSM"]),
            ({"type": "observer"}, []),
            ({"type": "member", "is_national_authority": "true"}, []),
        ],
    )
    def test_filters(self, kyrgyzstan, api, query, acronyms):
        body = api(kyrgyzstan.member).get(f"{KG}/organisations/", query).json()
        assert [row["organisation"]["acronym"] for row in body["results"]] == acronyms

    @pytest.mark.parametrize(
        "query, field",
        [({"is_national_authority": "maybe"}, "is_national_authority"), ({"type": "pope"}, "type")],
    )
    def test_a_value_a_filter_does_not_know_is_a_400(self, kyrgyzstan, api, query, field):
        response = api(kyrgyzstan.member).get(f"{KG}/organisations/", query)
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == [field]

    def test_external_partners_may_not_see_the_member_list(self, kyrgyzstan, api):
        response = api(kyrgyzstan.partner).get(f"{KG}/organisations/")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_allowed"


class TestMembers:
    def test_everyone_with_a_role_now_by_organisation(self, kyrgyzstan, api):
        services.membership_end(membership=membership(kyrgyzstan, "rco"), ended_by=None)
        body = api(kyrgyzstan.member).get(f"{KG}/members/").json()
        assert body["count"] == 6
        assert [(row["organisation"]["acronym"], row["role"]) for row in body["results"]] == [
            ("IOM", "co_chair"),
            ("IOM", "secretariat"),
            ("MLSM", "external_partner"),
            ("RCO", "co_chair"),
            ("UNDP", "member"),
            ("UNHCR", "member"),
        ]
        first = body["results"][0]
        assert first["email"] == kyrgyzstan.co_chair2.email
        assert first["full_name"] == kyrgyzstan.co_chair2.full_name
        assert first["ended_at"] is None

    @pytest.mark.parametrize(
        "query, emails",
        [
            ({"role": "co_chair"}, ["cochair2@kyrgyzstan.test", "cochair@kyrgyzstan.test"]),
            ({"q": "SECRETARIAT"}, ["secretariat@kyrgyzstan.test"]),
            ({"q": "member unhcr of"}, ["memberunhcr@kyrgyzstan.test"]),
            ({"q": "%"}, []),
            ({"q": "   "}, None),
            ({"role": "member", "q": "unhcr"}, ["memberunhcr@kyrgyzstan.test"]),
        ],
    )
    def test_filter_by_role_and_search_by_name_or_email(self, kyrgyzstan, api, query, emails):
        body = api(kyrgyzstan.member).get(f"{KG}/members/", query).json()
        found = [row["email"] for row in body["results"]]
        if emails is None:
            assert body["count"] == 7
        else:
            assert found == emails

    def test_filter_by_organisation(self, kyrgyzstan, mongolia, api):
        client = api(kyrgyzstan.member)
        undp = kyrgyzstan.organisations["UNDP"].pk
        body = client.get(f"{KG}/members/", {"organisation": undp}).json()
        assert [row["email"] for row in body["results"]] == [kyrgyzstan.member.email]
        assert body["results"][0]["organisation"] == {
            "id": undp,
            "name": "United Nations Development Programme",
            "acronym": "UNDP",
        }
        # Mongolia's authority is another organisation: nobody here acts for it.
        other = mongolia.organisations["AUTH"].pk
        assert client.get(f"{KG}/members/", {"organisation": other}).json()["count"] == 0

    def test_pages_cover_everyone_once_in_a_stable_order(self, kyrgyzstan, api):
        client = api(kyrgyzstan.member)
        everyone = [row["id"] for row in client.get(f"{KG}/members/").json()["results"]]
        paged, page = [], 1
        while True:
            body = client.get(f"{KG}/members/", {"page": page, "page_size": 3}).json()
            paged += [row["id"] for row in body["results"]]
            if body["next"] is None:
                break
            page += 1
        assert paged == everyone and page == 3
        assert body["previous"].endswith("page=2&page_size=3")

    def test_one_membership_also_after_it_ended(self, kyrgyzstan, api):
        role = membership(kyrgyzstan, "rco")
        services.membership_end(membership=role, ended_by=None)
        body = api(kyrgyzstan.co_chair).get(f"{KG}/members/{role.pk}/").json()
        assert body["role"] == "rco_reporter"
        assert body["ended_at"] is not None

    def test_a_membership_of_another_network_is_not_found(self, kyrgyzstan, mongolia, api):
        theirs = membership(mongolia, "member").pk
        response = api(kyrgyzstan.secretariat).get(f"{KG}/members/{theirs}/")
        assert response.status_code == 404
        assert response.json() == api(kyrgyzstan.secretariat).get(f"{KG}/members/999999/").json()


class TestWorkingGroups:
    def test_members_of_the_network_see_every_group(self, kyrgyzstan, api):
        working_group(kyrgyzstan, "Labour migration", members=[kyrgyzstan.partner])
        working_group(kyrgyzstan, "Data")
        body = api(kyrgyzstan.member).get(f"{KG}/working-groups/").json()
        assert [(g["name"], g["member_count"]) for g in body["results"]] == [
            ("Data", 0),
            ("Labour migration", 1),
        ]

    def test_an_external_partner_sees_only_the_groups_they_belong_to(self, kyrgyzstan, api):
        theirs = working_group(kyrgyzstan, "Labour migration", members=[kyrgyzstan.partner])
        other = working_group(kyrgyzstan, "Data", members=[kyrgyzstan.member])
        client = api(kyrgyzstan.partner)
        body = client.get(f"{KG}/working-groups/").json()
        assert [g["name"] for g in body["results"]] == ["Labour migration"]
        assert client.get(f"{KG}/working-groups/{theirs.pk}/").status_code == 200
        hidden = client.get(f"{KG}/working-groups/{other.pk}/")
        assert hidden.status_code == 404
        assert hidden.json() == client.get(f"{KG}/working-groups/999999/").json()

    def test_a_group_with_its_current_members(self, kyrgyzstan, api):
        from django.utils import timezone

        from networks.models import WorkingGroupMember
        from networks.scoping import network_scope

        group = working_group(
            kyrgyzstan, "Labour migration", members=[kyrgyzstan.partner, kyrgyzstan.member]
        )
        with network_scope(kyrgyzstan.network):
            WorkingGroupMember.objects.filter(user=kyrgyzstan.member).update(
                ended_at=timezone.now()
            )
        body = api(kyrgyzstan.secretariat).get(f"{KG}/working-groups/{group.pk}/").json()
        assert body["name"] == "Labour migration"
        assert body["member_count"] == 1
        assert [m["full_name"] for m in body["members"]] == [kyrgyzstan.partner.full_name]


def test_an_organisation_without_a_website_says_null_not_an_empty_string(kyrgyzstan, api):
    from networks.models import Organisation

    Organisation.objects.filter(pk=kyrgyzstan.organisations["IOM"].pk).update(
        website="https://www.iom.int/"
    )
    Organisation.objects.filter(pk=kyrgyzstan.organisations["UNDP"].pk).update(website="")
    rows = api(kyrgyzstan.member).get(f"{KG}/organisations/").json()["results"]
    sites = {row["organisation"]["acronym"]: row["organisation"]["website"] for row in rows}
    assert sites["IOM"] == "https://www.iom.int/"
    assert sites["UNDP"] is None
