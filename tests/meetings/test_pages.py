"""The meeting pages: scheduling in the network's time zone, who may do what, answering an
invitation, two editors at once, what an external partner sees, and fixed query counts."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import services
from meetings.models import Meeting, Participant
from networks import services as network_services
from networks.models import Membership
from networks.scoping import network_scope
from tests.factories import person
from tests.meetings.conftest import add_items, local, schedule

LIST = reverse("meetings:list", kwargs={"network": "kyrgyzstan"})
NEW = reverse("meetings:create", kwargs={"network": "kyrgyzstan"})


def url(meeting, name="detail", **kwargs):
    return reverse(
        f"meetings:{name}", kwargs={"network": "kyrgyzstan", "meeting_id": meeting.pk, **kwargs}
    )


def meetings(net):
    with network_scope(net.network):
        return list(Meeting.objects.all())


def form(**changes):
    return {
        "kind": "regular",
        "title": "Q3 regular meeting",
        "starts_at": "2027-09-15T10:00",
        "ends_at": "2027-09-15T12:30",
        "location": "UN House, Bishkek",
        "online_url": "",
        **changes,
    }


def test_the_secretariat_schedules_in_the_networks_time_zone(kyrgyzstan, login):
    client = login(kyrgyzstan.secretariat)
    response = client.post(NEW, form())
    [meeting] = meetings(kyrgyzstan)
    assert response.status_code == 302 and response["Location"] == url(meeting)
    assert meeting.starts_at == local(kyrgyzstan, "2027-09-15T10:00")  # 04:00 UTC
    with network_scope(kyrgyzstan.network):
        invited = set(Participant.objects.filter(meeting=meeting).values_list("user", flat=True))
    expected = {
        kyrgyzstan.people[key].pk
        for key in ("secretariat", "co_chair", "co_chair2", "member", "member_unhcr")
    }
    assert invited == expected
    page = client.get(url(meeting)).content.decode()
    assert "Wednesday 15 September 2027, 10:00–12:30 (Bishkek time, UTC+6)" in page


def test_a_person_with_a_time_zone_of_their_own_sees_their_time_too(kyrgyzstan, login):
    meeting = schedule(kyrgyzstan, start=local(kyrgyzstan, "2027-09-15T10:00"))
    kyrgyzstan.member.time_zone = "Europe/Berlin"
    kyrgyzstan.member.save()
    page = login(kyrgyzstan.member).get(url(meeting)).content.decode()
    assert "10:00–12:00 (Bishkek time, UTC+6) · 06:00–08:00 your time (Berlin, UTC+2)" in page


@pytest.mark.parametrize(
    "changes, field_message",
    [
        ({"ends_at": "2027-09-15T09:00"}, "The meeting must end after it starts."),
        ({"starts_at": "next tuesday"}, "Give a date and time"),
        ({"title": ""}, "This field is required."),
        ({"kind": "party"}, "Select a valid choice."),
        ({"kind": "working_group"}, "Choose the working group that meets."),
        ({"online_url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"title": "x" * 201}, "at most 200 characters"),
    ],
)
def test_bad_input_is_a_clear_message_and_nothing_is_stored(
    kyrgyzstan, login, changes, field_message
):
    response = login(kyrgyzstan.secretariat).post(NEW, form(**changes))
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert meetings(kyrgyzstan) == []


@pytest.mark.parametrize(
    "key, name, allowed",
    [
        ("member", "agenda-submit", False),
        ("co_chair", "agenda-submit", False),
        ("secretariat", "agenda-approve", False),
        ("member", "agenda-approve", False),
        ("co_chair", "agenda-circulate", False),
        ("member", "agenda-reopen", False),
        ("partner", "rsvp", False),
        ("rco", "rsvp", False),
        ("member", "invite", False),
        ("member", "edit", False),
        ("co_chair", "cancel", False),
        ("secretariat", "agenda-submit", True),
        ("co_chair", "invite", True),
    ],
)
def test_each_transition_is_allowed_only_to_its_roles(kyrgyzstan, login, key, name, allowed):
    meeting = schedule(kyrgyzstan, kind="extended")
    add_items(kyrgyzstan, meeting, "Welcome")
    client = login(kyrgyzstan.people[key])
    data = {"user": kyrgyzstan.partner.pk} if name == "invite" else {}
    response = client.post(url(meeting, name), data)
    assert (response.status_code == 302) is allowed, response.status_code
    if not allowed:
        assert response.status_code in (403, 404)


def test_a_participant_answers_and_may_send_a_colleague_of_their_organisation(kyrgyzstan, login):
    meeting = schedule(kyrgyzstan)
    colleague = person("aida@undp.test", "Aida Colleague")
    network_services.membership_start(
        network=kyrgyzstan.network,
        user=colleague,
        organisation=kyrgyzstan.organisations["UNDP"],
        role="member",
        started_by=kyrgyzstan.secretariat,
    )
    other_org = kyrgyzstan.member_unhcr
    client = login(kyrgyzstan.member)
    client.post(url(meeting, "rsvp"), {"answer": "delegated", "delegate": other_org.pk})
    with network_scope(kyrgyzstan.network):
        mine = Participant.objects.get(meeting=meeting, user=kyrgyzstan.member)
    assert mine.answer == "pending"  # someone of another organisation: refused
    response = client.post(
        url(meeting, "rsvp"), {"answer": "delegated", "delegate": colleague.pk}, follow=True
    )
    assert "Your answer is saved." in response.content.decode()
    with network_scope(kyrgyzstan.network):
        mine.refresh_from_db()
        assert Participant.objects.filter(meeting=meeting, user=colleague, invited=True).exists()
    assert (mine.answer, mine.delegate) == ("delegated", colleague)
    client.post(url(meeting, "rsvp"), {"answer": "accepted"})
    with network_scope(kyrgyzstan.network):
        mine.refresh_from_db()
    assert (mine.answer, mine.delegate) == ("accepted", None)


def test_a_save_over_a_newer_version_is_refused_and_keeps_what_was_typed(kyrgyzstan, login):
    meeting = schedule(kyrgyzstan)
    client = login(kyrgyzstan.secretariat)
    stale_version = meeting.version
    with network_scope(kyrgyzstan.network):
        services.meeting_update(
            meeting=meeting, by=kyrgyzstan.secretariat, version=meeting.version, title="Renamed"
        )
    typed = form(title="My careful new title", version=stale_version)
    response = client.post(url(meeting, "edit"), typed)
    page = response.content.decode()
    assert response.status_code == 409  # stale: a conflict, as the API says
    assert "Someone else changed this meeting" in page
    assert "My careful new title" in page
    with network_scope(kyrgyzstan.network):
        assert Meeting.objects.get(pk=meeting.pk).title == "Renamed"


def test_an_external_partner_sees_only_the_meetings_they_are_invited_to(kyrgyzstan, login):
    internal = schedule(kyrgyzstan, title="Internal regular meeting")
    extended = schedule(kyrgyzstan, title="Extended meeting with partners", kind="extended")
    with network_scope(kyrgyzstan.network):
        services.participant_invite(
            meeting=extended, by=kyrgyzstan.co_chair, user=kyrgyzstan.partner
        )
    client = login(kyrgyzstan.partner)
    listing = client.get(LIST).content.decode()
    assert "Extended meeting with partners" in listing
    assert "Internal regular meeting" not in listing
    assert client.get(url(internal)).status_code == 404
    assert client.get(url(extended)).status_code == 200


def test_the_list_filters_and_warns_when_the_cadence_is_missed(kyrgyzstan, login):
    old = local(kyrgyzstan, "2025-01-10T10:00")
    schedule(kyrgyzstan, title="Old meeting", start=old)
    schedule(
        kyrgyzstan,
        title="Working group on returns",
        kind="working_group",
        working_group=_group(kyrgyzstan),
    )
    client = login(kyrgyzstan.member)
    upcoming = client.get(LIST).content.decode()
    assert "Working group on returns" in upcoming and "Old meeting" not in upcoming
    assert "the next meeting was due by" in upcoming
    past = client.get(LIST, {"when": "past"}).content.decode()
    assert "Old meeting" in past
    filtered = client.get(LIST, {"kind": "regular"}).content.decode()
    assert "Working group on returns" not in filtered
    assert client.get(LIST, {"kind": "x" * 500, "working_group": "9" * 40}).status_code == 200


def _group(net):
    from networks.models import WorkingGroup

    with network_scope(net.network):
        return WorkingGroup.objects.create(network=net.network, name="Returns")


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context)


def test_list_and_meeting_page_run_the_same_queries_as_meetings_grow(kyrgyzstan, login):
    client = login(kyrgyzstan.member)
    first = schedule(kyrgyzstan)
    add_items(kyrgyzstan, first, "Welcome")
    client.get(LIST)  # the first request of a session records it; not the page's cost
    small = (_queries(client, LIST), _queries(client, url(first)))
    for day in range(1, 25):
        meeting = schedule(
            kyrgyzstan, title=f"Meeting {day}", start=first.starts_at + timedelta(days=day)
        )
        add_items(kyrgyzstan, meeting, "Welcome", "Updates", "Any other business")
    add_items(kyrgyzstan, first, "Second", "Third", "Fourth")
    for index in range(6):
        extra = person(f"focal{index}@unicef.test")
        network_services.membership_start(
            network=kyrgyzstan.network,
            user=extra,
            organisation=kyrgyzstan.organisations["UNHCR"],
            role="member",
            started_by=kyrgyzstan.secretariat,
        )
        with network_scope(kyrgyzstan.network):
            Participant.objects.create(
                network=kyrgyzstan.network,
                meeting=first,
                user=extra,
                organisation=kyrgyzstan.organisations["UNHCR"],
            )
    large = (_queries(client, LIST), _queries(client, url(first)))
    assert small == large


def test_the_meeting_page_says_what_waits_for_a_co_chair(kyrgyzstan, login):
    meeting = schedule(kyrgyzstan)
    add_items(kyrgyzstan, meeting, "Welcome")
    with network_scope(kyrgyzstan.network):
        services.agenda_submit(meeting=meeting, by=kyrgyzstan.secretariat)
        assert Membership.objects.filter(user=kyrgyzstan.co_chair).exists()
    page = login(kyrgyzstan.co_chair).get(url(meeting)).content.decode()
    assert "Approve the agenda" in page and "Return to the secretariat" in page
    member_page = login(kyrgyzstan.member).get(url(meeting)).content.decode()
    assert "Approve the agenda" not in member_page


def test_before_the_meeting_the_minutes_page_says_when_they_can_start(kyrgyzstan, login):
    """No start button before the meeting, and not a silent page: the secretariat reads when
    the minutes can start, in the network's clock."""
    start = datetime(2031, 3, 4, 4, 0, tzinfo=ZoneInfo("UTC"))  # 10:00 in Bishkek
    meeting = schedule(kyrgyzstan, start=start)
    page = login(kyrgyzstan.secretariat).get(url(meeting, "minutes")).content.decode()
    assert "Start the minutes" not in page
    assert "The minutes can be started once the meeting has begun" in page
    assert "10:00" in page and "Bishkek time" in page


