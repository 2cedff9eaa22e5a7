"""The day-before reminder: once per meeting, to those who attend and those who have not
answered, each in their language, in the network's time; never for a cancelled meeting. And
before the meeting, which member organisations have nobody attending yet."""

from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from circulation.models import Circulation, Delivery
from meetings import services
from meetings.models import Meeting
from meetings.tasks import remind_upcoming_meetings
from networks.scoping import network_scope
from tests.meetings.conftest import schedule


def next_ten_oclock(net) -> datetime:
    """The next 10:00 in Bishkek: always within a day from now."""
    zone = ZoneInfo(net.network.time_zone)
    now = datetime.now(zone)
    ten = now.replace(hour=10, minute=0, second=0, microsecond=0)
    return ten if ten > now else ten + timedelta(days=1)


def answer(net, meeting, key, reply):
    with network_scope(net.network):
        services.rsvp(meeting=meeting, user=net.people[key], answer=reply)


def test_the_attending_and_the_unanswered_are_reminded_once_in_their_language(kyrgyzstan):
    kyrgyzstan.people["member_unhcr"].language = "ru"
    kyrgyzstan.people["member_unhcr"].save(update_fields=["language"])
    meeting = schedule(kyrgyzstan, title="Q3 regular meeting", start=next_ten_oclock(kyrgyzstan))
    later = schedule(kyrgyzstan, title="Next month", start=meeting.starts_at + timedelta(days=2))
    answer(kyrgyzstan, meeting, "secretariat", "accepted")
    answer(kyrgyzstan, meeting, "member_unhcr", "accepted")
    answer(kyrgyzstan, meeting, "co_chair", "declined")
    answer(kyrgyzstan, meeting, "co_chair2", "tentative")
    # member: no answer

    assert remind_upcoming_meetings() == 1
    assert remind_upcoming_meetings() == 0  # reminded once

    with network_scope(kyrgyzstan.network):
        [reminder] = Circulation.objects.filter(kind=Circulation.Kind.REMINDER)
        deliveries = dict(
            Delivery.objects.filter(circulation=reminder).values_list("address", "language")
        )
        meeting.refresh_from_db()
        later.refresh_from_db()
    assert reminder.about == meeting
    assert deliveries == {
        kyrgyzstan.people["secretariat"].email: "en",
        kyrgyzstan.people["member"].email: "en",
        kyrgyzstan.people["member_unhcr"].email: "ru",
    }
    assert meeting.reminded_at is not None
    assert later.reminded_at is None  # not due yet
    english = reminder.rendered["en"]
    assert "Reminder: Q3 regular meeting" in english["subject"]
    assert "10:00–12:00 (Bishkek time, UTC+6)" in english["text"]
    assert "10:00–12:00 (Bishkek time, UTC+6)" in english["html"]
    russian = reminder.rendered["ru"]
    assert "Напоминание" in russian["subject"]
    assert "10:00–12:00 (время Бишкека, UTC+6)" in russian["text"]


def test_a_cancelled_meeting_is_never_reminded(kyrgyzstan):
    meeting = schedule(kyrgyzstan, start=next_ten_oclock(kyrgyzstan))
    with network_scope(kyrgyzstan.network):
        services.meeting_cancel(meeting=meeting, by=kyrgyzstan.secretariat, reason="No quorum")
    assert remind_upcoming_meetings() == 0
    with network_scope(kyrgyzstan.network):
        assert not Circulation.objects.filter(kind=Circulation.Kind.REMINDER).exists()
        assert Meeting.objects.get(pk=meeting.pk).reminded_at is None


def test_the_meeting_page_says_which_member_organisations_nobody_attends_from_yet(
    kyrgyzstan, login
):
    meeting = schedule(kyrgyzstan)
    page = reverse("meetings:detail", kwargs={"network": "kyrgyzstan", "meeting_id": meeting.pk})
    client = login(kyrgyzstan.member)
    text = client.get(page).content.decode()
    assert "0 of 4 member organisations have someone attending." in text
    answer(kyrgyzstan, meeting, "secretariat", "accepted")  # IOM
    answer(kyrgyzstan, meeting, "member", "tentative")  # UNDP: not yet
    answer(kyrgyzstan, meeting, "co_chair", "declined")  # RCO: not
    text = client.get(page).content.decode()
    assert "1 of 4 member organisations have someone attending." in text
    undp, unhcr, rco = (
        kyrgyzstan.organisations[key].display_name for key in ("UNDP", "UNHCR", "RCO")
    )
    missing = unescape(text.split("Nobody attending yet from:", 1)[1].split("</p>", 1)[0])
    assert {name.strip() for name in missing.split(",")} == {rco, unhcr, undp}
    for key in ("member", "member_unhcr", "co_chair"):
        answer(kyrgyzstan, meeting, key, "accepted")
    text = client.get(page).content.decode()
    assert "Every member organisation is represented." in text


