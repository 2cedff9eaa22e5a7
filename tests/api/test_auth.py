"""Who gets in: a browser session (CSRF on writes) or a personal access token. Anonymous
callers get the same 401 everywhere, people of another network the same 404 as for a
network that does not exist, read-only tokens a 403 on writes."""

import pytest
from django.test import Client

from accounts.models import AccessToken
from networks.models import Invitation, Membership
from networks.scoping import network_scope
from tests.api.helpers import KG, bearer, days_ago, membership, post_json
from tests.api.routes import api_routes, missing_url, network_routes, url

NOT_FOUND = {"error": {"status": 404, "code": "not_found", "message": "Not found."}}
NOT_AUTHENTICATED = {
    "error": {
        "status": 401,
        "code": "not_authenticated",
        "message": "Sign in, or send a personal access token as “Authorization: Bearer np_…”.",
    }
}
METHODS = ("get", "post", "put", "patch", "delete")


def ended(net, key="member") -> bool:
    with network_scope(net.network):
        return Membership.objects.get(user=net.people[key]).ended_at is not None


# --- Anonymous --------------------------------------------------------------------------


@pytest.mark.parametrize("route", api_routes(), ids=lambda r: r.name)
def test_anonymous_gets_the_same_401_on_every_route(route, victim, client):
    urls = [url(route, victim)]
    if "network" in route.kwargs:
        urls.append(missing_url(route, victim))
    for address in urls:
        for method in METHODS:
            response = getattr(client, method)(address)
            assert response.status_code == 401, (method, address)
            assert response.json() == NOT_AUTHENTICATED, (method, address)
            assert response["WWW-Authenticate"]


def test_anonymous_learns_nothing_from_a_strange_accept_header(kyrgyzstan, client):
    response = client.get(f"{KG}/members/", HTTP_ACCEPT="application/xml")
    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED


# --- Another network ----------------------------------------------------------------------


@pytest.mark.parametrize("route", network_routes(), ids=lambda r: r.name)
def test_member_of_mongolia_gets_404_on_every_route_of_another_network(
    route, victim, mongolia, client
):
    real, missing = url(route, victim), missing_url(route, victim)
    ways_in = {
        "session": {},
        "read-write token": bearer(mongolia.secretariat, scope=AccessToken.Scope.READ_WRITE),
        "read-only token": bearer(mongolia.member),
    }
    client.force_login(mongolia.secretariat)
    for way, headers in ways_in.items():
        for method in METHODS:
            response = getattr(client, method)(real, **headers)
            same = getattr(client, method)(missing, **headers)
            assert response.status_code == 404, (way, method, real)
            assert response.json() == NOT_FOUND, (way, method, real)
            assert response.content == same.content, (way, method, real)
    assert not ended(victim)


# --- Tokens -------------------------------------------------------------------------------


