"""Calendar data (RFC 5545/5546) for meetings: the invitation an agenda circulation sends
(METHOD:REQUEST, or METHOD:CANCEL for a cancelled meeting) and a person's subscription feed.

One meeting is one event for its whole life: the UID never changes, and SEQUENCE rises only
with a material change (its time, place or online link: `material_fingerprint`), so a
calendar replaces the event instead of adding a second one, and asks again for an answer
only when the answer may change.

The invitation is what Outlook, Gmail and Apple Calendar read as one:
- ORGANIZER is the network's secretariat address (MeetingSettings), with SENT-BY the
  portal's sender when that differs; the replies of the calendars go to the organiser.
- one ATTENDEE per person (CN, ROLE, PARTSTAT, RSVP=TRUE); the circulation stores the file
  with every participant, and each recipient's mail carries only their own line
  (`circulation.mail.personal_calendar`), so nobody reads the others' addresses.
- times in the network's zone, with its VTIMEZONE. The zone's TZID is the IANA identifier,
  except for a network whose people name their time otherwise (Kosovo: "Pristina time" for
  Europe/Belgrade): the TZID is then that name, and the VTIMEZONE's rules carry the offsets.
- VALARM reminders (the network's setting; by default a day and 15 minutes before),
  DESCRIPTION with the time as the network reads it and the agenda in text, LOCATION, and
  the online link in RFC 7986 CONFERENCE, Microsoft's X-MICROSOFT-SKYPETEAMSMEETINGURL (and
  X-MICROSOFT-ONLINEMEETINGCONFLINK) as well as in the text.

Every text a person typed passes `one_line` or `text` first: a bare CR or a CRLF in a title
never breaks the file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress, vText, vUri

from meetings.models import Meeting, MeetingSettings, Participant
from portal import clock

if TYPE_CHECKING:
    from meetings.timetable import Slot

PRODID = "-//Network Portal//Meetings//EN"
# The answers of the portal as a calendar's participation status, and back.
PARTSTAT = {
    Participant.Answer.PENDING: "NEEDS-ACTION",
    Participant.Answer.ACCEPTED: "ACCEPTED",
    Participant.Answer.TENTATIVE: "TENTATIVE",
    Participant.Answer.DECLINED: "DECLINED",
    Participant.Answer.DELEGATED: "DELEGATED",
}
ANSWER_OF_PARTSTAT = {value: key for key, value in PARTSTAT.items() if key != "pending"}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def one_line(value: str) -> str:
    """A person's text for a one-line property or parameter: line breaks (CR, LF, CRLF)
    become spaces, other control characters go."""
    value = re.sub(r"\r\n|\r|\n", " ", str(value))
    return _CONTROL.sub("", value).strip()


def text(value: str) -> str:
    """A person's text for a multi-line property (DESCRIPTION): every line break becomes
    one LF, which the icalendar library writes escaped (\\n)."""
    value = re.sub(r"\r\n|\r", "\n", str(value))
    return _CONTROL.sub("", value)


def _param(value: str) -> str:
    """A parameter value (CN): one line, and no double quote (it cannot be escaped)."""
    return one_line(value).replace('"', "'")


def event_uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@{settings.PORTAL_MAIL_DOMAIN}"


def meeting_url(meeting: Meeting, network_slug: str) -> str:
    path = reverse("meetings:detail", kwargs={"network": network_slug, "meeting_id": meeting.pk})
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{path}"


def material_fingerprint(meeting: Meeting) -> str:
    """What a calendar must ask again about: the time, the place and the online link."""
    parts = [
        meeting.starts_at.astimezone(UTC).isoformat(),
        meeting.ends_at.astimezone(UTC).isoformat(),
        meeting.location.strip(),
        meeting.online_url.strip(),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def portal_sender() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL


def tzid_of(network) -> str:
    return one_line(network.time_zone_name) or network.time_zone


def _timezone(network, meeting: Meeting) -> Timezone:
    """The network's zone around the meeting (a year either side: the rules in force)."""
    first = meeting.starts_at.date() - timedelta(days=366)
    last = meeting.ends_at.date() + timedelta(days=366)
    return _timezone_between(network, first, last)


def _timezone_between(network, first: date, last: date) -> Timezone:
    zone = Timezone.from_tzinfo(
        network.zone, tzid=tzid_of(network), first_date=first, last_date=last
    )
    # The library's COMMENT names the span it covers: of no use to a person.
    zone.pop("COMMENT", None)
    return zone


def _local(moment: datetime, network) -> datetime:
    return moment.astimezone(network.zone).replace(tzinfo=None)


def organizer(network, meeting_settings: MeetingSettings | None) -> vCalAddress:
    """The network's secretariat, sent by the portal where its address is another."""
    sender = portal_sender()
    address = (meeting_settings.secretariat_email if meeting_settings else "") or sender
    value = vCalAddress(f"mailto:{address}")
    value.params["CN"] = _param(f"{network.name} — secretariat")
    if address.lower() != sender.lower():
        value.params["SENT-BY"] = f"mailto:{sender}"
    return value


