"""Every error is the one JSON shape with a message a person can read — also Django's own
404 for an unknown path, 405, odd query strings and odd headers. Never a 500."""

import pytest

from tests.api.helpers import KG, membership, working_group

NOT_FOUND = {"error": {"status": 404, "code": "not_found", "message": "Not found."}}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nope/",
        "/api/v1/",
        "/api/v1/me",
        "/api/v1/networks/kyrgyzstan",
        "/api/v1/networks/kyrgyzstan/nope/",
        "/api/v1/networks/kyrgyzstan/members/abc/",
        "/api/v1/networks/kyrgyzstan/members/-1/",
        "/api/v1/networks/kyrgyzstan/members/1.5/",
        "/api/v1/networks/kyrgyzstan/members/99999999999999999999999/",
        "/api/v1/networks/кыргызстан/",
        "/api/v1/networks/%00/",
        "/api/nope/",
    ],
)
@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "anonymous"])
def test_a_path_that_matches_no_route_is_the_json_404(kyrgyzstan, client, path, signed_in):
    if signed_in:
        client.force_login(kyrgyzstan.member)
    for method in ("get", "post", "put", "delete"):
        response = getattr(client, method)(path)
        assert response.status_code == 404, (method, path)
        assert response["Content-Type"] == "application/json"
        assert response.json() == NOT_FOUND


def test_the_json_404_also_with_debug_on(kyrgyzstan, client, settings):
    settings.DEBUG = True
    client.force_login(kyrgyzstan.member)
    response = client.get("/api/v1/nope/")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_a_missing_network_and_a_foreign_one_read_the_same_in_russian(kyrgyzstan, mongolia, api):
    client = api(mongolia.member)
    foreign = client.get(f"{KG}/members/", HTTP_ACCEPT_LANGUAGE="ru")
    missing = client.get("/api/v1/networks/no-such/members/", HTTP_ACCEPT_LANGUAGE="ru")
    unrouted = client.get("/api/v1/nope/", HTTP_ACCEPT_LANGUAGE="ru")
    assert foreign.status_code == missing.status_code == unrouted.status_code == 404
    assert foreign.content == missing.content == unrouted.content
    assert foreign.json()["error"]["message"] != "Not found."


def test_a_method_a_route_does_not_have_is_a_405(kyrgyzstan, api):
    response = api(kyrgyzstan.secretariat).delete(f"{KG}/members/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {
        "error": {
            "status": 405,
            "code": "method_not_allowed",
            "message": 'Method "DELETE" not allowed.',
        }
    }


def test_get_on_a_write_route_is_a_405(kyrgyzstan, api):
    response = api(kyrgyzstan.secretariat).get(f"{KG}/invitations/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


LISTS = [
    "/api/v1/networks/",
    f"{KG}/organisations/",
    f"{KG}/members/",
    f"{KG}/working-groups/",
]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    "query, status, field",
    [
        ({"page": "999999"}, 404, None),
        ({"page": "9" * 5000}, 400, "page"),
        ({"page": "99999999999999999999999999"}, 404, None),
        ({"page": "0"}, 400, "page"),
        ({"page": "-1"}, 400, "page"),
        ({"page": "abc"}, 400, "page"),
        ({"page": "1.5"}, 400, "page"),
        ({"page": ""}, 400, "page"),
        ({"page": "last"}, 400, "page"),
        ({"page_size": "-1"}, 400, "page_size"),
        ({"page_size": "0"}, 400, "page_size"),
        ({"page_size": "abc"}, 400, "page_size"),
        ({"page_size": "501"}, 400, "page_size"),
        ({"page_size": "9" * 30}, 400, "page_size"),
        ({"page_size": "500"}, 200, None),
        ({"page_size": "1", "page": "1"}, 200, None),
        ({"unknown": "whatever"}, 200, None),
        ({"format": "xml"}, 200, None),
    ],
)
def test_odd_pages_are_a_400_or_404_with_a_message_never_a_500(
    kyrgyzstan, api, path, query, status, field
):
    working_group(kyrgyzstan, "Data")
    working_group(kyrgyzstan, "Labour migration")
    response = api(kyrgyzstan.secretariat).get(path, query)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    if status == 200:
        assert "results" in body
    elif status == 400:
        assert list(body["error"]["fields"]) == [field]
    else:
        assert body["error"]["message"].startswith("There is no such page: the last page is")