class TestTokens:
    def test_a_read_only_token_reads(self, kyrgyzstan, client):
        response = client.get(f"{KG}/members/", **bearer(kyrgyzstan.secretariat))
        assert response.status_code == 200
        assert response.json()["count"] == 7

    def test_a_read_only_token_cannot_write_and_nothing_changes(self, kyrgyzstan, client):
        headers = bearer(kyrgyzstan.secretariat)
        end = post_json(client, f"{KG}/members/{membership(kyrgyzstan).pk}/end/", {}, **headers)
        invite = post_json(
            client,
            f"{KG}/invitations/",
            {
                "email": "new@undp.test",
                "organisation": kyrgyzstan.organisations["UNDP"].pk,
                "role": "member",
            },
            **headers,
        )
        for response in (end, invite):
            assert response.status_code == 403
            assert response.json() == {
                "error": {
                    "status": 403,
                    "code": "read_only_token",
                    "message": "This access token is read-only: make a read and write token "
                    "to change things.",
                }
            }
        assert not ended(kyrgyzstan)
        with network_scope(kyrgyzstan.network):
            assert not Invitation.objects.exists()

    def test_a_read_write_token_writes_without_csrf(self, kyrgyzstan):
        client = Client(enforce_csrf_checks=True)
        headers = bearer(kyrgyzstan.secretariat, scope=AccessToken.Scope.READ_WRITE)
        response = post_json(
            client, f"{KG}/members/{membership(kyrgyzstan).pk}/end/", {"reason": "Left"}, **headers
        )
        assert response.status_code == 200
        assert ended(kyrgyzstan)

    def test_a_read_write_token_of_a_member_still_gets_403_on_secretariat_writes(
        self, kyrgyzstan, client
    ):
        headers = bearer(kyrgyzstan.member, scope=AccessToken.Scope.READ_WRITE)
        response = post_json(
            client, f"{KG}/members/{membership(kyrgyzstan, 'co_chair').pk}/end/", {}, **headers
        )
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_allowed"
        assert not ended(kyrgyzstan, "co_chair")

    @pytest.mark.parametrize(
        "how",
        [
            {"revoke": True},
            {"expires_on": days_ago(2)},
        ],
        ids=["revoked", "expired"],
    )
    def test_a_revoked_or_expired_token_gets_401(self, kyrgyzstan, client, how):
        headers = bearer(kyrgyzstan.secretariat, scope=AccessToken.Scope.READ_WRITE, **how)
        for response in (
            client.get(f"{KG}/members/", **headers),
            client.get("/api/v1/me/", **headers),
            post_json(client, f"{KG}/members/{membership(kyrgyzstan).pk}/end/", {}, **headers),
        ):
            assert response.status_code == 401
            assert response.json() == {
                "error": {
                    "status": 401,
                    "code": "authentication_failed",
                    "message": "This access token is not valid: it is unknown, revoked or expired.",
                }
            }
            assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        assert not ended(kyrgyzstan)

    def test_a_token_with_an_expiry_in_the_future_works(self, kyrgyzstan, client):
        headers = bearer(kyrgyzstan.member, expires_on=days_ago(-30))
        assert client.get(f"{KG}/", **headers).status_code == 200

    def test_a_token_of_a_deactivated_person_gets_401(self, kyrgyzstan, client):
        headers = bearer(kyrgyzstan.member)
        kyrgyzstan.member.is_active = False
        kyrgyzstan.member.save(update_fields=["is_active"])
        assert client.get(f"{KG}/", **headers).status_code == 401

    def test_a_revoked_token_is_not_rescued_by_a_session(self, kyrgyzstan, api):
        headers = bearer(kyrgyzstan.member, revoke=True)
        assert api(kyrgyzstan.member).get(f"{KG}/", **headers).status_code == 401

    @pytest.mark.parametrize(
        "header",
        [
            "Bearer",
            "Bearer a b",
            "Bearer np_unknown",
            "Bearer unknown",
            "Bearer np_" + "x" * 5000,
            "bearer np_ünïcödé",
            "Bearer \u0000",
        ],
    )
    def test_malformed_or_unknown_tokens_get_401(self, db, client, header):
        response = client.get("/api/v1/networks/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "authentication_failed"

    def test_the_last_use_is_recorded(self, kyrgyzstan, client):
        headers = bearer(kyrgyzstan.member)
        client.get("/api/v1/me/", **headers)
        assert AccessToken.objects.get(user=kyrgyzstan.member).last_used_at is not None


# --- Browser session -------------------------------------------------------------------------


class TestSession:
    def test_a_write_without_the_csrf_token_is_refused(self, kyrgyzstan):
        client = Client(enforce_csrf_checks=True)
        client.force_login(kyrgyzstan.secretariat)
        response = post_json(client, f"{KG}/members/{membership(kyrgyzstan).pk}/end/", {})
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "csrf_failed"
        assert "CSRF token" in response.json()["error"]["message"]
        assert not ended(kyrgyzstan)

    def test_a_write_with_the_csrf_token_goes_through(self, kyrgyzstan):
        client = Client(enforce_csrf_checks=True)
        client.force_login(kyrgyzstan.secretariat)
        assert client.get("/accounts/profile/").status_code == 200  # sets the CSRF cookie
        token = client.cookies["csrftoken"].value
        response = post_json(
            client,
            f"{KG}/members/{membership(kyrgyzstan).pk}/end/",
            {"reason": "Moved"},
            HTTP_X_CSRFTOKEN=token,
        )
        assert response.status_code == 200, response.json()
        assert ended(kyrgyzstan)

    def test_reads_need_no_csrf_token(self, kyrgyzstan):
        client = Client(enforce_csrf_checks=True)
        client.force_login(kyrgyzstan.member)
        assert client.get(f"{KG}/members/").status_code == 200

    def test_a_person_whose_role_ended_is_out_on_the_next_request(self, kyrgyzstan, api):
        from networks import services

        client = api(kyrgyzstan.member)
        assert client.get(f"{KG}/").status_code == 200
        services.membership_end(membership=membership(kyrgyzstan), ended_by=kyrgyzstan.secretariat)
        response = client.get(f"{KG}/")
        assert response.status_code == 404
        assert response.json() == NOT_FOUND


class TestSecondFactor:
    @pytest.fixture(autouse=True)
    def required(self, settings):
        settings.PORTAL_REQUIRE_MFA = True

    def test_secretariat_without_a_second_factor_is_refused_by_session_and_token(
        self, kyrgyzstan, api
    ):
        client = api(kyrgyzstan.secretariat)
        by_session = client.get(f"{KG}/")
        client.logout()
        by_token = client.get(f"{KG}/", **bearer(kyrgyzstan.secretariat))
        for response in (by_session, by_token):
            assert response.status_code == 403
            assert response.json()["error"]["code"] == "mfa_required"

    def test_members_are_not_asked_for_one(self, kyrgyzstan, client):
        assert client.get(f"{KG}/", **bearer(kyrgyzstan.member)).status_code == 200
