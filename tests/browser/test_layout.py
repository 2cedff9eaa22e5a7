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


def test_the_network_home_fits_a_phone_and_the_menus_open_from_the_keyboard(
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
    # The header is one row: the brand and "Menu"; the network's pages are folded away.
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 740 * 0.12
    meetings = page.get_by_role("link", name="Meetings", exact=True)
    assert not meetings.is_visible()

    page.get_by_text("Menu", exact=True).focus()
    page.keyboard.press("Enter")
    assert meetings.is_visible()
    assert page.locator(".site-menu > summary").get_attribute("aria-expanded") in (None, "true")
    profile = page.get_by_role("link", name="Profile")
    assert not profile.is_visible()
    page.locator(".user-menu summary").focus()
    page.keyboard.press("Enter")
    assert profile.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Profile"


def test_on_a_wide_screen_the_header_shows_everything_without_a_menu_button(browser_page):
    page = browser_page
    with scopes_disabled():
        kyrgyzstan = build_network("kyrgyzstan", code="KGZ")
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, kyrgyzstan.people["secretariat"])
    page.goto("/n/kyrgyzstan/")
    assert not page.get_by_text("Menu", exact=True).is_visible()
    assert page.get_by_role("link", name="Meetings", exact=True).is_visible()
    assert page.get_by_label("Language").is_visible()
    # One row for the tools and one for the network's pages.
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 110
