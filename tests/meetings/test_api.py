"""The meetings API reads what the pages show, with the same permissions."""

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
    assert detail["starts_at"].endswith("Z") or "+00:00" in detail["starts_at"]


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
