"""The story of issue 4 in a real browser: the Kyrgyzstan secretariat schedules the Q3
meeting and builds its agenda, a co-chair approves it, it is circulated (the SMTP server
receives one mail per participant with a valid calendar invitation and the agenda PDF);
after the meeting the secretariat records attendance and minutes, both co-chairs approve,
the minutes are circulated, and a member opens them from the link in their mail."""

import io
import re

import icalendar
import pytest
from pypdf import PdfReader

from circulation.models import Delivery
from networks.scoping import scopes_disabled
from tests.circulation.conftest import smtp  # noqa: F401  (the SMTP server on loopback)
from tests.factories import TEST_PASSWORD, build_network, region

pytestmark = pytest.mark.browser


@pytest.fixture
def as_person(browser, live_server):
    """as_person(user) → a page in a browser context of its own, signed in as that person."""
    contexts = []

    def sign_in(user, next_url="/"):
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(next_url)
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    yield sign_in
    for context in contexts:
        context.close()


def attachments(message) -> dict[str, bytes]:
    return {
        part.get_filename(): part.get_content()
        for part in message.iter_attachments()
        if part.get_filename()
    }


@pytest.mark.real_pdf  # reads what the PDF says
def test_from_scheduling_to_minutes_a_member_opens(
    as_person,
    live_server,
    smtp,  # noqa: F811
    settings,
    transactional_db,
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PORTAL_BASE_URL = live_server.url
    with scopes_disabled():
        kyrgyzstan = build_network("kyrgyzstan", code="KGZ", region_obj=region())
    people = kyrgyzstan.people
    participants = {
        people[key].email
        for key in ("secretariat", "co_chair", "co_chair2", "member", "member_unhcr")
    }

    # The secretariat schedules the meeting and writes its agenda.
    officer = as_person(people["secretariat"], "/n/kyrgyzstan/meetings/")
    officer.get_by_role("link", name="Schedule a meeting").click()
    officer.get_by_label("Type").select_option("regular")
    officer.get_by_label("Title").fill("Q3 regular meeting")
    officer.get_by_label("Starts").fill("2026-09-15T10:00")
    officer.get_by_label("Ends").fill("2026-09-15T12:00")
    officer.get_by_label("Place").fill("UN House, Bishkek")
    officer.get_by_role("button", name="Schedule").click()
    officer.get_by_role("heading", name="Q3 regular meeting").wait_for()
    meeting_path = re.search(r"/n/kyrgyzstan/meetings/\d+/", officer.url)[0]
    for title in ("Welcome and adoption of the agenda", "Labour migration study"):
        officer.get_by_role("link", name="Add an item").click()
        officer.get_by_label("Title").fill(title)
        officer.get_by_label("Presenting organisation").select_option(label="UNDP")
        officer.get_by_label("Duration (minutes)").fill("30")
        officer.get_by_role("button", name="Save").click()
        officer.get_by_text("The agenda item is saved.").wait_for()
    officer.get_by_role("button", name="Submit to the co-chairs").click()
    officer.get_by_text("The agenda is submitted to the co-chairs.").wait_for()

    # A co-chair approves it from their home page.
    co_chair = as_person(people["co_chair"], "/n/kyrgyzstan/")
    co_chair.get_by_role("link", name="Approve the agenda of “Q3 regular meeting”").click()
    co_chair.get_by_role("button", name="Approve the agenda").click()
    co_chair.get_by_text("You approved the agenda.").wait_for()

    # The secretariat circulates it: one mail per participant, with the .ics and the PDF.
    officer.goto(meeting_path)
    officer.get_by_role("button", name="Circulate the agenda").click()
    officer.get_by_text("The agenda is on its way to every participant").wait_for()
    # The other co-chair was told of the approval at once (issue #14); then the agenda went
    # to every participant with its calendar invitation.
    told = [m for m in smtp.messages if "meeting.ics" not in attachments(m)]
    assert people["co_chair2"].email in {m["To"] for m in told}
    agendas = [m for m in smtp.messages if "meeting.ics" in attachments(m)]
    assert sorted(m["To"] for m in agendas) == sorted(participants)
    for message in agendas:
        files = attachments(message)
        calendar = icalendar.Calendar.from_ical(files["meeting.ics"])
        assert calendar["METHOD"] == "REQUEST"
        [event] = calendar.walk("VEVENT")
        assert str(event["SUMMARY"]).startswith("Q3 regular meeting")
        pages = PdfReader(io.BytesIO(files["agenda.pdf"])).pages
        assert "Labour migration study" in " ".join(
            " ".join(p.extract_text() for p in pages).split()
        )
    smtp.messages.clear()

    # After the meeting: attendance and minutes.
    officer.goto(meeting_path + "minutes/")
    officer.get_by_role("button", name="Start the minutes").click()
    officer.get_by_role("link", name="Record the attendance").click()
    officer.get_by_label(re.compile(r"^Member of Kyrgyzstan")).select_option("present")
    officer.get_by_role("button", name="Save").click()
    officer.get_by_text("The attendance is saved.").wait_for()
    officer.get_by_role("link", name="Labour migration study").click()
    officer.get_by_label("Summary of the discussion").fill("IOM presented the study.")
    officer.get_by_label("Decisions taken").fill("The network endorses the study.")
    officer.locator("#id_form-0-text").fill("Share the study with the government")
    officer.locator("#id_form-0-owner_organisation").select_option(label="UNDP")
    officer.locator("#id_form-0-due_date").fill("2027-01-31")
    officer.get_by_role("button", name="Save").click()
    officer.get_by_text("The item is saved.").wait_for()
    officer.get_by_role("button", name="Submit to the co-chairs").click()
    officer.get_by_text("The minutes are submitted to the co-chairs.").wait_for()

    # Both co-chairs approve; the second approval circulates them.
    co_chair.goto(meeting_path + "minutes/")
    co_chair.get_by_role("button", name="Approve this version").click()
    co_chair.get_by_text("the other co-chair").wait_for()
    assert smtp.messages == []
    second = as_person(people["co_chair2"], meeting_path + "minutes/")
    second.get_by_role("button", name="Approve this version").click()
    second.get_by_text("The minutes are approved").wait_for()
    assert sorted(m["To"] for m in smtp.messages) == sorted(participants)

    # A member opens them from the link in the mail.
    [mail] = smtp.to(people["member"].email)
    link = re.search(r"https?://\S+/c/o/\S+/", mail.get_body(("plain",)).get_content())[0]
    member = as_person(people["member"], link.removeprefix(live_server.url))
    member.get_by_role("heading", name="Approved minutes (version 1)").wait_for()
    assert member.get_by_text("IOM presented the study.").is_visible()
    with scopes_disabled():
        delivery = Delivery.objects.get(circulation__kind="minutes", address=people["member"].email)
    assert delivery.opened_at is not None
