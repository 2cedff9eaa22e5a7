import pytest
from django.urls import reverse

from accounts import services as account_services
from networks.models import Invitation, Membership
from networks.scoping import network_scope, scopes_disabled

BASE = "/api/v1/networks/kyrgyzstan"


@pytest.fixture
def api(client):
    def _as(user):
        client.force_login(user)
        return client

    return _as


def bearer(user, scope="read"):
    _token, secret = account_services.access_token_create(user=user, name="script", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def member_id(net, key="member"):
    with network_scope(net.network):
        return Membership.objects.get(user=net.people[key]).pk


def test_me_lists_my_networks_and_roles(kyrgyzstan, api):
    body = api(kyrgyzstan.co_chair2).get("/api/v1/me/").json()
    assert body["email"] == kyrgyzstan.co_chair2.email
    assert body["networks"] == [
        {"slug": "kyrgyzstan", "name": kyrgyzstan.network.name, "roles": ["co_chair"]}
    ]


def test_members_are_listed_paginated_and_filterable(kyrgyzstan, api):
    client = api(kyrgyzstan.member)
    body = client.get(f"{BASE}/members/").json()
    assert body["count"] == 7
    assert {row["email"] for row in body["results"]} >= {kyrgyzstan.secretariat.email}
    co_chairs = client.get(f"{BASE}/members/", {"role": "co_chair"}).json()
    assert co_chairs["count"] == 2
    found = client.get(f"{BASE}/members/", {"q": "secretariat"}).json()
    assert [row["email"] for row in found["results"]] == [kyrgyzstan.secretariat.email]
    page = client.get(f"{BASE}/members/", {"page_size": 2, "page": 2}).json()
    assert len(page["results"]) == 2 and page["previous"]


def test_organisations_mark_the_national_authority(kyrgyzstan, api):
    body = (
        api(kyrgyzstan.rco).get(f"{BASE}/organisations/", {"is_national_authority": "true"}).json()
    )
    assert [row["organisation"]["acronym"] for row in body["results"]] == ["MLSM"]


@pytest.mark.parametrize(
    "query",
    [
        {"page": "999999"},
        {"page": "-1"},
        {"page_size": "-1"},
        {"page_size": "abc"},
        {"role": "pope"},
        {"organisation": "not-a-number"},
        {"organisation": "99999999999999999999999"},
        {"q": "\u0000\ud7ff😀" * 3},
        {"q": "x" * 500},
    ],
)
def test_odd_queries_never_give_a_500(kyrgyzstan, api, query):
    response = api(kyrgyzstan.member).get(f"{BASE}/members/", query)
    assert response.status_code in (200, 400, 404)
    if response.status_code != 200:
        assert set(response.json()["error"]) >= {"status", "code", "message"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nope/",
        "/api/v1/networks/kyrgyzstan/members/abc/",
        "/api/v1/networks/kyrgyzstan/members/99999999999999999999999/",
    ],
)
def test_unknown_api_paths_answer_in_json(kyrgyzstan, api, path):
    response = api(kyrgyzstan.member).get(path)
    assert response.status_code == 404
    assert response.json() == {
        "error": {"status": 404, "code": "not_found", "message": "Not found."}
    }


