"""A browser signs in through the agency's identity provider (a real one on loopback)."""

import re

import pytest

from tests.factories import person
from tests.oidc.conftest import (
    CALLBACK,
    PASSWORD,
    identity_provider_for,
    start_provider,
    stop_provider,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def provider_for_live_server(live_server, tmp_path):
    provider = start_provider(tmp_path, [f"{live_server.url}{CALLBACK}"])
    yield provider
    stop_provider(provider)


def test_a_person_signs_in_through_their_agencys_provider(
    browser_page, provider_for_live_server, live_server
):
    identity_provider_for(provider_for_live_server.issuer)
    person("bolot@undp.org", full_name="Bolot Asanov")
    page = browser_page
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("bolot@undp.org")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(provider_for_live_server.issuer) + r"/interaction/"))
    assert page.get_by_label("Login").input_value() == "bolot@undp.org"
    page.get_by_label("Login").fill("bolot")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in at the provider").click()
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/"))
    page.goto("/accounts/profile/")
    assert page.get_by_label("Full name").input_value() == "Bolot Asanov"
