"""A meeting's online link: https only; a known meeting service is taken as it is, any other
https address with a warning the secretariat sees; the join button shows on the meeting's
page from 15 minutes before the start until the end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import services
from meetings.models import Meeting
from networks.scoping import network_scope
from tests.meetings.conftest import schedule

TEAMS = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0"


def page(meeting):
    return reverse("meetings:detail", kwargs={"network": "kyrgyzstan", "meeting_id": meeting.pk})


@pytest.mark.parametrize(
    "link, message",
    [
        ("http://teams.microsoft.com/l/meetup-join/1", "must start with https://"),
        ("javascript:alert(1)", "full address"),
        ("ftp://files.example.org/room", "must start with https://"),
        ("https://user:secret@zoom.us/j/123", "user name or password"),
        ("https://", "full address"),
    ],
)
def test_a_link_that_is_not_https_is_refused_and_nothing_is_scheduled(kyrgyzstan, link, message):
    with pytest.raises(ValidationError) as error:
        schedule(kyrgyzstan, online_url=link)
    assert message in " ".join(error.value.messages)
    with network_scope(kyrgyzstan.network):
        assert not Meeting.objects.exists()


def test_a_changed_link_is_checked_too_and_the_meeting_stays_as_it_was(kyrgyzstan):
    meeting = schedule(kyrgyzstan, online_url=TEAMS)
    with network_scope(kyrgyzstan.network), pytest.raises(ValidationError):
        services.meeting_update(
            meeting=meeting,
            by=kyrgyzstan.secretariat,
            version=meeting.version,
            online_url="http://zoom.us/j/1",
        )
    with network_scope(kyrgyzstan.network):
        assert Meeting.objects.get(pk=meeting.pk).online_url == TEAMS


@pytest.mark.parametrize(
    "link, service",
    [
        (TEAMS, "Microsoft Teams"),
        ("https://undp.zoom.us/j/81234567890?pwd=abc", "Zoom"),
        ("https://iom.webex.com/meet/focal.point", "Webex"),
        ("https://meet.google.com/abc-defg-hij", "Google Meet"),
    ],
)
def test_a_known_service_is_named_and_not_warned_about(kyrgyzstan, login, link, service):
    meeting = schedule(kyrgyzstan, online_url=link)
    html = login(kyrgyzstan.secretariat).get(page(meeting)).content.decode()
    assert f"{service}: " in html
    assert 'id="link-warning"' not in html


def test_another_https_link_is_accepted_with_a_warning_to_the_secretariat(kyrgyzstan, login):
    client = login(kyrgyzstan.secretariat)
    start = datetime.now(UTC).astimezone(kyrgyzstan.network.zone) + timedelta(days=20)
    response = client.post(
        reverse("meetings:create", kwargs={"network": "kyrgyzstan"}),
        {
            "kind": "regular",
            "title": "Q4 meeting",
            "starts_at": start.strftime("%Y-%m-%dT10:00"),
            "ends_at": start.strftime("%Y-%m-%dT12:00"),
            "online_url": "https://meet.jit.si/kg-migration-network",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "meet.jit.si, which is not a known meeting service" in html  # the saved message
    with network_scope(kyrgyzstan.network):
        meeting = Meeting.objects.get(title="Q4 meeting")
    assert meeting.online_url == "https://meet.jit.si/kg-migration-network"
    assert 'id="link-warning"' in client.get(page(meeting)).content.decode()
    member_page = login(kyrgyzstan.member).get(page(meeting)).content.decode()
    assert 'id="link-warning"' not in member_page


@pytest.mark.parametrize(
    "starts_in, hours, shown",
    [
        (timedelta(minutes=20), 2, False),  # too early
        (timedelta(minutes=14), 2, True),  # within 15 minutes of the start
        (timedelta(minutes=-30), 2, True),  # running
        (timedelta(hours=-3), 2, False),  # over
    ],
)
def test_the_join_button_shows_from_15_minutes_before_until_the_end(
    kyrgyzstan, login, starts_in, hours, shown
):
    start = datetime.now(UTC) + starts_in
    meeting = schedule(kyrgyzstan, start=start, hours=hours, online_url=TEAMS)
    html = login(kyrgyzstan.member).get(page(meeting)).content.decode()
    assert ('id="join"' in html) is shown
    if shown:
        assert "Join on Microsoft Teams" in html


def test_no_join_button_for_a_cancelled_meeting(kyrgyzstan, login):
    meeting = schedule(kyrgyzstan, start=datetime.now(UTC), online_url=TEAMS)
    with network_scope(kyrgyzstan.network):
        services.meeting_cancel(meeting=meeting, by=kyrgyzstan.secretariat, reason="Floods")
    assert 'id="join"' not in login(kyrgyzstan.member).get(page(meeting)).content.decode()