def attendee(participant: Participant, *, chair: bool = False) -> vCalAddress:
    user = participant.user
    value = vCalAddress(f"mailto:{user.email}")
    value.params["CN"] = _param(user.get_full_name() or user.email)
    value.params["CUTYPE"] = "INDIVIDUAL"
    if chair:
        value.params["ROLE"] = "CHAIR"
    elif participant.invited:
        value.params["ROLE"] = "OPT-PARTICIPANT"
    else:
        value.params["ROLE"] = "REQ-PARTICIPANT"
    value.params["PARTSTAT"] = PARTSTAT.get(participant.answer, "NEEDS-ACTION")
    value.params["RSVP"] = "TRUE"
    return value


def description(meeting: Meeting, network, timetable: Iterable[Slot], url: str) -> str:
    """The time as the network reads it, the agenda with its times, the link, the page."""
    with clock.network_time(network):
        lines = [clock.span(meeting.starts_at, meeting.ends_at)]
        if meeting.location:
            lines.append(meeting.location)
        if meeting.online_url:
            lines.append(meeting.online_url)
        lines.append("")
        for slot in timetable:
            times = (
                f"{clock.network_local(slot.starts_at, network):%H:%M}–"
                f"{clock.network_local(slot.ends_at, network):%H:%M}"
            )
            number = f"{slot.number}. " if slot.number is not None else "— "
            lines.append(f"{number}{times} {one_line(slot.item.title)}")
    lines.extend(["", url])
    return text("\n".join(lines))


def _event(
    meeting: Meeting,
    network,
    timetable: Iterable[Slot],
    participants: Iterable[Participant],
    *,
    meeting_settings: MeetingSettings | None = None,
    chairs: Iterable[int] = (),
    invitation: bool = False,
) -> Event:
    event = Event()
    tzid = tzid_of(network)
    event.add("uid", event_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", _local(meeting.starts_at, network), parameters={"TZID": tzid})
    event.add("dtend", _local(meeting.ends_at, network), parameters={"TZID": tzid})
    event.add("summary", one_line(f"{meeting.title} — {network.name}"))
    if meeting.location:
        event.add("location", one_line(meeting.location))
    elif meeting.online_url:
        event.add("location", one_line(meeting.online_url))
    url = meeting_url(meeting, network.slug)
    event.add("url", vUri(url))
    event.add("description", description(meeting, network, timetable, url))
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if meeting.online_url:
        link = one_line(meeting.online_url)
        conference = vUri(link)
        conference.params["VALUE"] = "URI"
        conference.params["FEATURE"] = "AUDIO,VIDEO"
        conference.params["LABEL"] = _param(meeting.title)
        event.add("conference", conference)
        event.add("x-microsoft-skypeteamsmeetingurl", vText(link))
        event.add("x-microsoft-onlinemeetingconflink", vText(link))
    if invitation:
        event.add("organizer", organizer(network, meeting_settings))
        chair_ids = set(chairs)
        for participant in participants:
            event.add(
                "attendee", attendee(participant, chair=participant.user_id in chair_ids), encode=0
            )
        if not meeting.is_cancelled:
            minutes = meeting_settings.reminders() if meeting_settings else DEFAULT_REMINDERS
            for before in minutes:
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", one_line(meeting.title))
                alarm.add("trigger", timedelta(minutes=-before))
                event.add_component(alarm)
    return event


DEFAULT_REMINDERS = (24 * 60, 15)


def invitation(
    meeting: Meeting,
    network,
    timetable: Iterable[Slot],
    participants: Iterable[Participant],
    *,
    meeting_settings: MeetingSettings | None = None,
    chairs: Iterable[int] = (),
) -> bytes:
    """The calendar invitation mailed with the agenda: REQUEST, or CANCEL once cancelled,
    with every participant as an attendee (each mail keeps its recipient's line only)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if meeting.is_cancelled else "REQUEST")
    calendar.add_component(_timezone(network, meeting))
    calendar.add_component(
        _event(
            meeting,
            network,
            timetable,
            participants,
            meeting_settings=meeting_settings,
            chairs=chairs,
            invitation=True,
        )
    )
    return calendar.to_ical()


def feed(meetings: Iterable[Meeting], name: str) -> bytes:
    """A subscription: the person's meetings (each with its `network` loaded), no attendees,
    each network's zone once."""
    meetings = list(meetings)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", vText(one_line(name)))
    spans: dict[str, tuple[Any, date, date]] = {}
    for meeting in meetings:
        network = meeting.network
        first = meeting.starts_at.date() - timedelta(days=366)
        last = meeting.ends_at.date() + timedelta(days=366)
        known = spans.get(tzid_of(network))
        if known is not None:
            first, last = min(first, known[1]), max(last, known[2])
        spans[tzid_of(network)] = (network, first, last)
    for network, first, last in spans.values():
        calendar.add_component(_timezone_between(network, first, last))
    for meeting in meetings:
        calendar.add_component(_event(meeting, meeting.network, [], []))
    return calendar.to_ical()
