"""An agenda goes draft → submitted → approved by a co-chair → circulated to every
participant with a calendar invitation and the agenda as PDF; a change goes out as an update
of the same calendar event, a cancellation as METHOD:CANCEL."""

import io
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from circulation.models import Circulation, Delivery
from meetings import services
from meetings.models import Meeting
from networks.scoping import network_scope
from tests.meetings.conftest import add_items, schedule


def meeting_url(meeting, name="detail", **kwargs):
    return reverse(
        f"meetings:{name}", kwargs={"network": "kyrgyzstan", "meeting_id": meeting.pk, **kwargs}
    )


def agenda_mailings(net, meeting):
    with network_scope(net.network):
        return list(Circulation.objects.filter(kind="agenda", about_id=meeting.pk).order_by("pk"))


def attachment(circulation, filename):
    return bytes(circulation.attachments.get(filename=filename).content)


def calendar_event(data: bytes):
    calendar = icalendar.Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    return calendar, event


@pytest.mark.real_pdf  # reads what the PDF says
def test_the_story_from_draft_to_circulated_with_calendar_and_pdf(
    kyrgyzstan, login, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    meeting = schedule(kyrgyzstan, location="UN House, Bishkek")
    add_items(kyrgyzstan, meeting, "Welcome and adoption of the agenda", "Labour migration study")

    secretariat = login(kyrgyzstan.secretariat)
    assert secretariat.post(meeting_url(meeting, "agenda-submit")).status_code == 302
    co_chair = login(kyrgyzstan.co_chair)
    page = co_chair.get(meeting_url(meeting)).content.decode()
    assert "Approve the agenda" in page
    assert co_chair.post(meeting_url(meeting, "agenda-approve")).status_code == 302
    secretariat = login(kyrgyzstan.secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat.post(meeting_url(meeting, "agenda-circulate"), follow=True)
    assert "on its way to every participant" in response.content.decode()

    # One mail per participant: the secretariat, both co-chairs and the two focal points.
    expected = {
        kyrgyzstan.people[key].email
        for key in ("secretariat", "co_chair", "co_chair2", "member", "member_unhcr")
    }
    assert {message.to[0] for message in mail.outbox} == expected
    message = next(m for m in mail.outbox if m.to == [kyrgyzstan.member.email])
    assert "Agenda: Q3 regular meeting" in message.subject
    assert "Labour migration study" in message.body and "UN House, Bishkek" in message.body
    names = [name for name, _content, _type in message.attachments]
    assert names == ["meeting.ics", "agenda.pdf"]
    ics = next(content for name, content, _type in message.attachments if name == "meeting.ics")
    calendar, event = calendar_event(ics if isinstance(ics, bytes) else ics.encode())
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]).startswith(str(meeting.uid))
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == meeting.starts_at
    attendees = {str(a).removeprefix("mailto:") for a in event.attendees}
    assert attendees == {kyrgyzstan.member.email}  # each mail names its recipient alone
    pdf = next(content for name, content, _type in message.attachments if name == "agenda.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Labour migration study" in text and "Welcome and adoption of the agenda" in text
    assert "Internal" in text

    with network_scope(kyrgyzstan.network):
        meeting.refresh_from_db()
        assert meeting.agenda_status == Meeting.AgendaStatus.CIRCULATED
        assert meeting.agenda_approved_by == kyrgyzstan.co_chair
        # The agenda went to its five participants (the other co-chair was also told of the
        # approval, issue #14: that is a sign-off mailing of its own).
        agenda = Delivery.objects.filter(
            circulation__about_id=meeting.pk, circulation__kind="agenda"
        )
        assert agenda.count() == 5


def test_a_changed_agenda_goes_out_as_an_update_of_the_same_event(kyrgyzstan, approved_meeting):
    meeting = approved_meeting
    with network_scope(kyrgyzstan.network):
        services.agenda_circulate(meeting=meeting, by=kyrgyzstan.secretariat)
        services.agenda_reopen(meeting=meeting, by=kyrgyzstan.secretariat)
        add_items(kyrgyzstan, meeting, "Any other business")
        services.agenda_submit(meeting=meeting, by=kyrgyzstan.secretariat)
        services.agenda_approve(meeting=meeting, by=kyrgyzstan.co_chair2)
        services.agenda_circulate(meeting=meeting, by=kyrgyzstan.secretariat)
        first, second = agenda_mailings(kyrgyzstan, meeting)
        _cal, before = calendar_event(attachment(first, "meeting.ics"))
        _cal, after = calendar_event(attachment(second, "meeting.ics"))
    assert before["UID"] == after["UID"]
    # New items are no new time, place or link: the same SEQUENCE, a later stamp.
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 0)
    assert after.decoded("DTSTAMP") >= before.decoded("DTSTAMP")
    assert second.rendered["en"]["subject"].startswith("Updated agenda:")
    assert "Any other business" in second.rendered["en"]["text"]


