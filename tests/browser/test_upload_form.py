"""The upload form's scripts in a real browser: a file over the limit is refused at the
field before anything is sent, and a filter box narrows the list of people."""

import re

import pytest

from documents.models import Document
from networks.scoping import network_scope, scopes_disabled
from tests.browser.test_meeting_story import as_person  # noqa: F401
from tests.documents.files import pdf
from tests.factories import build_network, region

pytestmark = pytest.mark.browser


def test_the_browser_refuses_a_large_file_at_the_field_and_filters_people(
    as_person,  # noqa: F811
    live_server,
    settings,
    transactional_db,
    tmp_path,
):
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 10_000
    with scopes_disabled():
        belarus = build_network(
            "belarus", code="BLR", region_obj=region(), time_zone="Europe/Minsk"
        )
    big = tmp_path / "budget-note.pdf"
    big.write_bytes(pdf() + b"%" + b"x" * 30_000 + b"\n%%EOF\n")

    officer = as_person(belarus.people["secretariat"], "/n/belarus/documents/new/")
    form_url = officer.url
    officer.set_viewport_size({"width": 390, "height": 800})
    # On a phone the form, its ticked lists and their filter boxes fit the screen.
    assert officer.evaluate("document.documentElement.scrollWidth") <= 390
    officer.get_by_label("Title").fill("Budget note")
    people = officer.get_by_role("group", name="People who may open it")
    people.get_by_label("Filter the list").fill("unhcr")
    unhcr = people.get_by_label("Member Unhcr of Belarus (memberunhcr@belarus.test)")
    undp = people.get_by_label("Member of Belarus (member@belarus.test)")
    assert unhcr.is_visible() and not undp.is_visible()
    people.get_by_text(re.compile(r"^1 of 7 shown$")).wait_for()
    unhcr.check()
    people.get_by_label("Filter the list").fill("")
    assert undp.is_visible()

    file_input = officer.get_by_label("File")
    file_input.set_input_files(str(big))
    message = officer.locator("#id_file_check")
    message.wait_for()
    assert "budget-note.pdf" in message.inner_text() and "over the limit of 9.8" in (
        message.inner_text()
    )
    assert file_input.get_attribute("aria-invalid") == "true"
    officer.get_by_role("button", name="Upload").click()
    assert officer.url == form_url  # nothing was sent
    assert officer.get_by_label("Title").input_value() == "Budget note"
    with network_scope(belarus.network):
        assert not Document.objects.exists()
