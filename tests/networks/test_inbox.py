"""The personal inbox ("Waiting for you", networks.home): every step waiting for the person in
their network, each for the right person only, linked to a page they may open, with its
deadline in the network's time, most urgent first; counted in the navigation; across the
person's networks on the landing page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services as meetings
from networks import services as networks
from networks.scoping import network_scope
from tests.networks.inbox_world import (
    action_point,
    approved_minutes,
    consultation,
    home_url,
    inbox_of,
    open_report,
    sign_report,
    submitted_agenda,
    submitted_minutes,
    submitted_statement,
    upcoming_meeting,
    workplan,
)

PEOPLE = ("secretariat", "co_chair", "co_chair2", "member", "member_unhcr", "partner", "rco")


@pytest.fixture
def home(client):
    """home(net, key): the inbox items on the network home of that person."""

    def _home(net, key):
        client.force_login(net.people[key])
        response = client.get(home_url(net))
        assert response.status_code == 200
        return inbox_of(response.content.decode())

    return _home


def who_sees(home, net, kind: str) -> set[str]:
    return {key for key in PEOPLE if kind in [item["kind"] for item in home(net, key)]}


# --- Each kind, for the right people -------------------------------------------------------


def test_a_submitted_agenda_waits_for_the_co_chairs_then_for_the_secretariat_to_circulate(
    kyrgyzstan, home
):
    meeting = submitted_agenda(kyrgyzstan)
    assert who_sees(home, kyrgyzstan, "agenda.approve") == {"co_chair", "co_chair2"}
    assert who_sees(home, kyrgyzstan, "agenda.circulate") == set()
    [item] = [i for i in home(kyrgyzstan, "co_chair") if i["kind"] == "agenda.approve"]
    assert item["title"] == "Approve the agenda of “Q4 meeting”"
    assert item["when"].startswith("Starts in 3 days · ")

    with network_scope(kyrgyzstan.network):
        meetings.agenda_approve(meeting=meeting, by=kyrgyzstan.co_chair)
    # One co-chair's approval is enough by default: it is the secretariat's step now.
    assert who_sees(home, kyrgyzstan, "agenda.approve") == set()
    assert who_sees(home, kyrgyzstan, "agenda.circulate") == {"secretariat"}


def test_submitted_minutes_wait_for_each_co_chair_and_for_the_attendees_comments(kyrgyzstan, home):
    minutes, version = submitted_minutes(kyrgyzstan, comment_days=1)
    assert who_sees(home, kyrgyzstan, "minutes.approve") == {"co_chair", "co_chair2"}
    # The attendees comment (the meeting's participants: secretariat, co-chairs, members);
    # a co-chair's step is to approve them.
    assert who_sees(home, kyrgyzstan, "minutes.comment") == {
        "secretariat",
        "member",
        "member_unhcr",
    }
    [comment] = [i for i in home(kyrgyzstan, "member") if i["kind"] == "minutes.comment"]
    assert comment["title"] == "Comment on the draft minutes of “Q3 meeting”"
    # The comment period's close, counted in the network's days and read in its time.
    assert comment["when"].startswith("Closes tomorrow · ")
    assert "(Bishkek time, UTC+6)" in comment["when"]

    with network_scope(kyrgyzstan.network):
        meetings.minutes_approve(
            minutes=minutes, by=kyrgyzstan.co_chair, content_sha256=version.content_sha256
        )
    assert who_sees(home, kyrgyzstan, "minutes.approve") == {"co_chair2"}
    # The co-chair who approved is not asked to comment on what they approved.
    assert who_sees(home, kyrgyzstan, "minutes.comment") == {
        "secretariat",
        "member",
        "member_unhcr",
    }


def test_approved_minutes_circulated_to_me_wait_until_i_open_them(kyrgyzstan, home, client):
    approved_minutes(kyrgyzstan)
    assert who_sees(home, kyrgyzstan, "minutes.new") == {
        "secretariat",
        "co_chair",
        "co_chair2",
        "member",
        "member_unhcr",
    }
    [item] = [i for i in home(kyrgyzstan, "member") if i["kind"] == "minutes.new"]
    assert item["title"] == "Read the approved minutes of “Q3 meeting”"
    # The link records the opening (the circulation's own read record) and goes on.
    opened = client.get(item["href"], follow=True)
    assert opened.status_code == 200
    assert opened.redirect_chain[-1][0].endswith("/minutes/")
    assert "minutes.new" not in kinds_of(home(kyrgyzstan, "member"))
    assert "minutes.new" in kinds_of(home(kyrgyzstan, "member_unhcr"))


def kinds_of(items):
    return [item["kind"] for item in items]


def test_an_unanswered_invitation_waits_until_answered(kyrgyzstan, home):
    meeting = upcoming_meeting(kyrgyzstan, "Annual meeting", days=1)
    # Partners are not invited to a regular meeting; everyone invited is asked.
    assert who_sees(home, kyrgyzstan, "meeting.answer") == {
        "secretariat",
        "co_chair",
        "co_chair2",
        "member",
        "member_unhcr",
    }
    [item] = [i for i in home(kyrgyzstan, "member") if i["kind"] == "meeting.answer"]
    assert item["title"] == "Say whether you attend “Annual meeting”"
    assert item["when"].startswith("Starts tomorrow · ")
    with network_scope(kyrgyzstan.network):
        meetings.rsvp(meeting=meeting, user=kyrgyzstan.member, answer="accepted")
    assert "meeting.answer" not in kinds_of(home(kyrgyzstan, "member"))


def test_a_consultation_waits_for_each_consulted_organisation_with_its_closing_time(
    kyrgyzstan, home
):
    from decisions import services as decisions

    procedure = consultation(kyrgyzstan, days=3, concerns_state=True)
    # Member organisations, and the national authority on a decision that concerns the state.
    assert who_sees(home, kyrgyzstan, "procedure.position") == {
        "secretariat",
        "co_chair",
        "co_chair2",
        "member",
        "member_unhcr",
        "partner",
    }
    [item] = [i for i in home(kyrgyzstan, "member") if i["kind"] == "procedure.position"]
    assert item["title"] == "Your organisation's position on “Data sharing protocol”"
    assert item["when"].startswith("Closes in 3 days · ")
    with network_scope(kyrgyzstan.network):
        decisions.position_record(
            procedure=procedure,
            by=kyrgyzstan.member,
            organisation=kyrgyzstan.organisations["UNDP"],
            stance="concur",
        )
    # UNDP has answered; UNHCR has not.
    assert "procedure.position" not in kinds_of(home(kyrgyzstan, "member"))
    assert "procedure.position" in kinds_of(home(kyrgyzstan, "member_unhcr"))


def test_a_decision_that_does_not_concern_the_state_is_not_put_to_the_partner(kyrgyzstan, home):
    consultation(kyrgyzstan, concerns_state=False)
    assert "partner" not in who_sees(home, kyrgyzstan, "procedure.position")


def test_a_submitted_joint_statement_waits_for_the_co_chairs_clearance(kyrgyzstan, home):
    submitted_statement(kyrgyzstan)
    assert who_sees(home, kyrgyzstan, "statement.clear") == {"co_chair", "co_chair2"}
    [item] = [i for i in home(kyrgyzstan, "co_chair") if i["kind"] == "statement.clear"]
    assert item["title"] == "Clear the joint statement “One voice on labour migration”"


def test_a_draft_workplan_waits_for_the_co_chairs_endorsement(kyrgyzstan, home):
    from workplans.services import workplan_endorse

    plan, _activities = workplan(kyrgyzstan, endorse=False)
    assert who_sees(home, kyrgyzstan, "workplan.endorse") == {"co_chair", "co_chair2"}
    with network_scope(kyrgyzstan.network):
        workplan_endorse(workplan=plan, by=kyrgyzstan.co_chair)
    assert who_sees(home, kyrgyzstan, "workplan.endorse") == set()


def test_activities_lacking_their_update_are_one_item_for_their_lead_and_the_secretariat(
    kyrgyzstan, home
):
    from common import quarters
    from workplans.services import update_record

    _plan, activities = workplan(kyrgyzstan, activities=3)
    label = quarters.last_ended_quarter(kyrgyzstan.network).label
    assert who_sees(home, kyrgyzstan, "workplan.updates") == {"secretariat", "member"}
    [item] = [i for i in home(kyrgyzstan, "member") if i["kind"] == "workplan.updates"]
    assert item["title"] == f"3 activities of “Workplan of the network” lack their {label} update"
    with network_scope(kyrgyzstan.network):
        for activity in activities[:2]:
            update_record(
                activity=activity,
                by=kyrgyzstan.member,
                quarter=label,
                status="on_track",
                narrative="Fieldwork done.",
                spent_to_date=0,
            )
    [item] = [i for i in home(kyrgyzstan, "secretariat") if i["kind"] == "workplan.updates"]
    assert item["title"] == f"1 activity of “Workplan of the network” lacks its {label} update"
    # The secretariat goes to the page from which it chases them.
    assert item["href"].endswith("/updates/")


def test_action_points_overdue_or_due_within_a_week_wait_for_their_organisation(kyrgyzstan, home):
    action_point(kyrgyzstan, days=3, text="Share the study")
    action_point(kyrgyzstan, days=-1, text="Send the figures")
    action_point(kyrgyzstan, days=30, text="Plan the next study")
    action_point(kyrgyzstan, days=2, org="UNHCR", text="Not UNDP's")
    items = [i for i in home(kyrgyzstan, "member") if i["kind"] == "action.due"]
    assert [(i["title"], i["overdue"]) for i in items] == [
        ("Action point: Send the figures", True),
        ("Action point: Share the study", False),
    ]
    assert items[0]["when"].startswith("Overdue by 1 day · ")
    assert items[1]["when"].startswith("Due in 3 days · ")
    assert "action.due" not in kinds_of(home(kyrgyzstan, "partner"))


def test_the_quarterly_report_waits_for_each_in_turn(kyrgyzstan, home, client):
    def standing():
        return {
            key: [
                (i["kind"], i["title"])
                for i in home(kyrgyzstan, key)
                if i["kind"].startswith("report.")
            ]
            for key in ("secretariat", "co_chair", "co_chair2", "rco", "member")
        }

    from common import quarters

    label = quarters.last_ended_quarter(kyrgyzstan.network).label
    assert standing() == {
        "secretariat": [("report.due", f"The {label} quarterly report is due: open it")],
        "co_chair": [],
        "co_chair2": [],
        "rco": [("report.due", f"The {label} quarterly report is being drafted")],
        "member": [],
    }
    report = open_report(kyrgyzstan)
    assert standing() == {
        "secretariat": [
            ("report.drafted", f"The {label} quarterly report waits for the co-chairs' submission")
        ],
        "co_chair": [("report.yours", f"Sign off and submit the {label} quarterly report")],
        "co_chair2": [("report.yours", f"Sign off and submit the {label} quarterly report")],
        "rco": [("report.drafted", f"The {label} quarterly report is being drafted")],
        "member": [],
    }
    sign_report(kyrgyzstan, report, "co_chair")
    now = standing()
    assert now["co_chair"] == [] and now["co_chair2"][0][0] == "report.yours"
    assert now["rco"] == [
        ("report.awaiting", f"The {label} quarterly report waits for the co-chairs")
    ]
    sign_report(kyrgyzstan, report, "co_chair2")
    now = standing()
    assert now["rco"] == [("report.submitted", f"The {label} quarterly report was submitted")]
    assert now["secretariat"] == now["co_chair"] == now["co_chair2"] == []


def test_regional_viewers_are_not_told_of_each_networks_report_in_their_inbox(
    kyrgyzstan, regional_viewer, login
):
    open_report(kyrgyzstan)
    client = login(regional_viewer)
    assert inbox_of(client.get(home_url(kyrgyzstan)).content.decode()) == []
    assert inbox_of(client.get("/").content.decode()) == []


def test_the_rcos_and_co_chairs_homes_say_where_the_report_stands(kyrgyzstan, login):
    report = open_report(kyrgyzstan)

    def panel(key):
        page = login(kyrgyzstan.people[key]).get(home_url(kyrgyzstan)).content.decode()
        return re.search(r'class="report-standing" data-state="([a-z]+)"', page).group(1)

    assert panel("rco") == "drafted" and panel("co_chair") == "yours"
    sign_report(kyrgyzstan, report, "co_chair")
    assert panel("co_chair") == "signed" and panel("rco") == "awaiting"
    assert panel("co_chair2") == "yours"
    sign_report(kyrgyzstan, report, "co_chair2")
    assert panel("rco") == panel("co_chair") == "submitted"


# --- Links, isolation, order --------------------------------------------------------------


def fill_everything(net):
    submitted_agenda(net, "Agenda meeting")
    submitted_minutes(net, "Minutes meeting")
    approved_minutes(net, "Approved meeting")
    upcoming_meeting(net, "Invitation meeting", days=5)
    consultation(net, concerns_state=True)
    consultation(net, "Internal matter", concerns_state=False)
    submitted_statement(net)
    action_point(net, days=2)
    workplan(net, activities=2)
    workplan(net, endorse=False)
    open_report(net)


def test_every_inbox_link_opens_for_the_person_it_is_shown_to(kyrgyzstan, client):
    """A partner (or anyone) never gets a link that would answer 404 or 403."""
    fill_everything(kyrgyzstan)
    seen = set()
    for key in PEOPLE:
        client.force_login(kyrgyzstan.people[key])
        for item in inbox_of(client.get(home_url(kyrgyzstan)).content.decode()):
            seen.add(item["kind"])
            response = client.get(item["href"], follow=True)
            assert response.status_code == 200, (key, item)
    assert seen >= {
        "agenda.approve",
        "minutes.approve",
        "minutes.comment",
        "minutes.new",
        "meeting.answer",
        "procedure.position",
        "statement.clear",
        "action.due",
        "workplan.updates",
        "workplan.endorse",
        "report.drafted",
        "report.yours",
    }


def test_a_member_of_mongolia_sees_nothing_of_kyrgyzstans_inbox(kyrgyzstan, mongolia, login):
    fill_everything(kyrgyzstan)
    for key in ("secretariat", "co_chair", "member", "rco"):
        client = login(mongolia.people[key])
        landing = client.get("/").content.decode()
        home = client.get(home_url(mongolia)).content.decode()
        for page in (landing, home):
            assert inbox_of(page) == [] or all(
                item["network"] in ("", mongolia.network.name) for item in inbox_of(page)
            )
            for title in (
                "Agenda meeting",
                "Data sharing protocol",
                "One voice",
                "Share the study",
            ):
                assert title not in page


def test_the_inbox_is_ordered_overdue_then_nearest_deadline_then_newest(kyrgyzstan, home):
    action_point(kyrgyzstan, days=-3, text="Long overdue")
    action_point(kyrgyzstan, days=-1, text="Overdue")
    consultation(kyrgyzstan, "Closes in five days", days=5)
    upcoming_meeting(kyrgyzstan, "Starts in two days", days=2)
    workplan(kyrgyzstan)  # the missing update: no deadline
    titles = [item["title"] for item in home(kyrgyzstan, "member")]
    assert titles == [
        "Action point: Long overdue",
        "Action point: Overdue",
        "Say whether you attend “Starts in two days”",
        "Your organisation's position on “Closes in five days”",
        titles[-1],
    ]
    assert "lacks its" in titles[-1]


# --- The count, the landing page ----------------------------------------------------------


def badge(page: str) -> int | None:
    found = re.search(r'<span class="badge waiting inbox-count">(\d+)', page)
    return int(found.group(1)) if found else None


def test_the_navigation_counts_what_waits_in_this_network(kyrgyzstan, login):
    action_point(kyrgyzstan, days=1)
    upcoming_meeting(kyrgyzstan, days=4)
    client = login(kyrgyzstan.member)
    meetings_page = reverse("meetings:list", kwargs={"network": "kyrgyzstan"})
    # Before the person has looked at the list, the other pages show no count (they do not
    # run the inbox's queries)…
    assert badge(client.get(meetings_page).content.decode()) is None
    home = client.get(home_url(kyrgyzstan)).content.decode()
    assert len(inbox_of(home)) == 2 and badge(home) == 2
    # …and after, the count the list left.
    assert badge(client.get(meetings_page).content.decode()) == 2
    # Nothing waits for the partner: no count.
    assert badge(login(kyrgyzstan.partner).get(home_url(kyrgyzstan)).content.decode()) is None


def test_a_step_taken_in_the_network_makes_the_kept_count_go(kyrgyzstan, login):
    meeting = submitted_agenda(kyrgyzstan)
    client = login(kyrgyzstan.co_chair2)
    meetings_page = reverse("meetings:list", kwargs={"network": "kyrgyzstan"})
    client.get(home_url(kyrgyzstan))
    assert badge(client.get(meetings_page).content.decode()) == 2  # agenda, invitation
    with network_scope(kyrgyzstan.network):
        meetings.agenda_approve(meeting=meeting, by=kyrgyzstan.co_chair)
    assert badge(client.get(meetings_page).content.decode()) is None  # never a stale count
    assert badge(client.get(home_url(kyrgyzstan)).content.decode()) == 1


def test_the_landing_page_shows_every_networks_items_each_labelled(kyrgyzstan, mongolia, login):
    # The Kyrgyz UNDP focal point is also Mongolia's.
    me = kyrgyzstan.member
    with network_scope(mongolia.network):
        networks.membership_start(
            network=mongolia.network,
            user=me,
            organisation=mongolia.organisations["UNDP"],
            role="member",
        )
    action_point(kyrgyzstan, days=2, text="Kyrgyz action")
    action_point(mongolia, days=1, text="Mongolian action")
    page = login(me).get("/").content.decode()
    items = inbox_of(page)
    assert [(i["network"], i["title"]) for i in items] == [
        (mongolia.network.name, "Action point: Mongolian action"),
        (kyrgyzstan.network.name, "Action point: Kyrgyz action"),
    ]
    # Each deadline in its own network's time.
    assert "(Ulaanbaatar time, UTC+8)" in items[0]["when"]
    assert "(Bishkek time, UTC+6)" in items[1]["when"]
    assert badge(page) == 2
    for item in items:
        assert login(me).get(item["href"]).status_code == 200


# --- The dashboard ------------------------------------------------------------------------

PANELS = re.compile(r'<section id="([a-z]+)" class="panel"')


def test_the_home_is_a_dashboard_led_by_what_waits(kyrgyzstan, regional_viewer, login):
    def panels(user):
        page = login(user).get(home_url(kyrgyzstan)).content.decode()
        assert page.index('id="waiting"') < page.index('class="panel"')
        return PANELS.findall(page)

    everything = ["meetings", "decisions", "documents", "reports", "workplans", "consultations"]
    assert panels(kyrgyzstan.secretariat) == everything
    assert panels(kyrgyzstan.rco) == everything
    assert panels(kyrgyzstan.partner) == ["meetings", "decisions", "documents", "consultations"]
    assert panels(regional_viewer) == ["documents", "reports", "workplans"]


def test_the_dashboard_lists_the_next_meetings_and_open_consultations(kyrgyzstan, login):
    upcoming_meeting(kyrgyzstan, "Next regular meeting", days=10)
    consultation(kyrgyzstan, "Open question", days=4)
    page = login(kyrgyzstan.member).get(home_url(kyrgyzstan)).content.decode()
    meetings_panel = page[page.index('id="meetings"') :]
    assert "Next regular meeting" in meetings_panel[: meetings_panel.index("</section>")]
    consultations = page[page.index('id="consultations"') :]
    assert "Open question" in consultations[: consultations.index("</section>")]
    # The partner is not told of a decision that does not concern the state.
    partner = login(kyrgyzstan.partner).get(home_url(kyrgyzstan)).content.decode()
    assert "Open question" not in partner and "Next regular meeting" not in partner


@pytest.fixture
def regional_viewer(kyrgyzstan, eca):
    from networks.models import RegionalViewer
    from tests.factories import person

    viewer = person("regional@inbox.test", full_name="Regional Viewer")
    RegionalViewer.objects.create(user=viewer, region=eca)
    return viewer


def test_a_deadline_past_is_overdue_whatever_the_day(kyrgyzstan):
    from networks.home import InboxItem

    now = timezone.now()
    late = InboxItem(kyrgyzstan.network, "x", "t", "/", deadline=now - timedelta(minutes=5))
    assert late.overdue and late.relative in ("Overdue since today", "Overdue by 1 day")
