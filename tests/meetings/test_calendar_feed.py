"""A person's calendar subscription: every meeting they are invited to, across their
networks, behind a secret link that a new link or revoking ends."""

import icalendar
from django.urls import reverse

from networks import services as network_services
from tests.meetings.conftest import schedule

PAGE = reverse("calendar-subscription")


def new_link(client) -> str:
    client.post(PAGE, {"action": "create"})
    page = client.get(PAGE).content.decode()
    start = page.index("http://testserver/calendar/")
    return page[start : page.index('"', start)].removeprefix("http://testserver")


def summaries(response) -> set[str]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}


def test_the_feed_holds_my_meetings_of_every_network_and_nobody_elses(
    kyrgyzstan, mongolia, login, client
):
    network_services.membership_start(
        network=mongolia.network,
        user=kyrgyzstan.member,
        organisation=mongolia.organisations["UNDP"],
        role="member",
        started_by=mongolia.secretariat,
    )
    schedule(kyrgyzstan, title="Kyrgyz Q3 meeting")
    schedule(mongolia, title="Mongolian Q3 meeting")
    other = schedule(kyrgyzstan, title="Working group only", kind="extended")
    from meetings.models import Participant
    from networks.scoping import network_scope

    with network_scope(kyrgyzstan.network):
        Participant.objects.filter(meeting=other, user=kyrgyzstan.member).delete()

    link = new_link(login(kyrgyzstan.member))
    client.logout()
    feed = client.get(link)  # a calendar app: no session
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    titles = summaries(feed)
    assert any(t.startswith("Kyrgyz Q3 meeting") for t in titles)
    assert any(t.startswith("Mongolian Q3 meeting") for t in titles)
    assert not any(t.startswith("Working group only") for t in titles)


def test_a_new_link_or_revoking_ends_the_old_one(kyrgyzstan, login, client):
    schedule(kyrgyzstan)
    member = login(kyrgyzstan.member)
    first = new_link(member)
    second = new_link(member)
    assert member.get(first).status_code == 404
    assert member.get(second).status_code == 200
    member.post(PAGE, {"action": "revoke"})
    assert member.get(second).status_code == 404
    assert member.get("/calendar/" + "x" * 500 + ".ics").status_code == 404


def test_someone_who_left_the_network_no_longer_sees_its_meetings(kyrgyzstan, login, client):
    from networks.models import Membership
    from networks.scoping import network_scope

    schedule(kyrgyzstan, title="Kyrgyz Q3 meeting")
    link = new_link(login(kyrgyzstan.member))
    with network_scope(kyrgyzstan.network):
        membership = Membership.objects.get(user=kyrgyzstan.member)
    network_services.membership_end(membership=membership, ended_by=kyrgyzstan.secretariat)
    assert summaries(client.get(link)) == set()
