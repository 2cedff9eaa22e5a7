"""The story of issue 2 in a real browser: the Kyrgyzstan secretariat signs in through the
login form, goes from the network's home to the member list, switches to Russian with the
language switch and exports the list."""

import csv
import io

import pytest
from pypdf import PdfReader

from networks.scoping import scopes_disabled
from tests.factories import TEST_PASSWORD, build_network, region

pytestmark = pytest.mark.browser


@pytest.mark.real_pdf  # reads what the PDF says
def test_kyrgyz_secretariat_signs_in_switches_to_russian_and_exports_the_member_list(
    browser_page,
):
    page = browser_page
    with scopes_disabled():
        kyrgyzstan = build_network("kyrgyzstan", code="KGZ", region_obj=region())
        build_network("mongolia", code="MNG")
    officer = kyrgyzstan.people["secretariat"]

    page.goto("/")
    assert "/accounts/login/" in page.url  # signing in comes first
    page.get_by_label("Email").fill(officer.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your networks").wait_for()

    # The network switcher takes her to the network's home, led by what waits for her; the
    # navigation takes her to the member list.
    page.get_by_label("Network", exact=True).select_option("kyrgyzstan")
    page.get_by_role("button", name="Go").click()
    page.get_by_role("heading", name="Waiting for you").wait_for()
    assert page.url.endswith("/n/kyrgyzstan/")
    page.get_by_role("navigation", name="Network").get_by_role("link", name="Members").click()
    page.get_by_role("heading", name="Member list").wait_for()
    assert page.url.endswith("/n/kyrgyzstan/members/")

    # The language switch, operated from the keyboard.
    page.get_by_label("Language").select_option("ru")
    page.get_by_role("button", name="Change").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Список членов").wait_for()
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.url.endswith("/n/kyrgyzstan/members/")  # back on the page she was on
    assert page.get_by_role("heading", name="Внешние партнёры").is_visible()
    assert page.get_by_role("link", name=kyrgyzstan.co_chair.email).is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Выгрузить в CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("members-kyrgyzstan-")
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert rows[0][0] == "Организация"
    officer_rows = [row for row in rows[1:] if row[6] == officer.email]
    assert officer_rows and officer_rows[0][5] == "Секретариат"
    assert {row[1] for row in rows[1:]} == {"IOM", "UNDP", "UNHCR", "RCO", "MLSM"}

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Выгрузить в PDF").click()
    with open(download_info.value.path(), "rb") as handle:
        pdf = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert "Список членов" in text and officer.email in text
