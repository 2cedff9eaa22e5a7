"""The invitation as Outlook, Gmail and Apple Calendar read it, parsed with the icalendar
library and checked property by property: one per recipient, with the secretariat as
organiser, the recipient as the attendee, the network's zone, reminders, the agenda, the
online link where the clients look for it; SEQUENCE rising only on a material change;
updates and the cancellation reaching people invited after the agenda went out; and calendar
text escaped everywhere (a title with a bare CR or a CRLF)."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from meetings import services
from meetings.models import MeetingSettings, Participant
from networks.scoping import network_scope
from tests.meetings.conftest import add_items, local, schedule

TEAMS = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0"


def circulate(net, meeting, capture):
    with capture(execute=True), network_scope(net.network):
        services.agenda_circulate(meeting=meeting, by=net.secretariat)


def approved(net, **kwargs):
    meeting = schedule(net, **kwargs)
    add_items(net, meeting, "Welcome and adoption of the agenda", "Labour migration study")
    with network_scope(net.network):
        services.agenda_submit(meeting=meeting, by=net.secretariat)
        services.agenda_approve(meeting=meeting, by=net.co_chair)
        meeting.refresh_from_db()
    return meeting


def invitation_of(address: str, outbox=None):
    """The calendar part of the last mail to `address`: the calendar alternative (what
    Outlook reads) and the attached file (Gmail, Apple Mail) are the same invitation."""
    message = [m for m in (outbox or mail.outbox) if m.to == [address]][-1]
    [(alternative, mimetype)] = [a for a in message.alternatives if "calendar" in a[1]]
    attached = next(c for name, c, _t in message.attachments if name == "meeting.ics")
    attached = attached if isinstance(attached, bytes) else attached.encode()
    assert icalendar.Calendar.from_ical(attached) == icalendar.Calendar.from_ical(alternative)
    calendar = icalendar.Calendar.from_ical(alternative)
    [event] = calendar.walk("VEVENT")
    return mimetype, calendar, event


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.DEFAULT_FROM_EMAIL = "Network Portal <portal@network-portal.test>"


def test_each_participant_gets_an_invitation_outlook_gmail_and_apple_accept(
    kyrgyzstan, eager, django_capture_on_commit_callbacks
):
    with network_scope(kyrgyzstan.network):
        MeetingSettings.objects.create(
            network=kyrgyzstan.network, secretariat_email="secretariat@un-kg.test"
        )
    meeting = approved(
        kyrgyzstan,
        start=local(kyrgyzstan, "2026-07-14T10:00"),
        location="UN House, Bishkek",
        online_url=TEAMS,
    )
    circulate(kyrgyzstan, meeting, django_capture_on_commit_callbacks)

    mimetype, calendar, event = invitation_of(kyrgyzstan.member.email)
    assert mimetype.startswith("text/calendar") and "method=REQUEST" in mimetype
    assert calendar["METHOD"] == "REQUEST" and calendar["VERSION"] == "2.0"
    assert event["UID"] == f"{meeting.uid}@network-portal.local"
    assert event["SEQUENCE"] == 0 and event["STATUS"] == "CONFIRMED"

    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:secretariat@un-kg.test"
    assert organizer.params["SENT-BY"] == "mailto:portal@network-portal.test"
    assert "secretariat" in organizer.params["CN"]

    # The recipient alone: nobody reads the other participants' addresses.
    [attendee] = event.attendees
    assert str(attendee) == f"mailto:{kyrgyzstan.member.email}"
    assert attendee.params["CN"] == kyrgyzstan.member.get_full_name()
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["RSVP"] == "TRUE"
    _m, _c, chair_event = invitation_of(kyrgyzstan.co_chair.email)
    [chair] = chair_event.attendees
    assert str(chair) == f"mailto:{kyrgyzstan.co_chair.email}"
    assert chair.params["ROLE"] == "CHAIR"

    # Bishkek's zone, 10:00 as written.
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Asia/Bishkek"
    assert event["DTSTART"].params["TZID"] == "Asia/Bishkek"
    assert event.decoded("DTSTART").strftime("%H:%M") == "10:00"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTEND") == meeting.ends_at

    triggers = sorted(alarm.decoded("TRIGGER") for alarm in event.walk("VALARM"))
    assert triggers == [timedelta(days=-1), timedelta(minutes=-15)]
    assert {str(alarm["ACTION"]) for alarm in event.walk("VALARM")} == {"DISPLAY"}

    description = str(event["DESCRIPTION"])
    assert description.splitlines()[0] == "Tuesday 14 July 2026, 10:00–12:00 (Bishkek time, UTC+6)"
    assert "1. 10:00–10:20 Welcome and adoption of the agenda" in description
    assert "2. 10:20–10:40 Labour migration study" in description
    assert TEAMS in description
    assert str(event["LOCATION"]) == "UN House, Bishkek"

    conference = event["CONFERENCE"]
    assert str(conference) == TEAMS and conference.params["VALUE"] == "URI"
    assert str(event["X-MICROSOFT-SKYPETEAMSMEETINGURL"]) == TEAMS


def test_without_a_secretariat_address_the_portal_organises_without_sent_by(
    kyrgyzstan, eager, django_capture_on_commit_callbacks
):
    meeting = approved(kyrgyzstan)
    circulate(kyrgyzstan, meeting, django_capture_on_commit_callbacks)
    _m, _c, event = invitation_of(kyrgyzstan.member.email)
    assert str(event["ORGANIZER"]) == "mailto:portal@network-portal.test"
    assert "SENT-BY" not in event["ORGANIZER"].params
    assert "CONFERENCE" not in event and "X-MICROSOFT-SKYPETEAMSMEETINGURL" not in event


def test_the_reminders_follow_the_networks_setting(
    kyrgyzstan, eager, login, django_capture_on_commit_callbacks
):
    page = reverse("meetings:settings", kwargs={"network": "kyrgyzstan"})
    secretariat = login(kyrgyzstan.secretariat)
    refused = secretariat.post(page, {"secretariat_email": "", "reminder_minutes": "a day"})
    assert refused.status_code == 400
    assert "minutes before the start" in refused.content.decode()
    with network_scope(kyrgyzstan.network):
        assert not MeetingSettings.objects.exists()  # bad input changes nothing
    saved = secretariat.post(page, {"secretariat_email": "", "reminder_minutes": "30, 120"})
    assert saved.status_code == 302
    meeting = approved(kyrgyzstan)
    circulate(kyrgyzstan, meeting, django_capture_on_commit_callbacks)
    _m, _c, event = invitation_of(kyrgyzstan.member.email)
    triggers = sorted(alarm.decoded("TRIGGER") for alarm in event.walk("VALARM"))
    assert triggers == [timedelta(minutes=-120), timedelta(minutes=-30)]
    # A member may not change them.
    assert login(kyrgyzstan.member).get(page).status_code == 403


def test_sequence_rises_only_when_the_time_place_or_link_change(
    kyrgyzstan, eager, django_capture_on_commit_callbacks
):
    meeting = approved(kyrgyzstan, location="UN House")
    circulate(kyrgyzstan, meeting, django_capture_on_commit_callbacks)
    address = kyrgyzstan.member.email

    def update(**changes):
        with django_capture_on_commit_callbacks(execute=True), network_scope(kyrgyzstan.network):
            meeting.refresh_from_db()
            services.meeting_update(
                meeting=meeting, by=kyrgyzstan.secretariat, version=meeting.version, **changes
            )
        return invitation_of(address)[2]

    first_uid = invitation_of(address)[2]["UID"]
    renamed = update(title="Q3 regular meeting (hybrid)")
    assert renamed["SEQUENCE"] == 0 and renamed["UID"] == first_uid
    assert str(renamed["SUMMARY"]).startswith("Q3 regular meeting (hybrid)")
    moved = update(location="IOM office")
    assert moved["SEQUENCE"] == 1 and str(moved["LOCATION"]) == "IOM office"
    linked = update(online_url=TEAMS)
    assert linked["SEQUENCE"] == 2
    later = meeting.starts_at + timedelta(hours=1)
    rescheduled = update(starts_at=later, ends_at=later + timedelta(hours=2))
    assert rescheduled["SEQUENCE"] == 3 and rescheduled.decoded("DTSTART") == later


def test_someone_invited_later_gets_the_invitation_and_the_cancellation(
    kyrgyzstan, eager, django_capture_on_commit_callbacks
):
    meeting = approved(kyrgyzstan)
    circulate(kyrgyzstan, meeting, django_capture_on_commit_callbacks)
    guest = kyrgyzstan.people["partner"]
    with django_capture_on_commit_callbacks(execute=True), network_scope(kyrgyzstan.network):
        services.participant_invite(meeting=meeting, by=kyrgyzstan.secretariat, user=guest)
    mimetype, calendar, event = invitation_of(guest.email)
    assert calendar["METHOD"] == "REQUEST" and event["SEQUENCE"] == 0
    [attendee] = event.attendees
    assert str(attendee) == f"mailto:{guest.email}"
    assert attendee.params["ROLE"] == "OPT-PARTICIPANT"
    # Only the newcomer got mail for the invitation.
    assert [m.to for m in mail.outbox].count([kyrgyzstan.member.email]) == 1

    with django_capture_on_commit_callbacks(execute=True), network_scope(kyrgyzstan.network):
        services.meeting_cancel(meeting=meeting, by=kyrgyzstan.secretariat, reason="Floods")
        invited = set(
            Participant.objects.filter(meeting=meeting).values_list("user__email", flat=True)
        )
    for address in invited:
        mimetype, calendar, event = invitation_of(address)
        assert "method=CANCEL" in mimetype
        assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
        assert event["SEQUENCE"] == 1
        assert not list(event.walk("VALARM"))
    assert guest.email in invited


@pytest.mark.parametrize("title", ["Q3 meeting\rInjected: yes", "Q3 meeting\r\nBEGIN:VEVENT"])
def test_a_title_with_a_bare_cr_or_crlf_never_breaks_a_calendar_file(
    kyrgyzstan, eager, login, title, django_capture_on_commit_callbacks
):
    meeting = approved(kyrgyzstan, title=title, location="Room 1\r\nFloor 2")
    client = login(kyrgyzstan.member)
    download = client.get(
        reverse("meetings:ics", kwargs={"network": "kyrgyzstan", "meeting_id": meeting.pk})
    )
    assert download.status_code == 200
    calendar = icalendar.Calendar.from_ical(download.content)
    [event] = calendar.walk("VEVENT")
    assert str(calendar["X-WR-CALNAME"]) == title.replace("\r\n", " ").replace("\r", " ")
    assert str(event["SUMMARY"]).startswith("Q3 meeting ")
    assert str(event["LOCATION"]) == "Room 1 Floor 2"
    # Every line of the file is a property line or a folded continuation: nothing injected.
    for line in download.content.split(b"\r\n"):
        assert b"\r" not in line and b"\n" not in line
    assert download.content.split(b"\r\n").count(b"BEGIN:VEVENT") == 1

    feed_page = reverse("calendar-subscription")
    client.post(feed_page, {"action": "create"})
    page = client.get(feed_page).content.decode()
    start = page.index("http://testserver/calendar/")
    link = page[start : page.index('"', start)].removeprefix("http://testserver")
    feed = client.get(link)
    assert feed.status_code == 200
    assert icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    assert feed.content.split(b"\r\n").count(b"BEGIN:VEVENT") == 1

    circulate(kyrgyzstan, meeting, django_capture_on_commit_callbacks)
    _m, _c, event = invitation_of(kyrgyzstan.member.email)
    assert str(event["SUMMARY"]).startswith("Q3 meeting ")


def test_the_settings_page_costs_a_fixed_number_of_queries(
    kyrgyzstan, login, django_assert_max_num_queries
):
    page = reverse("meetings:settings", kwargs={"network": "kyrgyzstan"})
    client = login(kyrgyzstan.secretariat)
    with django_assert_max_num_queries(17):
        assert client.get(page).status_code == 200