def test_anonymous_gets_401_with_the_error_body(db, client):
    response = client.get("/api/v1/networks/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


class TestTokens:
    def test_a_read_only_token_reads_but_cannot_write(self, kyrgyzstan, client):
        headers = bearer(kyrgyzstan.secretariat, scope="read")
        assert client.get(f"{BASE}/members/", **headers).status_code == 200
        response = client.post(
            f"{BASE}/members/{member_id(kyrgyzstan)}/end/",
            {},
            content_type="application/json",
            **headers,
        )
        assert response.status_code == 403
        assert response.json()["error"]["message"] == "This access token is read-only."
        with network_scope(kyrgyzstan.network):
            assert Membership.objects.get(user=kyrgyzstan.member).ended_at is None

    def test_a_read_write_token_writes_without_csrf(self, kyrgyzstan, client):
        headers = bearer(kyrgyzstan.secretariat, scope="read_write")
        response = client.post(
            f"{BASE}/members/{member_id(kyrgyzstan)}/end/",
            {"reason": "Left UNDP"},
            content_type="application/json",
            **headers,
        )
        assert response.status_code == 200
        assert response.json()["ended_at"]

    def test_a_token_on_another_network_gets_404(self, kyrgyzstan, mongolia, client):
        headers = bearer(kyrgyzstan.rco)
        assert client.get("/api/v1/networks/mongolia/", **headers).status_code == 404

    @pytest.mark.parametrize(
        "header", ["Bearer", "Bearer a b", "Bearer np_unknown", "Bearer \u00e9"]
    )
    def test_malformed_or_unknown_tokens_get_401(self, db, client, header):
        response = client.get("/api/v1/networks/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert response.json()["error"]["status"] == 401


class TestWrites:
    def test_secretariat_ends_a_membership_once(self, kyrgyzstan, api):
        client = api(kyrgyzstan.secretariat)
        url = f"{BASE}/members/{member_id(kyrgyzstan)}/end/"
        assert (
            client.post(url, {"reason": "Moved"}, content_type="application/json").status_code
            == 200
        )
        again = client.post(url, {}, content_type="application/json")
        assert again.status_code == 409
        assert again.json()["error"]["message"] == "This membership has already ended."

    def test_a_member_may_not_end_memberships(self, kyrgyzstan, api):
        url = f"{BASE}/members/{member_id(kyrgyzstan, 'co_chair')}/end/"
        response = api(kyrgyzstan.member).post(url, {}, content_type="application/json")
        assert response.status_code == 403

    def test_secretariat_invites_and_the_token_never_shows(
        self, kyrgyzstan, api, django_capture_on_commit_callbacks
    ):
        client = api(kyrgyzstan.secretariat)
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(
                f"{BASE}/invitations/",
                {
                    "email": "new@unhcr.test",
                    "organisation": kyrgyzstan.organisations["UNHCR"].pk,
                    "role": "member",
                },
                content_type="application/json",
            )
        assert response.status_code == 201, response.json()
        assert "token" not in str(response.json()).lower()
        assert len(callbacks) == 1

    @pytest.mark.parametrize(
        "payload, field",
        [
            ({"email": "bad", "organisation": 1, "role": "member"}, "email"),
            ({"email": "a@b.test", "organisation": 999999, "role": "member"}, "organisation"),
            ({"email": "a@b.test", "role": "emperor"}, "role"),
        ],
    )
    def test_bad_invitations_are_400_with_fields_and_store_nothing(
        self, kyrgyzstan, api, payload, field
    ):
        response = api(kyrgyzstan.secretariat).post(
            f"{BASE}/invitations/", payload, content_type="application/json"
        )
        assert response.status_code == 400
        assert field in response.json()["error"]["fields"]
        with scopes_disabled():
            assert not Invitation.objects.exists()

    def test_an_organisation_outside_the_network_is_refused(self, kyrgyzstan, mongolia, api):
        response = api(kyrgyzstan.secretariat).post(
            f"{BASE}/invitations/",
            {
                "email": "a@b.test",
                "organisation": mongolia.organisations["AUTH"].pk,
                "role": "member",
            },
            content_type="application/json",
        )
        assert response.status_code == 400
        assert "does not take part" in str(response.json()["error"]["fields"])

    def test_malformed_json_is_a_400(self, kyrgyzstan, api):
        response = api(kyrgyzstan.secretariat).post(
            f"{BASE}/invitations/", "{not json", content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "parse_error"


def test_schema_and_docs_are_served(kyrgyzstan, api):
    client = api(kyrgyzstan.member)
    assert client.get(reverse("api-schema")).status_code == 200
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200
    assert b"cdn." not in docs.content and b"/static/drf_spectacular_sidecar/" in docs.content
