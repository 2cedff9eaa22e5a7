"""The layout in a real browser: reachable from the keyboard and usable on a phone."""

import pytest

from networks.scoping import scopes_disabled
from tests.factories import TEST_PASSWORD, build_network

pytestmark = pytest.mark.browser

LONG_NAME = "UN Migration Network in the Kyrgyz Republic and its Partners in Central Asia"


def sign_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your networks").wait_for()


def test_keyboard_reaches_the_skip_link_first_and_it_moves_to_the_content(browser_page):
    page = browser_page
    with scopes_disabled():
        build_network("kyrgyzstan", code="KGZ")
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_network_home_fits_a_phone_and_the_account_menu_opens_from_the_keyboard(
    browser_page,
):
    page = browser_page
    with scopes_disabled():
        kyrgyzstan = build_network("kyrgyzstan", code="KGZ", name=LONG_NAME)
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, kyrgyzstan.people["secretariat"])
    page.goto("/n/kyrgyzstan/members/")
    page.get_by_role("heading", name="Member list").wait_for()
    # Nothing is wider than the screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto("/n/kyrgyzstan/")
    page.get_by_role("heading", name="Waiting for you").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    profile = page.get_by_role("link", name="Profile")
    assert not profile.is_visible()
    page.locator(".user-menu summary").focus()
    page.keyboard.press("Enter")
    assert profile.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Profile"
