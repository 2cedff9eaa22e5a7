"""The interactive docs at /api/v1/docs/ work offline: Swagger UI comes from our own static
files (drf-spectacular-sidecar), never from a CDN."""

import re
from urllib.parse import urlparse

import pytest

from networks.scoping import scopes_disabled
from tests.factories import TEST_PASSWORD, build_network


def test_the_docs_load_nothing_from_elsewhere(db, client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert not urlparse(asset).netloc, f"{asset} is loaded from another site"
        # Swagger UI, our own style sheet, and its start-up script (no inline script).
        assert asset.startswith(("/static/drf_spectacular_sidecar/", "/static/css/", "/api/v1/"))
        assert client.get(asset).status_code == 200, asset
    assert "/api/v1/schema/" in client.get("/api/v1/docs/?script=").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script"
    assert "<style" not in html
    assert "script-src 'self'" in page["Content-Security-Policy"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_runs_offline_and_tries_a_call_with_the_session(page, live_server):
    with scopes_disabled():
        kyrgyzstan = build_network("kyrgyzstan", code="KGZ")
    member = kyrgyzstan.people["member"]
    elsewhere = []

    def only_this_server(route):
        if urlparse(route.request.url).netloc != urlparse(live_server.url).netloc:
            elsewhere.append(route.request.url)
            return route.abort()
        return route.continue_()

    page.route("**/*", only_this_server)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your networks").wait_for()

    page.goto("/api/v1/docs/")
    page.get_by_role("heading", name="Network Portal API").wait_for()
    me = page.locator("#operations-me-me_retrieve")
    me.locator(".opblock-summary").click()
    me.get_by_role("button", name="Try it out").click()
    me.get_by_role("button", name="Execute").click()
    result = me.locator(".live-responses-table .response .response-col_status").first
    result.wait_for()
    assert result.inner_text().strip() == "200"
    assert member.email in me.locator(".live-responses-table .microlight").first.inner_text()
    assert elsewhere == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_secretariat_writes_through_the_docs_with_the_csrf_token(page, live_server):
    from networks.models import Membership
    from networks.scoping import network_scope

    with scopes_disabled():
        kyrgyzstan = build_network("kyrgyzstan", code="KGZ")
    with network_scope(kyrgyzstan.network):
        role = Membership.objects.get(user=kyrgyzstan.people["member"])
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(kyrgyzstan.people["secretariat"].email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your networks").wait_for()

    page.goto("/api/v1/docs/")
    end = page.locator("#operations-members-networks_members_end_create")
    end.locator(".opblock-summary").click()
    end.get_by_role("button", name="Try it out").click()
    end.locator("input[placeholder='network']").fill("kyrgyzstan")
    end.locator("input[placeholder='id']").fill(str(role.pk))
    end.locator("textarea.body-param__text").fill('{"reason": "Left through the docs"}')
    end.get_by_role("button", name="Execute").click()
    status = end.locator(".live-responses-table .response .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    with network_scope(kyrgyzstan.network):
        assert Membership.objects.get(pk=role.pk).end_reason == "Left through the docs"