@pytest.mark.parametrize(
    "path, query",
    [
        (f"{KG}/members/", {"role": "pope"}),
        (f"{KG}/members/", {"role": ""}),
        (f"{KG}/members/", {"organisation": "not-a-number"}),
        (f"{KG}/members/", {"organisation": "99999999999999999999999"}),
        (f"{KG}/members/", {"organisation": "-5"}),
        (f"{KG}/members/", {"q": "\u0000"}),
        (f"{KG}/members/", {"q": "x" * 500}),
        (f"{KG}/members/", {"q": "\ud7ff😀\u202e\ufeff" * 3}),
        (f"{KG}/members/", {"q": "' OR 1=1 --"}),
        (f"{KG}/members/", {"q": "\\"}),
        (f"{KG}/organisations/", {"type": "🙂"}),
        (f"{KG}/organisations/", {"is_national_authority": "maybe"}),
        (f"{KG}/organisations/", {"is_national_authority": "1"}),
    ],
)
def test_odd_filter_values_never_give_a_500(kyrgyzstan, api, path, query):
    response = api(kyrgyzstan.member).get(path, query)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert set(response.json()["error"]["fields"]) <= set(query)


def test_an_empty_filter_is_no_filter(kyrgyzstan, api):
    body = api(kyrgyzstan.member).get(f"{KG}/members/", {"role": "", "q": ""}).json()
    assert body["count"] == 7


def test_invalid_utf8_in_the_query_string_is_no_500(kyrgyzstan, api):
    response = api(kyrgyzstan.member).get(f"{KG}/members/?q=%ff%fe%ed%a0%80")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "accept",
    ["application/xml", "text/html", "*/*", "", "application/json; indent=999", "garbage;;;"],
)
def test_the_api_answers_json_whatever_the_client_accepts(kyrgyzstan, api, accept):
    response = api(kyrgyzstan.member).get(f"{KG}/members/", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["count"] == 7


def test_head_answers_like_get_without_the_body(kyrgyzstan, api):
    client = api(kyrgyzstan.secretariat)
    for path in [*LISTS, f"{KG}/", f"{KG}/members/{membership(kyrgyzstan).pk}/", "/api/v1/me/"]:
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200
        assert head["Content-Type"] == got["Content-Type"]
        assert head.content == b""
    # A list whose GET needs one action and POST another (action points, decisions).
    assert client.head(f"{KG}/action-points/").status_code == 200
    assert client.head(f"{KG}/decisions/").status_code == 200


METHOD_NOT_ALLOWED = {"status": 405, "code": "method_not_allowed"}


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "CONNECT", "PROPFIND"])
def test_options_and_trace_are_a_405_on_every_route_for_everyone(victim, mongolia, client, method):
    from django.test import Client

    from tests.api.routes import api_routes, url

    callers = {"anonymous": Client()}
    for key, user in (("secretariat", victim.secretariat), ("outsider", mongolia.secretariat)):
        callers[key] = Client()
        callers[key].force_login(user)
    for route in api_routes():
        address = url(route, victim)
        for who, caller in callers.items():
            response = caller.generic(method, address)
            assert response.status_code == 405, (who, method, address, response.status_code)
            body = response.json()["error"]
            assert {k: body[k] for k in METHOD_NOT_ALLOWED} == METHOD_NOT_ALLOWED
            assert "OPTIONS" not in response["Allow"] and response["Allow"]


def test_a_method_a_route_lacks_keeps_the_routes_rules(kyrgyzstan, mongolia, api, client):
    """401 for anonymous, 404 for an outsider and 403 for a role without the action come
    first, as on the pages; then the 405."""
    assert client.delete(f"{KG}/invitations/").status_code == 401
    assert api(mongolia.secretariat).delete(f"{KG}/invitations/").status_code == 404
    assert api(kyrgyzstan.member).delete(f"{KG}/invitations/").status_code == 403
    response = api(kyrgyzstan.secretariat).delete(f"{KG}/invitations/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_a_method_a_route_declares_no_action_for_is_a_405_never_a_500(kyrgyzstan, api):
    """Action points declare an action for GET and for POST only."""
    for method in ("put", "patch", "delete"):
        response = getattr(api(kyrgyzstan.member), method)(f"{KG}/action-points/")
        assert response.status_code == 405
        assert response["Allow"] == "GET, POST, HEAD"
