"""Attendance (issue #19): the list starts from the answers, everyone can be marked present
at once, guests are recorded by name and organisation and appear in the minutes and their
PDF, and after the meeting "every member organisation represented" counts from it."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from meetings import services
from meetings.models import Attendance, Minutes, MinutesVersion
from networks import services as network_services
from networks.scoping import network_scope
from tests.factories import person
from tests.meetings.conftest import add_items, schedule


def url(meeting, name="minutes"):
    return reverse(f"meetings:{name}", kwargs={"network": "kyrgyzstan", "meeting_id": meeting.pk})


@pytest.fixture
def held(kyrgyzstan):
    """Yesterday's meeting: UNDP's focal point sent a colleague, UNHCR's declined, a co-chair
    said they attend, the other said maybe."""
    colleague = person("aida@undp.test", "Aida Colleague")
    network_services.membership_start(
        network=kyrgyzstan.network,
        user=colleague,
        organisation=kyrgyzstan.organisations["UNDP"],
        role="member",
        started_by=kyrgyzstan.secretariat,
    )
    meeting = schedule(kyrgyzstan, start=timezone.now() - timedelta(days=1))
    add_items(kyrgyzstan, meeting, "Welcome")
    with network_scope(kyrgyzstan.network):
        services.rsvp(
            meeting=meeting, user=kyrgyzstan.member, answer="delegated", delegate=colleague
        )
        services.rsvp(meeting=meeting, user=kyrgyzstan.member_unhcr, answer="declined")
        services.rsvp(meeting=meeting, user=kyrgyzstan.co_chair, answer="accepted")
        services.rsvp(meeting=meeting, user=kyrgyzstan.co_chair2, answer="tentative")
    meeting.colleague = colleague
    return meeting


def statuses(net, meeting) -> dict[int, str]:
    with network_scope(net.network):
        return dict(
            Attendance.objects.filter(minutes__meeting=meeting).values_list("user", "status")
        )


def started(net, meeting) -> Minutes:
    with network_scope(net.network):
        return services.minutes_start(meeting=meeting, by=net.secretariat)


def test_the_attendance_starts_from_the_answers(kyrgyzstan, held, login):
    login(kyrgyzstan.secretariat).post(url(held, "minutes-start"))
    assert statuses(kyrgyzstan, held) == {
        held.colleague.pk: "present",  # the colleague sent in the focal point's place
        kyrgyzstan.member.pk: "excused",  # sent a colleague
        kyrgyzstan.member_unhcr.pk: "excused",  # declined: apologies
        kyrgyzstan.co_chair.pk: "present",  # attends
        kyrgyzstan.co_chair2.pk: "absent",  # maybe: nobody knows yet
        kyrgyzstan.secretariat.pk: "absent",  # did not answer
    }


def test_everyone_present_in_one_click_without_javascript(kyrgyzstan, held, login):
    minutes = started(kyrgyzstan, held)
    client = login(kyrgyzstan.secretariat)
    form = client.get(url(held, "minutes-attendance")).content.decode()
    assert 'name="all_present"' in form and 'type="submit"' in form
    response = client.post(
        url(held, "minutes-attendance"), {"version": minutes.version, "all_present": "1"}
    )
    assert response.status_code == 302 and response["Location"] == url(held, "minutes-attendance")
    assert set(statuses(kyrgyzstan, held).values()) == {"present"}
    page = client.get(response["Location"]).content.decode()
    assert "Everyone on the list is marked present" in page


@pytest.mark.real_pdf  # reads what the PDF says
def test_guests_are_recorded_by_name_and_organisation_and_go_into_the_minutes(
    kyrgyzstan, held, login
):
    minutes = started(kyrgyzstan, held)
    client = login(kyrgyzstan.secretariat)
    rows = {f"status_{uid}": status for uid, status in statuses(kyrgyzstan, held).items()}
    response = client.post(
        url(held, "minutes-attendance"),
        {
            "version": minutes.version,
            **rows,
            "guests-TOTAL_FORMS": "3",
            "guests-INITIAL_FORMS": "0",
            "guests-0-name": "Bakyt Usenov",
            "guests-0-organisation": "Ministry of Labour",
            "guests-1-name": "Ainura Toktogulova",
            "guests-1-organisation": "",
        },
    )
    assert response.status_code == 302
    with network_scope(kyrgyzstan.network):
        from meetings.models import AttendanceGuest

        guests = list(
            AttendanceGuest.objects.filter(minutes=minutes).values_list("name", "organisation")
        )
        minutes.refresh_from_db()
    assert guests == [("Bakyt Usenov", "Ministry of Labour"), ("Ainura Toktogulova", "")]
    again = client.get(url(held, "minutes-attendance")).content.decode()
    assert 'value="Bakyt Usenov"' in again  # the form shows them, to change or remove
    page = client.get(url(held)).content.decode()
    assert "Bakyt Usenov" in page and "Ministry of Labour" in page
    with network_scope(kyrgyzstan.network):
        services.minutes_item_save(
            item=minutes.items.get(),
            by=kyrgyzstan.secretariat,
            version=None,
            summary="The chair opened the meeting.",
            decisions="",
            action_points=[],
        )
        minutes.refresh_from_db()
    submitted = client.post(url(held, "minutes-submit"), {"version": minutes.version}, follow=True)
    assert "The minutes are submitted" in submitted.content.decode()
    with network_scope(kyrgyzstan.network):
        version = MinutesVersion.objects.get(minutes=minutes)
    assert version.content["guests"] == [
        {"name": "Bakyt Usenov", "organisation": "Ministry of Labour"},
        {"name": "Ainura Toktogulova", "organisation": ""},
    ]
    pages = PdfReader(io.BytesIO(bytes(version.pdf))).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Bakyt Usenov" in text and "Ministry of Labour" in text


def test_a_guest_needs_a_name(kyrgyzstan, held, login):
    minutes = started(kyrgyzstan, held)
    response = login(kyrgyzstan.secretariat).post(
        url(held, "minutes-attendance"),
        {
            "version": minutes.version,
            **{f"status_{uid}": s for uid, s in statuses(kyrgyzstan, held).items()},
            "guests-TOTAL_FORMS": "1",
            "guests-INITIAL_FORMS": "0",
            "guests-0-name": "",
            "guests-0-organisation": "Ministry of Labour",
        },
    )
    assert response.status_code == 400
    assert "Give the guest&#x27;s name." in response.content.decode()
    with network_scope(kyrgyzstan.network):
        from meetings.models import AttendanceGuest

        assert not AttendanceGuest.objects.exists()


def test_after_the_meeting_its_page_counts_representation_from_the_attendance(
    kyrgyzstan, held, login
):
    minutes = started(kyrgyzstan, held)
    with network_scope(kyrgyzstan.network):
        everyone_absent = {uid: "absent" for uid in statuses(kyrgyzstan, held)}
        services.attendance_save(
            minutes=minutes, by=kyrgyzstan.secretariat, version=None, statuses=everyone_absent
        )
        services.attendance_save(
            minutes=minutes,
            by=kyrgyzstan.secretariat,
            version=None,
            statuses={held.colleague.pk: "present"},
        )
    page = login(kyrgyzstan.member).get(url(held, "detail")).content.decode()
    assert 'id="representation"' in page
    assert "1 of 4 member organisations were represented." in page
    assert "Not represented:" in page and "UNHCR" in page.split('id="representation"')[1]
