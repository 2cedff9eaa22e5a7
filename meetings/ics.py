"""Calendar data (RFC 5545) for meetings: the invitation an agenda circulation attaches
(METHOD:REQUEST, or METHOD:CANCEL for a cancelled meeting) and a person's subscription feed.

One meeting is one event for its whole life: the UID never changes, and SEQUENCE rises with
every circulated change, so a calendar replaces the event instead of adding a second one.

Start and end are UTC (DTSTART:…Z): every calendar shows them right in its own zone, and the
file never names a zone identifier (Kosovo's is Europe/Belgrade, which its people must not
read). The description opens with the time as the network reads it, with its label
("Tuesday 14 July 2026, 10:00–12:30 (Bishkek time, UTC+6)"), on the network's clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from meetings.models import Meeting, Participant
from portal import clock

PRODID = "-//Network Portal//Meetings//EN"


def event_uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@{settings.PORTAL_MAIL_DOMAIN}"


def meeting_url(meeting: Meeting, network_slug: str) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}/n/{network_slug}/meetings/{meeting.pk}/"


def _event(meeting: Meeting, network, items, participants: Iterable[Participant]) -> Event:
    event = Event()
    event.add("uid", event_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("dtend", meeting.ends_at.astimezone(UTC))
    event.add("summary", f"{meeting.title} — {network.name}")
    location = meeting.location or meeting.online_url
    if location:
        event.add("location", location)
    url = meeting_url(meeting, network.slug)
    event.add("url", url)
    with clock.network_time(network):
        when = clock.span(meeting.starts_at, meeting.ends_at)
    lines = [when, *(f"{index}. {item.title}" for index, item in enumerate(items, start=1))]
    if meeting.online_url:
        lines.append(meeting.online_url)
    lines.append(url)
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}")
    organizer.params["cn"] = vText(network.name)
    event.add("organizer", organizer)
    for participant in participants:
        attendee = vCalAddress(f"mailto:{participant.user.email}")
        attendee.params["cn"] = vText(participant.user.get_full_name() or participant.user.email)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=0)
    return event


def invitation(meeting: Meeting, network, items, participants) -> bytes:
    """The calendar invitation mailed with the agenda: REQUEST, or CANCEL once cancelled."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if meeting.is_cancelled else "REQUEST")
    calendar.add_component(_event(meeting, network, items, participants))
    return calendar.to_ical()


def feed(meetings: Iterable[Meeting], name: str) -> bytes:
    """A subscription: the person's meetings (each with its `network` loaded), no attendees."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(_event(meeting, meeting.network, [], []))
    return calendar.to_ical()