def test_moving_a_circulated_meeting_sends_the_update_at_once(kyrgyzstan, approved_meeting):
    meeting = approved_meeting
    with network_scope(kyrgyzstan.network):
        services.agenda_circulate(meeting=meeting, by=kyrgyzstan.secretariat)
        meeting.refresh_from_db()
        later = meeting.starts_at.replace(hour=(meeting.starts_at.hour + 1) % 24)
        services.meeting_update(
            meeting=meeting,
            by=kyrgyzstan.secretariat,
            version=meeting.version,
            starts_at=later,
            ends_at=later + (meeting.ends_at - meeting.starts_at),
        )
        _first, update = agenda_mailings(kyrgyzstan, meeting)
        _cal, event = calendar_event(attachment(update, "meeting.ics"))
    assert event["SEQUENCE"] == 1 and event.decoded("DTSTART") == later


def test_a_circulated_meeting_is_not_moved_into_the_past_and_nobody_is_mailed(
    kyrgyzstan, approved_meeting, login
):
    meeting = approved_meeting
    with network_scope(kyrgyzstan.network):
        services.agenda_circulate(meeting=meeting, by=kyrgyzstan.secretariat)
        meeting.refresh_from_db()
        mailings = len(agenda_mailings(kyrgyzstan, meeting))
    past = timezone.now() - timedelta(days=2)
    form = {
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at": timezone.localtime(past, ZoneInfo("Asia/Bishkek")).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(past + timedelta(hours=2), ZoneInfo("Asia/Bishkek")).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "location": meeting.location,
        "online_url": meeting.online_url,
        "version": meeting.version,
    }
    page = login(kyrgyzstan.secretariat).post(f"/n/kyrgyzstan/meetings/{meeting.pk}/edit/", form)
    assert page.status_code == 409
    assert "cannot be moved into the past" in page.content.decode()
    with network_scope(kyrgyzstan.network):
        unchanged = Meeting.objects.get(pk=meeting.pk)
        assert (unchanged.starts_at, unchanged.version) == (meeting.starts_at, meeting.version)
        assert len(agenda_mailings(kyrgyzstan, meeting)) == mailings


def test_cancelling_a_circulated_meeting_sends_method_cancel(kyrgyzstan, approved_meeting):
    meeting = approved_meeting
    with network_scope(kyrgyzstan.network):
        services.agenda_circulate(meeting=meeting, by=kyrgyzstan.secretariat)
        services.meeting_cancel(meeting=meeting, by=kyrgyzstan.secretariat, reason="Floods")
        _first, cancel = agenda_mailings(kyrgyzstan, meeting)
        calendar, event = calendar_event(attachment(cancel, "meeting.ics"))
        filenames = list(cancel.attachments.values_list("filename", flat=True))
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert filenames == ["meeting.ics"]
    assert cancel.rendered["en"]["subject"].startswith("Cancelled:")
    assert "Floods" in cancel.rendered["en"]["text"]