def test_a_meeting_moved_after_its_reminder_is_reminded_again_before_its_new_time(kyrgyzstan):
    meeting = schedule(kyrgyzstan, title="Moved meeting", start=next_ten_oclock(kyrgyzstan))
    assert remind_upcoming_meetings() == 1
    with network_scope(kyrgyzstan.network):
        meeting.refresh_from_db()
        # Three hours later, or earlier when later would be beyond the next day.
        ahead = meeting.starts_at + timedelta(hours=3) <= timezone.now() + timedelta(days=1)
        later = meeting.starts_at + timedelta(hours=3 if ahead else -3)
        services.meeting_update(
            meeting=meeting,
            by=kyrgyzstan.secretariat,
            version=meeting.version,
            starts_at=later,
            ends_at=later + timedelta(hours=2),
        )
    assert remind_upcoming_meetings() == 1
    with network_scope(kyrgyzstan.network):
        texts = [
            mailing.rendered["en"]["text"]
            for mailing in Circulation.objects.filter(kind=Circulation.Kind.REMINDER).order_by("pk")
        ]
    expected = "13:00–15:00" if ahead else "07:00–09:00"
    assert f"{expected} (Bishkek time, UTC+6)" in texts[-1]
    assert remind_upcoming_meetings() == 0


def test_representation_is_not_shown_to_a_guest_nor_for_a_cancelled_meeting(kyrgyzstan, login):
    meeting = schedule(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        services.participant_invite(
            meeting=meeting, by=kyrgyzstan.secretariat, user=kyrgyzstan.people["partner"]
        )
    page = reverse("meetings:detail", kwargs={"network": "kyrgyzstan", "meeting_id": meeting.pk})
    sentence = "member organisations have someone attending"
    assert sentence in login(kyrgyzstan.member).get(page).content.decode()
    assert sentence not in login(kyrgyzstan.people["partner"]).get(page).content.decode()
    with network_scope(kyrgyzstan.network):
        services.meeting_cancel(meeting=meeting, by=kyrgyzstan.secretariat, reason="No quorum")
    assert sentence not in login(kyrgyzstan.member).get(page).content.decode()


def _remind_with_next_digest(kyrgyzstan, monkeypatch, hours_after_now: int) -> dict:
    """The member reads optional mail as a daily digest; the meeting starts in 20 hours and
    the next digest leaves `hours_after_now` hours from now: the member's delivery state."""
    import circulation.services
    from circulation.services import mail_preference_set

    mail_preference_set(user=kyrgyzstan.people["member"], optional_mail="daily")
    monkeypatch.setattr(
        circulation.services,
        "next_digest_at",
        lambda now: now + timedelta(hours=hours_after_now),
    )
    start = (timezone.now() + timedelta(hours=20)).replace(second=0, microsecond=0)
    schedule(kyrgyzstan, title="Q3 regular meeting", start=start)
    assert remind_upcoming_meetings() == 1
    with network_scope(kyrgyzstan.network):
        return dict(
            Delivery.objects.filter(circulation__kind=Circulation.Kind.REMINDER).values_list(
                "address", "status"
            )
        )


def test_a_digest_reader_gets_the_reminder_in_the_digest_that_leaves_in_time(
    kyrgyzstan, monkeypatch
):
    states = _remind_with_next_digest(kyrgyzstan, monkeypatch, hours_after_now=10)
    assert states[kyrgyzstan.people["member"].email] == Delivery.Status.DIGEST
    assert states[kyrgyzstan.people["secretariat"].email] == Delivery.Status.QUEUED


def test_a_digest_leaving_too_close_to_the_start_does_not_hold_the_reminder(
    kyrgyzstan, monkeypatch
):
    # The digest would leave 1 hour before the start (19 h from now): under the margin.
    states = _remind_with_next_digest(kyrgyzstan, monkeypatch, hours_after_now=19)
    assert states[kyrgyzstan.people["member"].email] == Delivery.Status.QUEUED


def test_the_next_digest_is_the_beats_next_run():
    from circulation.services import next_digest_at

    utc = ZoneInfo("UTC")
    assert next_digest_at(datetime(2026, 9, 14, 5, 59, tzinfo=utc)) == datetime(
        2026, 9, 14, 6, 0, tzinfo=utc
    )
    assert next_digest_at(datetime(2026, 9, 14, 6, 0, tzinfo=utc)) == datetime(
        2026, 9, 15, 6, 0, tzinfo=utc
    )
