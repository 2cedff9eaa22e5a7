"""Issue 19 in a real browser: the Kyrgyzstan secretariat builds an agenda with three
documents, sees its times and that it runs past the meeting's end, a co-chair approves it,
it is circulated with the link to the meeting pack, a member accepts in Outlook — the
answer arrives by IMAP — and the participants table shows it."""

import io
import re

import pytest
from pypdf import PdfReader

from meetings.models import Meeting
from meetings.tasks import read_calendar_replies
from networks.scoping import scopes_disabled
from tests.browser.test_meeting_story import as_person  # noqa: F401  (signed-in pages)
from tests.circulation.conftest import smtp  # noqa: F401  (the SMTP server on loopback)
from tests.documents.files import pdf
from tests.factories import build_network, region
from tests.meetings.test_calendar_replies import (  # noqa: F401  (dovecot on loopback)
    deliver,
    imap_server,
    outlook_reply,
)

pytestmark = pytest.mark.browser


@pytest.mark.real_pdf  # reads what the pack says
def test_an_agenda_with_three_documents_goes_out_with_its_pack_and_an_outlook_answer_counts(
    as_person,  # noqa: F811
    live_server,
    smtp,  # noqa: F811
    imap_server,  # noqa: F811
    settings,
    tmp_path,
    transactional_db,
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PORTAL_BASE_URL = live_server.url
    imap_url, connect = imap_server
    settings.IMAP_URL = imap_url
    with scopes_disabled():
        kyrgyzstan = build_network("kyrgyzstan", code="KGZ", region_obj=region())
    people = kyrgyzstan.people

    # The secretariat schedules a one-hour meeting and gives it three half-hour items.
    officer = as_person(people["secretariat"], "/n/kyrgyzstan/meetings/")
    officer.get_by_role("link", name="Schedule a meeting").click()
    officer.get_by_label("Type").select_option("regular")
    officer.get_by_label("Title").fill("Q3 regular meeting")
    officer.get_by_label("Starts").fill("2026-09-15T10:00")
    officer.get_by_label("Ends").fill("2026-09-15T11:00")
    officer.get_by_label("Place").fill("UN House, Bishkek")
    officer.get_by_role("button", name="Schedule").click()
    officer.get_by_role("heading", name="Q3 regular meeting").wait_for()
    meeting_path = re.search(r"/n/kyrgyzstan/meetings/\d+/", officer.url)[0]
    items = ("Welcome", "Labour migration study", "Remittances")
    for title in items:
        officer.get_by_role("link", name="Add an item").click()
        officer.get_by_label("Title").fill(title)
        officer.get_by_label("Duration (minutes)").fill("30")
        officer.get_by_role("button", name="Save").click()
        officer.get_by_text("The agenda item is saved.").wait_for()

    # One document on each item, uploaded from the item's own link.
    for title in items:
        officer.goto(meeting_path)
        officer.get_by_role("link", name=f"Attach a document {title}").click()
        document = tmp_path / f"{title}.pdf"
        document.write_bytes(pdf(f"{title} note"))
        officer.get_by_label("Title").fill(f"{title} note")
        officer.get_by_label("File").set_input_files(str(document))
        officer.get_by_role("button", name="Upload").click()
        officer.get_by_text("The document is in the library.").wait_for()

    # The timetable, and the warning that the agenda runs half an hour too long.
    officer.goto(meeting_path)
    agenda = officer.locator("#agenda")
    for times in ("10:00–10:30", "10:30–11:00", "11:00–11:30"):
        assert agenda.get_by_text(times).count() >= 1, times
    assert "runs 30 minutes past the meeting's end (11:00)" in (
        officer.locator("#overrun-warning").inner_text()
    )
    for title in items:
        assert officer.get_by_role("link", name=f"{title} note").is_visible()
    officer.get_by_role("button", name="Submit to the co-chairs").click()
    officer.get_by_text("The agenda is submitted to the co-chairs.").wait_for()

    co_chair = as_person(people["co_chair"], meeting_path)
    co_chair.get_by_role("button", name="Approve the agenda").click()
    co_chair.get_by_text("You approved the agenda.").wait_for()

    # Circulated: each participant's mail links the pack, built right after (eager worker).
    officer.goto(meeting_path)
    officer.get_by_role("button", name="Circulate the agenda").click()
    officer.get_by_text("The agenda is on its way to every participant").wait_for()
    [mail] = smtp.to(people["member"].email)
    text = mail.get_body(("plain",)).get_content()
    pack_link = re.search(r"https?://\S+/pack/v1\.pdf", text)[0]
    member = as_person(people["member"], meeting_path)
    response = member.request.get(pack_link)
    assert response.status == 200
    reader = PdfReader(io.BytesIO(response.body()))
    titles = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert titles == [
        "Cover",
        "Agenda",
        "1. Welcome",
        "2. Labour migration study",
        "3. Remittances",
    ]
    assert "10:00" in reader.pages[0].extract_text()

    # The member accepts in Outlook; the portal reads the answer from the mailbox.
    with scopes_disabled():
        meeting = Meeting.objects.get(title="Q3 regular meeting")
    deliver(
        connect,
        outlook_reply(
            f"{meeting.uid}@{settings.PORTAL_MAIL_DOMAIN}",
            people["member"].email,
            "ACCEPTED",
            "See you at UN House",
        ),
    )
    assert read_calendar_replies() == 1
    officer.goto(meeting_path)
    member_name = people["member"].get_full_name() or people["member"].email
    row = officer.locator("#participants tbody tr", has_text=member_name)
    assert "Attends" in row.inner_text()
    assert "See you at UN House" in row.inner_text()