def test_a_co_chair_returns_the_agenda_with_a_comment(kyrgyzstan, login):
    meeting = schedule(kyrgyzstan)
    add_items(kyrgyzstan, meeting, "Welcome")
    with network_scope(kyrgyzstan.network):
        services.agenda_submit(meeting=meeting, by=kyrgyzstan.secretariat)
    client = login(kyrgyzstan.co_chair)
    client.post(meeting_url(meeting, "agenda-return"), {"comment": "Add the UNHCR briefing."})
    page = login(kyrgyzstan.secretariat).get(meeting_url(meeting)).content.decode()
    assert "Returned by a co-chair" in page and "Add the UNHCR briefing." in page
    with network_scope(kyrgyzstan.network):
        meeting.refresh_from_db()
    assert meeting.agenda_status == "draft"


@pytest.mark.parametrize(
    "step, message",
    [
        ("circulate_draft", "Only an agenda a co-chair approved can be circulated."),
        ("submit_empty", "Add at least one item before submitting the agenda."),
        ("approve_draft", "Only a submitted agenda can be approved or returned."),
        ("edit_submitted", "reopen it as a draft"),
        ("return_without_comment", "Say what should change."),
    ],
)
def test_a_step_that_does_not_apply_is_refused_with_a_clear_message(kyrgyzstan, step, message):
    meeting = schedule(kyrgyzstan)
    people = kyrgyzstan.people
    with network_scope(kyrgyzstan.network):
        if step == "edit_submitted":
            add_items(kyrgyzstan, meeting, "Welcome")
            services.agenda_submit(meeting=meeting, by=people["secretariat"])
        before = Meeting.objects.get(pk=meeting.pk)
        actions = {
            "circulate_draft": lambda: services.agenda_circulate(
                meeting=meeting, by=people["secretariat"]
            ),
            "submit_empty": lambda: services.agenda_submit(
                meeting=meeting, by=people["secretariat"]
            ),
            "approve_draft": lambda: services.agenda_approve(
                meeting=meeting, by=people["co_chair"]
            ),
            "edit_submitted": lambda: add_items(kyrgyzstan, meeting, "Late item"),
            "return_without_comment": lambda: services.agenda_return(
                meeting=meeting, by=people["co_chair"], comment="  "
            ),
        }
        with pytest.raises(ValidationError) as error:
            actions[step]()
        assert message in " ".join(error.value.messages)
        after = Meeting.objects.get(pk=meeting.pk)
        assert (after.agenda_status, after.version) == (before.agenda_status, before.version)
        assert not Circulation.objects.filter(kind="agenda").exists()


@pytest.mark.real_pdf  # reads what the PDF says
def test_the_agenda_pdf_and_ics_download_from_the_meeting_page(kyrgyzstan, login, approved_meeting):
    client = login(kyrgyzstan.member)
    pdf = client.get(meeting_url(approved_meeting, "agenda-pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Labour migration study" in text
    ics = client.get(meeting_url(approved_meeting, "ics"))
    _calendar, event = calendar_event(ics.content)
    assert re.match(r"Q3 regular meeting", str(event["SUMMARY"]))


def test_the_secretariat_is_reminded_once_when_the_cadence_is_missed(kyrgyzstan, settings):
    from meetings.tasks import remind_missed_cadence
    from tests.meetings.conftest import local

    schedule(kyrgyzstan, title="Q1 meeting", start=local(kyrgyzstan, "2025-01-15T10:00"))
    assert remind_missed_cadence() == 1
    assert remind_missed_cadence() == 0  # one reminder per missed due date
    with network_scope(kyrgyzstan.network):
        [reminder] = Circulation.objects.filter(kind="reminder")
        addresses = set(
            Delivery.objects.filter(circulation=reminder).values_list("address", flat=True)
        )
    assert addresses == {kyrgyzstan.secretariat.email}
    assert "overdue" in reminder.rendered["en"]["subject"]
    assert "15 January 2025" in reminder.rendered["en"]["text"]


def test_no_reminder_while_the_next_meeting_is_scheduled_in_time(kyrgyzstan):
    from datetime import timedelta

    from django.utils import timezone

    from meetings.tasks import remind_missed_cadence

    schedule(kyrgyzstan, title="Last one", start=timezone.now() - timedelta(days=60))
    schedule(kyrgyzstan, title="Next one", start=timezone.now() + timedelta(days=20))
    assert remind_missed_cadence() == 0
