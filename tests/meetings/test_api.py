"""The meetings API reads what the pages show, with the same permissions."""

from datetime import datetime

from django.test import Client

from meetings import services
from networks.scoping import network_scope
from tests.meetings.conftest import add_items, local, schedule

BASE = "/api/v1/networks/kyrgyzstan/meetings/"


def as_(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_and_a_meeting_with_its_agenda_in_order(kyrgyzstan):
    meeting = schedule(kyrgyzstan, title="Q3 regular meeting")
    add_items(kyrgyzstan, meeting, "Welcome", "Labour migration study")
    with network_scope(kyrgyzstan.network):  # members read an approved agenda
        services.agenda_submit(meeting=meeting, by=kyrgyzstan.secretariat)
        services.agenda_approve(meeting=meeting, by=kyrgyzstan.co_chair)
    schedule(kyrgyzstan, title="Old meeting", start=local(kyrgyzstan, "2025-02-01T10:00"))
    client = as_(kyrgyzstan.member)
    listing = client.get(BASE).json()
    assert [m["title"] for m in listing["results"]] == ["Q3 regular meeting", "Old meeting"]
    past = client.get(BASE, {"when": "past"}).json()
    assert [m["title"] for m in past["results"]] == ["Old meeting"]
    detail = client.get(f"{BASE}{meeting.pk}/").json()
    assert [item["title"] for item in detail["agenda_items"]] == [
        "Welcome",
        "Labour migration study",
    ]
    assert detail["agenda_items"][0]["presenter_organisation"]["acronym"] == "UNDP"
    assert {p["email"] for p in detail["participants"]} >= {kyrgyzstan.member.email}
    # ISO 8601 with the network's offset: the same instant, as Bishkek reads it.
    assert detail["starts_at"].endswith("+06:00")
    assert datetime.fromisoformat(detail["starts_at"]) == meeting.starts_at


def test_an_external_partner_reads_only_the_meetings_they_are_invited_to(kyrgyzstan):
    internal = schedule(kyrgyzstan, title="Internal")
    extended = schedule(kyrgyzstan, title="Extended", kind="extended")
    with network_scope(kyrgyzstan.network):
        services.participant_invite(
            meeting=extended, by=kyrgyzstan.co_chair, user=kyrgyzstan.partner
        )
    client = as_(kyrgyzstan.partner)
    assert [m["title"] for m in client.get(BASE).json()["results"]] == ["Extended"]
    missing = client.get(f"{BASE}{internal.pk}/")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_a_bad_filter_is_a_400_naming_it(kyrgyzstan):
    response = as_(kyrgyzstan.member).get(BASE, {"when": "tomorrow", "kind": "party"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"when", "kind"}


def test_members_read_approved_minutes_and_co_chairs_the_submitted_ones_too(kyrgyzstan):
    from datetime import timedelta

    from django.utils import timezone

    from tests.meetings.test_minutes import written

    held = schedule(kyrgyzstan, start=timezone.now() - timedelta(days=1))
    add_items(kyrgyzstan, held, "Welcome", "Labour migration study")
    minutes = written(kyrgyzstan, held)
    with network_scope(kyrgyzstan.network):
        services.minutes_submit(minutes=minutes, by=kyrgyzstan.secretariat)
    path = f"{BASE}{held.pk}/minutes/"
    assert as_(kyrgyzstan.member).get(path).json()["results"] == []
    [pending] = as_(kyrgyzstan.co_chair).get(path).json()["results"]
    assert pending["approved_at"] is None and pending["number"] == 1
    with network_scope(kyrgyzstan.network):
        for co_chair in (kyrgyzstan.co_chair, kyrgyzstan.co_chair2):
            services.minutes_approve(
                minutes=minutes, by=co_chair, content_sha256=pending["content_sha256"]
            )
    [approved] = as_(kyrgyzstan.member).get(path).json()["results"]
    assert approved["content_sha256"] == pending["content_sha256"]
    assert {a["co_chair"] for a in approved["approvals"]} == {
        kyrgyzstan.co_chair.email,
        kyrgyzstan.co_chair2.email,
    }
    assert approved["content"]["items"][1]["decisions"] == [
        "The network endorses the study.",
        "UNDP leads the follow-up.",
    ]


def test_an_external_partner_reads_organisations_not_the_participants_addresses(kyrgyzstan):
    extended = schedule(kyrgyzstan, title="Extended", kind="extended")
    add_items(kyrgyzstan, extended, "Welcome")
    with network_scope(kyrgyzstan.network):
        services.participant_invite(
            meeting=extended, by=kyrgyzstan.co_chair, user=kyrgyzstan.partner
        )
    detail = as_(kyrgyzstan.partner).get(f"{BASE}{extended.pk}/")
    assert detail.status_code == 200
    body = detail.json()
    others = [p for p in body["participants"] if p["email"] != kyrgyzstan.partner.email]
    assert others, "the meeting has other participants"
    assert all(p["email"] is None and p["full_name"] is None for p in others)
    assert all(p["organisation"] for p in others if p["organisation"] is not None)
    assert {p["organisation"]["acronym"] for p in others if p["organisation"]} >= {"UNDP"}
    mine = [p for p in body["participants"] if p["email"] == kyrgyzstan.partner.email]
    assert len(mine) == 1  # one's own row stays readable
    assert all(item["presenter"] is None for item in body["agenda_items"])
    for person in (kyrgyzstan.member, kyrgyzstan.co_chair, kyrgyzstan.secretariat):
        assert person.email not in detail.content.decode()
    # A member of the network still reads who takes part.
    member_view = as_(kyrgyzstan.member).get(f"{BASE}{extended.pk}/").json()
    assert kyrgyzstan.co_chair.email in {p["email"] for p in member_view["participants"]}


def test_a_partner_does_not_read_who_approved_a_submitted_agenda(kyrgyzstan):
    """Where the agenda waits for the co-chairs, the secretariat reads who has approved and
    who is awaited; members and an invited partner read neither (the draft is not theirs
    yet, meetings.selectors.agenda_shown)."""
    meeting = schedule(kyrgyzstan, title="Extended", kind="extended")
    add_items(kyrgyzstan, meeting, "Welcome")
    with network_scope(kyrgyzstan.network):
        services.participant_invite(
            meeting=meeting, by=kyrgyzstan.co_chair, user=kyrgyzstan.partner
        )
        services.agenda_submit(meeting=meeting, by=kyrgyzstan.secretariat)
    officer = as_(kyrgyzstan.secretariat).get(f"{BASE}{meeting.pk}/").json()
    assert officer["agenda_signoff"]["awaited"]
    assert as_(kyrgyzstan.member).get(f"{BASE}{meeting.pk}/").json()["agenda_signoff"] is None
    partner = as_(kyrgyzstan.partner).get(f"{BASE}{meeting.pk}/")
    assert partner.json()["agenda_signoff"] is None
    assert kyrgyzstan.co_chair.get_full_name() not in partner.content.decode()


def test_a_meeting_without_an_online_link_says_null_not_an_empty_string(kyrgyzstan):
    offline = schedule(kyrgyzstan, title="In the office")
    online = schedule(kyrgyzstan, title="Online", online_url="https://meet.example.org/q3")
    client = as_(kyrgyzstan.member)
    links = {m["title"]: m["online_url"] for m in client.get(BASE).json()["results"]}
    assert links == {"In the office": None, "Online": "https://meet.example.org/q3"}
    assert client.get(f"{BASE}{offline.pk}/").json()["online_url"] is None
    assert client.get(f"{BASE}{online.pk}/").json()["online_url"] == "https://meet.example.org/q3"