def test_deleting_an_agenda_item_asks_first(kyrgyzstan, login):
    meeting = schedule(kyrgyzstan)
    add_items(kyrgyzstan, meeting, "Welcome", "Labour migration study")
    with network_scope(kyrgyzstan.network):
        item = meeting.agenda_items.get(title="Labour migration study")
    client = login(kyrgyzstan.secretariat)
    agenda = client.get(url(meeting)).content.decode()
    delete = url(meeting, "item-delete", item_id=item.pk)
    assert f'href="{delete}"' in agenda  # a link to the question, not a button that deletes
    question = client.get(delete).content.decode()
    assert "Delete “Labour migration study” from the agenda?" in question
    assert "Keep it" in question
    with network_scope(kyrgyzstan.network):
        assert meeting.agenda_items.count() == 2
    client.post(delete)
    with network_scope(kyrgyzstan.network):
        assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Welcome"]


def test_an_invited_partner_sees_the_organisations_not_the_other_participants(kyrgyzstan, login):
    extended = schedule(kyrgyzstan, title="Extended meeting with partners", kind="extended")
    add_items(kyrgyzstan, extended, "Welcome")
    with network_scope(kyrgyzstan.network):
        services.participant_invite(
            meeting=extended, by=kyrgyzstan.co_chair, user=kyrgyzstan.partner
        )
    others = (kyrgyzstan.member, kyrgyzstan.co_chair, kyrgyzstan.secretariat)
    page = login(kyrgyzstan.partner).get(url(extended))
    assert page.status_code == 200
    text = page.content.decode()
    for other in others:
        assert other.email not in text, other.email
        assert other.full_name not in text, other.full_name
    assert "UNDP" in text  # the organisations stay
    assert kyrgyzstan.partner.full_name in text  # one's own row is not hidden
    # The network's own people still read who takes part.
    member_page = login(kyrgyzstan.member).get(url(extended)).content.decode()
    assert kyrgyzstan.co_chair.full_name in member_page


def test_a_year_of_past_meetings_is_one_page_at_the_cost_of_two(kyrgyzstan, login):
    """40 past meetings in a year: one page lists them all, in as many queries as 2."""
    client = login(kyrgyzstan.member)
    first = local(kyrgyzstan, "2025-01-06T10:00")
    for week in range(2):
        schedule(kyrgyzstan, title=f"Past meeting {week:02d}", start=first + timedelta(weeks=week))
    client.get(LIST)  # the first request of a session records it; not the page's cost
    two = _queries(client, f"{LIST}?when=past")
    for week in range(2, 40):
        schedule(kyrgyzstan, title=f"Past meeting {week:02d}", start=first + timedelta(weeks=week))
    forty = _queries(client, f"{LIST}?when=past")
    page = client.get(LIST, {"when": "past"}).content.decode()
    assert all(f"Past meeting {week:02d}" in page for week in range(40))
    assert "page=2" not in page
    assert forty == two
