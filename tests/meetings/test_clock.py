"""One clock: a meeting at 10:00 in its network reads 10:00 wherever a person reads it — the
meeting page, the agenda PDF, the first and the updated agenda mail (text and HTML), the
calendar file, the minutes PDF and the API — with the network's name for its time and the
UTC offset in force that day. Kosovo's zone is Europe/Belgrade: its people read "Pristina
time", UTC+1 before the clocks change on 29 March 2026 and UTC+2 after, and never the zone's
identifier. A person's own zone is shown beside the network's on pages, never in a file or
a mail (those are the network's record, the same for everyone)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import icalendar
import pytest
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader

from circulation.models import Circulation
from meetings import services
from meetings.models import MinutesItem, MinutesVersion
from networks.scoping import network_scope, scopes_disabled
from tests.factories import build_network
from tests.meetings.conftest import add_items, local

# The network of each case is a fixture looked up by name: the database is asked for here.
pytestmark = pytest.mark.django_db

# (network, the meeting's start as its people type it, how every reader must see it, the
# UTC hour that must never be shown as if it were local)
CASES = [
    pytest.param(
        "kyrgyzstan",
        "2026-07-14T10:00",
        "Tuesday 14 July 2026, 10:00–12:30 (Bishkek time, UTC+6)",
        "04:00",
        id="bishkek",
    ),
    pytest.param(
        "kosovo",
        "2026-03-10T10:00",
        "Tuesday 10 March 2026, 10:00–12:30 (Pristina time, UTC+1)",
        "09:00",
        id="pristina-before-the-clocks-change",
    ),
    pytest.param(
        "kosovo",
        "2026-03-31T10:00",
        "Tuesday 31 March 2026, 10:00–12:30 (Pristina time, UTC+2)",
        "08:00",
        id="pristina-after-the-clocks-change",
    ),
]
# The same, a year on: a meeting to come (a circulated agenda's meeting is not moved into
# the past, so the updated-agenda case moves one that has not happened yet).
UPCOMING = [
    pytest.param(
        "kyrgyzstan",
        "2027-07-13T10:00",
        "Tuesday 13 July 2027, 10:00–12:30 (Bishkek time, UTC+6)",
        "04:00",
        id="bishkek",
    ),
    pytest.param(
        "kosovo",
        "2027-03-16T10:00",
        "Tuesday 16 March 2027, 10:00–12:30 (Pristina time, UTC+1)",
        "09:00",
        id="pristina-before-the-clocks-change",
    ),
    pytest.param(
        "kosovo",
        "2027-03-30T10:00",
        "Tuesday 30 March 2027, 10:00–12:30 (Pristina time, UTC+2)",
        "08:00",
        id="pristina-after-the-clocks-change",
    ),
]
ZONE_IDENTIFIERS = ("Europe/Belgrade", "Asia/Bishkek")


@pytest.fixture
def kosovo(db):
    with scopes_disabled():
        return build_network(
            "kosovo", code="KOS", time_zone="Europe/Belgrade", time_zone_name="Pristina time"
        )


def network(request, slug):
    return request.getfixturevalue(slug)


def meeting_at(net, start: str):
    """A meeting of two and a half hours from `start` (the network's local time), with an
    approved agenda."""
    starts = local(net, start)
    with transaction.atomic():
        meeting = services.meeting_schedule(
            network=net.network,
            by=net.secretariat,
            kind="regular",
            title="Regular meeting",
            starts_at=starts,
            ends_at=starts + timedelta(minutes=150),
            location="UN House",
        )
    add_items(net, meeting, "Welcome and adoption of the agenda")
    with network_scope(net.network):
        services.agenda_submit(meeting=meeting, by=net.secretariat)
        services.agenda_approve(meeting=meeting, by=net.co_chair)
        meeting.refresh_from_db()
    return meeting


def page_url(net, meeting, name="detail", **kwargs):
    return reverse(
        f"meetings:{name}",
        kwargs={"network": net.network.slug, "meeting_id": meeting.pk, **kwargs},
    )


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def agenda_mailings(net, meeting) -> list[Circulation]:
    with network_scope(net.network):
        return list(Circulation.objects.filter(kind="agenda", about_id=meeting.pk).order_by("pk"))


def attachment(net, mailing: Circulation, filename: str) -> bytes:
    with network_scope(net.network):
        return bytes(mailing.attachments.get(filename=filename).content)


def clock_offset(expected: str) -> str:
    """The offset of an expected label as ISO 8601 writes it: UTC+6 → +06:00."""
    hours = int(expected.rsplit("UTC", 1)[1].rstrip(")"))
    return f"{hours:+03d}:00"


def reads_right(text: str, expected: str, wrong_hour: str) -> None:
    assert expected in text
    assert f"{wrong_hour}–" not in text and f"{wrong_hour} –" not in text
    for identifier in ZONE_IDENTIFIERS:
        assert identifier not in text


def a_londoner(net):
    """The member, who chose to see their own time too (London)."""
    net.member.time_zone = "Europe/London"
    net.member.save()
    return net.member


@pytest.mark.parametrize("slug, start, expected, wrong_hour", CASES)
def test_a_10_00_meeting_reads_10_00_on_the_meeting_page(
    request, login, slug, start, expected, wrong_hour
):
    net = network(request, slug)
    meeting = meeting_at(net, start)
    page = login(net.secretariat).get(page_url(net, meeting)).content.decode()
    reads_right(page, expected, wrong_hour)
    # For machines reading the page: ISO 8601 with the offset of that day.
    offset = clock_offset(expected)
    assert f'<time datetime="{start}:00{offset}">' in page


@pytest.mark.real_pdf  # reads what the PDF says
@pytest.mark.parametrize("slug, start, expected, wrong_hour", CASES)
def test_a_10_00_meeting_reads_10_00_in_the_agenda_pdf(
    request, login, slug, start, expected, wrong_hour
):
    net = network(request, slug)
    meeting = meeting_at(net, start)
    # The PDF on the portal, downloaded by someone who sees their own time on pages: the
    # file is the network's, and carries the network's time only.
    download = login(a_londoner(net)).get(page_url(net, meeting, "agenda-pdf"))
    text = pdf_text(download.content)
    reads_right(text, expected, wrong_hour)
    assert "your time" not in text
    # The PDF mailed with the agenda.
    with network_scope(net.network):
        services.agenda_circulate(meeting=meeting, by=net.secretariat)
    [mailing] = agenda_mailings(net, meeting)
    attached = attachment(net, mailing, "agenda.pdf")
    reads_right(pdf_text(attached), expected, wrong_hour)


@pytest.mark.parametrize("slug, start, expected, wrong_hour", CASES)
def test_a_10_00_meeting_reads_10_00_in_the_first_agenda_mail(
    request, slug, start, expected, wrong_hour
):
    net = network(request, slug)
    a_londoner(net)
    meeting = meeting_at(net, start)
    with network_scope(net.network):
        services.agenda_circulate(meeting=meeting, by=net.secretariat)
    [mailing] = agenda_mailings(net, meeting)
    message = mailing.rendered["en"]
    assert message["subject"].startswith("Agenda:")
    for body in (message["text"], message["html"]):
        reads_right(body, expected, wrong_hour)
        assert "your time" not in body


@pytest.mark.parametrize("slug, start, expected, wrong_hour", UPCOMING)
def test_a_10_00_meeting_reads_10_00_in_the_updated_agenda_mail(
    request, login, slug, start, expected, wrong_hour
):
    """The agenda went out for 09:00; the secretariat moves the meeting to 10:00 on its page,
    and the update goes out at once."""
    net = network(request, slug)
    meeting = meeting_at(net, start.replace("T10:00", "T09:00"))
    with network_scope(net.network):
        services.agenda_circulate(meeting=meeting, by=net.secretariat)
        meeting.refresh_from_db()
    day = start[:10]
    moved = login(net.secretariat).post(
        page_url(net, meeting, "edit"),
        {
            "kind": "regular",
            "title": "Regular meeting",
            "starts_at": f"{day}T10:00",
            "ends_at": f"{day}T12:30",
            "location": "UN House",
            "online_url": "",
            "version": meeting.version,
        },
    )
    assert moved.status_code == 302
    _first, update = agenda_mailings(net, meeting)
    message = update.rendered["en"]
    assert message["subject"].startswith("Updated agenda:")
    for body in (message["text"], message["html"]):
        reads_right(body, expected, wrong_hour)


@pytest.mark.parametrize("slug, start, expected, wrong_hour", CASES)
def test_a_10_00_meeting_reads_10_00_in_the_calendar_file(
    request, login, slug, start, expected, wrong_hour
):
    """10:00 in DTSTART with the network's zone (its VTIMEZONE in the file: every calendar
    shows it in its own zone), the network's time with its label in the description. The
    zone is named as the network's people name their time: Kosovo's file never says
    Europe/Belgrade, its TZID is "Pristina time" and the VTIMEZONE carries the offsets."""
    net = network(request, slug)
    meeting = meeting_at(net, start)
    with network_scope(net.network):
        services.agenda_circulate(meeting=meeting, by=net.secretariat)
    [mailing] = agenda_mailings(net, meeting)
    invitation = attachment(net, mailing, "meeting.ics")
    download = login(net.member).get(page_url(net, meeting, "ics")).content
    for data in (invitation, download):
        [event] = icalendar.Calendar.from_ical(data).walk("VEVENT")
        starts = event.decoded("DTSTART")
        assert starts == meeting.starts_at
        assert starts.strftime("%H:%M") == "10:00"  # as written: the network's local time
        assert starts.utcoffset() == timedelta(hours=int(clock_offset(expected)[:3]))
        tzid = "Pristina time" if slug == "kosovo" else "Asia/Bishkek"
        assert event["DTSTART"].params["TZID"] == tzid
        [zone] = icalendar.Calendar.from_ical(data).walk("VTIMEZONE")
        assert zone["TZID"] == tzid
        assert str(event["DESCRIPTION"]).splitlines()[0] == expected
        if slug == "kosovo":
            assert b"Belgrade" not in data


def write_and_submit_minutes(net, meeting) -> MinutesVersion:
    with network_scope(net.network):
        minutes = services.minutes_start(meeting=meeting, by=net.secretariat)
        item = MinutesItem.objects.get(minutes=minutes)
        services.minutes_item_save(
            item=item,
            by=net.secretariat,
            version=None,
            summary="The agenda was adopted.",
            decisions="",
            action_points=[],
        )
        minutes.refresh_from_db()
        return services.minutes_submit(minutes=minutes, by=net.secretariat)


@pytest.mark.real_pdf  # reads what the PDF says
@pytest.mark.parametrize("slug, start, expected, wrong_hour", CASES)
def test_a_10_00_meeting_reads_10_00_in_the_minutes_pdf(
    request, login, slug, start, expected, wrong_hour
):
    net = network(request, slug)
    meeting = meeting_at(net, start)
    version = write_and_submit_minutes(net, meeting)
    reads_right(pdf_text(bytes(version.pdf)), expected, wrong_hour)
    page = login(net.secretariat).get(page_url(net, meeting, "minutes")).content.decode()
    # "Submitted by … on <now>": labelled like every other time on the page.
    zone = expected.split("(")[1].split(",")[0]
    assert f"({zone}, UTC+" in page
    for identifier in ZONE_IDENTIFIERS:
        assert identifier not in page


@pytest.mark.parametrize(
    "slug, start, iso",
    [
        ("kyrgyzstan", "2026-07-14T10:00", "2026-07-14T10:00:00+06:00"),
        ("kosovo", "2026-03-10T10:00", "2026-03-10T10:00:00+01:00"),
        ("kosovo", "2026-03-31T10:00", "2026-03-31T10:00:00+02:00"),
    ],
)
def test_the_api_gives_a_meetings_time_in_iso_8601_with_the_networks_offset(
    request, login, slug, start, iso
):
    net = network(request, slug)
    meeting = meeting_at(net, start)
    body = login(net.member).get(f"/api/v1/networks/{slug}/meetings/{meeting.pk}/").json()
    assert body["starts_at"] == iso
    assert datetime.fromisoformat(body["starts_at"]) == meeting.starts_at


def test_a_persons_own_time_shows_beside_the_networks_on_the_meeting_page(kyrgyzstan, login):
    meeting = meeting_at(kyrgyzstan, "2026-07-14T10:00")
    page = login(a_londoner(kyrgyzstan)).get(page_url(kyrgyzstan, meeting)).content.decode()
    assert (
        "Tuesday 14 July 2026, 10:00–12:30 (Bishkek time, UTC+6)"
        " · 05:00–07:30 your time (London, UTC+1)"
    ) in page
