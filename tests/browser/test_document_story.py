"""The story of issue 7 in a real browser: the Belarus secretariat uploads a study and
circulates it; a member opens it from the link in their email; the secretariat sees who has
not read it yet."""

import re

import pytest

from networks.scoping import scopes_disabled
from tests.browser.test_meeting_story import as_person  # noqa: F401
from tests.circulation.conftest import smtp  # noqa: F401
from tests.documents.files import pdf
from tests.factories import build_network, region

pytestmark = pytest.mark.browser


def test_a_study_uploaded_circulated_opened_and_tracked(
    as_person,  # noqa: F811
    live_server,
    smtp,  # noqa: F811
    settings,
    transactional_db,
    tmp_path,
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PORTAL_BASE_URL = live_server.url
    with scopes_disabled():
        belarus = build_network(
            "belarus", code="BLR", region_obj=region(), time_zone="Europe/Minsk"
        )
    people = belarus.people
    study = tmp_path / "Labour migration study 2026.pdf"
    study.write_bytes(pdf("Labour migration study 2026"))

    officer = as_person(people["secretariat"], "/n/belarus/documents/")
    officer.get_by_role("link", name="Upload a document").click()
    officer.get_by_label("Title").fill("Labour migration study 2026")
    officer.get_by_label("Category").select_option("study")
    officer.get_by_label("File").set_input_files(str(study))
    officer.get_by_role("button", name="Upload").click()
    officer.get_by_text("The document is in the library.").wait_for()
    officer.get_by_label("Message").fill("Please read before the Q4 meeting.")
    officer.get_by_role("button", name="Send the link to everyone who may open it").click()
    officer.get_by_text("A link to the document is on its way").wait_for()
    document_path = re.search(r"/n/belarus/documents/\d+/", officer.url)[0]

    # Internal to the network: everyone holding a role in it, the external partner aside.
    expected = {
        people[key].email
        for key in ("secretariat", "co_chair", "co_chair2", "member", "member_unhcr", "rco")
    }
    assert {m["To"] for m in smtp.messages} == expected
    [mail] = smtp.to(people["member"].email)
    body = mail.get_body(("plain",)).get_content()
    assert "Please read before the Q4 meeting." in body
    assert not list(mail.iter_attachments())  # linked, never attached
    link = re.search(r"https?://\S+/c/o/\S+/", body)[0]

    member = as_person(people["member"], link.removeprefix(live_server.url))
    member.get_by_role("heading", name="Labour migration study 2026").wait_for()
    download = member.get_by_role("link", name=re.compile("version 1$"))
    response = member.request.get(download.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"

    officer.goto(document_path)
    readers = officer.get_by_role("region", name="Who has read it")
    undp = readers.get_by_role("row", name=re.compile("UNDP"))
    assert people["member"].get_full_name() in undp.get_by_role("cell").nth(0).inner_text()
    unhcr = readers.get_by_role("row", name=re.compile("UNHCR"))
    assert people["member_unhcr"].get_full_name() in unhcr.get_by_role("cell").nth(1).inner_text()
