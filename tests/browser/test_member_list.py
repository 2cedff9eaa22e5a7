import csv
import io

import pytest

from networks.scoping import scopes_disabled
from tests.factories import TEST_PASSWORD, build_network, region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kyrgyz_secretariat_signs_in_switches_to_russian_and_exports_the_member_list(
    page, live_server
):
    with scopes_disabled():
        kyrgyzstan = build_network("kyrgyzstan", code="KGZ", region_obj=region())
    officer = kyrgyzstan.people["secretariat"]

    page.goto("/")
    page.get_by_label("Email").fill(officer.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your networks").wait_for()

    page.get_by_role("link", name=kyrgyzstan.network.name).click()
    page.get_by_role("heading", name="Member list").wait_for()

    page.get_by_label("Language").select_option("ru")
    page.get_by_role("button", name="Change").click()
    page.get_by_role("heading", name="Список членов").wait_for()
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("cell", name="Внешние партнёры").count() == 0  # headings, not cells
    assert page.get_by_role("heading", name="Внешние партнёры").is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Выгрузить в CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("members-kyrgyzstan-")
    rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    assert rows[0][0] == "Организация"
    assert officer.email in {row[6] for row in rows[1:]}


def test_keyboard_reaches_the_skip_link_first(page, live_server):
    with scopes_disabled():
        build_network("kyrgyzstan", code="KGZ")
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
