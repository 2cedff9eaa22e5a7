"""Pages that guide (issue #15): the home's and the list's links to meetings lead only to
meetings the person may open, a 404 is the portal's page even with DEBUG on, and members
read an agenda only once the co-chairs approved it."""

import re

import pytest
from django.urls import reverse

from meetings import services
from networks.scoping import network_scope
from tests.meetings.conftest import add_items, schedule

HOME = reverse("networks:home", kwargs={"network": "kyrgyzstan"})
LIST = reverse("meetings:list", kwargs={"network": "kyrgyzstan"})


def url(meeting, name="detail"):
    return reverse(f"meetings:{name}", kwargs={"network": "kyrgyzstan", "meeting_id": meeting.pk})


def meeting_links(page: str) -> list[str]:
    return re.findall(r'href="(/n/kyrgyzstan/meetings/\d+/)"', page)


def test_a_partners_home_links_only_to_the_meeting_they_are_invited_to(kyrgyzstan, login):
    schedule(kyrgyzstan, title="Regular meeting, 2026 Q4")
    client = login(kyrgyzstan.partner)
    home = client.get(HOME).content.decode()
    assert "Regular meeting, 2026 Q4" not in home
    assert meeting_links(home) == []
    assert "the next meeting was due" not in home

    extended = schedule(kyrgyzstan, title="Extended meeting with partners", kind="extended")
    with network_scope(kyrgyzstan.network):
        services.participant_invite(
            meeting=extended, by=kyrgyzstan.co_chair, user=kyrgyzstan.partner
        )
    home = client.get(HOME).content.decode()
    assert "Extended meeting with partners" in home
    assert meeting_links(home) == [url(extended)]
    for link in meeting_links(home) + meeting_links(client.get(LIST).content.decode()):
        assert client.get(link).status_code == 200


def test_a_member_still_sees_the_networks_next_meeting(kyrgyzstan, login):
    meeting = schedule(kyrgyzstan, title="Regular meeting, 2026 Q4")
    home = login(kyrgyzstan.member).get(HOME).content.decode()
    assert meeting_links(home) == [url(meeting)]


@pytest.mark.parametrize(
    "path",
    ["/n/kyrgyzstan/meetings/999999/", "/n/kyrgyzstan/no-such-page/", "/n/nowhere/meetings/"],
)
def test_with_debug_a_404_is_the_portals_page_not_the_url_list(kyrgyzstan, login, settings, path):
    settings.DEBUG = True
    response = login(kyrgyzstan.partner).get(path)
    page = response.content.decode()
    assert response.status_code == 404
    assert "There is nothing here, or nothing you can see." in page
    assert "URLconf" not in page and "meetings:detail" not in page


def test_a_developer_may_ask_for_the_technical_404(kyrgyzstan, login, settings):
    settings.DEBUG = True
    settings.PORTAL_TECHNICAL_404 = True
    response = login(kyrgyzstan.partner).get("/n/kyrgyzstan/no-such-page/")
    assert response.status_code == 404 and "URLconf" in response.content.decode()


# The agenda: members and partners read it once the co-chairs approved it ------------------

API = "/api/v1/networks/kyrgyzstan/meetings/"


@pytest.fixture
def submitted(kyrgyzstan):
    """An agenda the secretariat submitted to the co-chairs, not yet approved."""
    meeting = schedule(kyrgyzstan, title="Regular meeting, 2026 Q4")
    add_items(kyrgyzstan, meeting, "Welcome", "Labour migration study")
    with network_scope(kyrgyzstan.network):
        services.agenda_submit(meeting=meeting, by=kyrgyzstan.secretariat)
    return meeting


@pytest.mark.parametrize("key", ["member", "rco"])
def test_a_member_does_not_read_an_agenda_still_with_the_co_chairs(
    kyrgyzstan, login, submitted, key
):
    client = login(kyrgyzstan.people[key])
    page = client.get(url(submitted)).content.decode()
    assert "The agenda is being prepared." in page
    assert "Labour migration study" not in page
    assert "Submitted to the co-chairs" not in page
    assert client.get(url(submitted, "agenda-pdf")).status_code == 404
    listing = client.get(LIST).content.decode()
    assert "Submitted to the co-chairs" not in listing and "2 items" not in listing
    detail = client.get(f"{API}{submitted.pk}/").json()
    assert detail["agenda_items"] == [] and detail["item_count"] is None
    assert detail["agenda_status"] is None
    [row] = client.get(API).json()["results"]
    assert row["item_count"] is None and row["agenda_status"] is None


@pytest.mark.parametrize("key", ["secretariat", "co_chair"])
def test_the_secretariat_and_the_co_chairs_read_the_draft_with_its_status(
    kyrgyzstan, login, submitted, key
):
    client = login(kyrgyzstan.people[key])
    page = client.get(url(submitted)).content.decode()
    assert "Labour migration study" in page and "Submitted to the co-chairs" in page
    assert "The agenda is being prepared." not in page
    assert client.get(url(submitted, "agenda-pdf")).status_code == 200
    detail = client.get(f"{API}{submitted.pk}/").json()
    assert len(detail["agenda_items"]) == 2 and detail["agenda_status"] == "submitted"


def test_once_approved_members_read_the_agenda(kyrgyzstan, login, submitted):
    with network_scope(kyrgyzstan.network):
        services.agenda_approve(meeting=submitted, by=kyrgyzstan.co_chair)
    client = login(kyrgyzstan.member)
    page = client.get(url(submitted)).content.decode()
    assert "Labour migration study" in page and "The agenda is being prepared." not in page
    assert client.get(url(submitted, "agenda-pdf")).status_code == 200
    assert len(client.get(f"{API}{submitted.pk}/").json()["agenda_items"]) == 2


def test_a_reopened_agenda_is_hidden_again_and_the_page_says_the_last_one_is_in_the_mail(
    kyrgyzstan, login, submitted
):
    with network_scope(kyrgyzstan.network):
        services.agenda_approve(meeting=submitted, by=kyrgyzstan.co_chair)
        services.agenda_circulate(meeting=submitted, by=kyrgyzstan.secretariat)
        services.agenda_reopen(meeting=submitted, by=kyrgyzstan.secretariat)
    page = login(kyrgyzstan.member).get(url(submitted)).content.decode()
    assert "Labour migration study" not in page
    assert "An updated agenda is being prepared" in page
