"""Action points from approved minutes and from decisions: the owner organisation keeps them
up to date with dated notes, overdue ones are chased weekly, a decision shows their roll-up."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from circulation.models import Circulation, Delivery
from decisions import services
from decisions.models import ActionNote, ActionPoint
from decisions.tasks import chase_overdue_action_points
from networks.scoping import network_scope
from tests.decisions.test_procedures import draft


def add(net, decision=None, org="UNDP", due=date(2027, 1, 31), text="Share the study"):
    with network_scope(net.network):
        return services.action_point_add(
            network=net.network,
            by=net.secretariat,
            decision=decision,
            text=text,
            owner_organisation=net.organisations[org],
            due_date=due,
        )


def update(net, point, key, **data):
    with network_scope(net.network):
        return services.action_point_update(action_point=point, by=net.people[key], **data)


def test_approved_minutes_turn_their_action_points_into_follow_ups(kyrgyzstan):
    from meetings import services as meeting_services
    from tests.meetings.conftest import add_items, schedule
    from tests.meetings.test_minutes import written

    meeting = schedule(kyrgyzstan, start=timezone.now() - timedelta(days=1))
    add_items(kyrgyzstan, meeting, "Welcome", "Labour migration study")
    minutes = written(kyrgyzstan, meeting)
    with network_scope(kyrgyzstan.network):
        version = meeting_services.minutes_submit(minutes=minutes, by=kyrgyzstan.secretariat)
        for co_chair in (kyrgyzstan.co_chair, kyrgyzstan.co_chair2):
            meeting_services.minutes_approve(
                minutes=minutes, by=co_chair, content_sha256=version.content_sha256
            )
        [point] = ActionPoint.objects.all()
    assert (point.text, point.owner_organisation, point.due_date) == (
        "Share the study with the government",
        kyrgyzstan.organisations["UNDP"],
        date(2027, 1, 31),
    )


def test_minutes_whose_decisions_cannot_be_registered_stay_unapproved(kyrgyzstan, monkeypatch):
    """The register is written inside the approval's transaction (meetings' signal): when it
    fails, the last co-chair's approval is undone with it."""
    from meetings import services as meeting_services
    from meetings.models import Minutes, MinutesApproval
    from tests.meetings.conftest import add_items, schedule
    from tests.meetings.test_minutes import written

    def broken(**kwargs):
        raise RuntimeError("the register is down")

    meeting = schedule(kyrgyzstan, start=timezone.now() - timedelta(days=1))
    add_items(kyrgyzstan, meeting, "Welcome", "Labour migration study")
    minutes = written(kyrgyzstan, meeting)
    with network_scope(kyrgyzstan.network):
        version = meeting_services.minutes_submit(minutes=minutes, by=kyrgyzstan.secretariat)
        meeting_services.minutes_approve(
            minutes=minutes, by=kyrgyzstan.co_chair, content_sha256=version.content_sha256
        )
        monkeypatch.setattr("decisions.receivers.action_points_from_minutes", broken)
        with pytest.raises(RuntimeError):
            meeting_services.minutes_approve(
                minutes=minutes, by=kyrgyzstan.co_chair2, content_sha256=version.content_sha256
            )
        minutes.refresh_from_db()
        version.refresh_from_db()
        assert minutes.status == Minutes.Status.SUBMITTED and version.approved_at is None
        assert MinutesApproval.objects.filter(version=version).count() == 1
        from decisions.models import Decision

        assert not Decision.objects.exists() and not ActionPoint.objects.exists()


def test_the_owner_organisation_updates_with_dated_notes(kyrgyzstan):
    point = add(kyrgyzstan)
    with pytest.raises(ValidationError, match="owner organisation"):
        update(kyrgyzstan, point, "member_unhcr", status="in_progress", progress=10, note="x")
    with pytest.raises(ValidationError, match="0 to 100"):
        update(kyrgyzstan, point, "member", status="in_progress", progress=120, note="x")
    update(kyrgyzstan, point, "member", status="in_progress", progress=40, note="Draft shared.")
    update(
        kyrgyzstan, point, "secretariat", status="done", progress=60, note="Sent to the ministry."
    )
    with network_scope(kyrgyzstan.network):
        point.refresh_from_db()
        notes = list(ActionNote.objects.filter(action_point=point).values_list("progress", "text"))
    assert (point.status, point.progress) == ("done", 100)  # done is complete
    assert notes == [(40, "Draft shared."), (100, "Sent to the ministry.")]


def overdue(net, point, due=date(2020, 1, 1)):
    """Time passes: the point's due date is behind us (a new one cannot be due in the past)."""
    with network_scope(net.network):
        ActionPoint.objects.filter(pk=point.pk).update(due_date=due)
    return point


def test_a_new_action_point_is_not_due_in_the_past(kyrgyzstan, login):
    with pytest.raises(ValidationError, match="has passed: give the date by which"):
        add(kyrgyzstan, due=date(2020, 1, 1))
    decision = draft(kyrgyzstan)
    page = login(kyrgyzstan.secretariat).post(
        reverse(
            "decisions:action-add", kwargs={"network": "kyrgyzstan", "decision_id": decision.pk}
        ),
        {
            "text": "Share it",
            "owner_organisation": kyrgyzstan.organisations["UNDP"].pk,
            "due_date": "2020-01-01",
        },
        follow=True,
    )
    assert "1 January 2020 has passed" in page.content.decode()
    with network_scope(kyrgyzstan.network):
        assert not ActionPoint.objects.exists()


def test_done_sets_the_progress_to_100_and_says_so(kyrgyzstan, login):
    point = add(kyrgyzstan)
    page = login(kyrgyzstan.member).post(
        reverse("decisions:action", kwargs={"network": "kyrgyzstan", "action_id": point.pk}),
        {"status": "done", "progress": 40, "note": "Shared with the ministry."},
        follow=True,
    )
    assert "The action point is done: its progress is now 100%." in page.content.decode()
    with network_scope(kyrgyzstan.network):
        assert ActionPoint.objects.get(pk=point.pk).progress == 100


def test_overdue_action_points_are_chased_once_a_week(kyrgyzstan):
    overdue(kyrgyzstan, add(kyrgyzstan, text="Long overdue"))
    add(kyrgyzstan, due=date(2099, 1, 1), text="Not due yet")
    done = overdue(kyrgyzstan, add(kyrgyzstan, text="Finished"))
    update(kyrgyzstan, done, "member", status="done", progress=100, note="Done.")
    assert chase_overdue_action_points() == 1
    assert chase_overdue_action_points() == 0  # once a week
    with network_scope(kyrgyzstan.network):
        [chase] = Circulation.objects.filter(kind="reminder")
        addresses = set(
            Delivery.objects.filter(circulation=chase).values_list("address", flat=True)
        )
    assert addresses == {kyrgyzstan.member.email}
    assert "Long overdue" in chase.rendered["en"]["text"]
    assert "Not due yet" not in chase.rendered["en"]["text"]


def test_the_board_and_the_decisions_roll_up(kyrgyzstan, login):
    decision = draft(kyrgyzstan)
    first = add(kyrgyzstan, decision=decision, text="First step")
    add(kyrgyzstan, decision=decision, text="Second step", org="UNHCR")
    update(kyrgyzstan, first, "member", status="done", progress=100, note="Done.")
    page = (
        login(kyrgyzstan.member)
        .get(
            reverse(
                "decisions:detail", kwargs={"network": "kyrgyzstan", "decision_id": decision.pk}
            )
        )
        .content.decode()
    )
    assert "Open: 1 · done: 1 · average progress: 50%" in page
    board = reverse("decisions:actions", kwargs={"network": "kyrgyzstan"})
    open_board = login(kyrgyzstan.member).get(board).content.decode()
    assert "Second step" in open_board and "First step" not in open_board
    unhcr = kyrgyzstan.organisations["UNHCR"].pk
    filtered = login(kyrgyzstan.member).get(board, {"status": "all", "organisation": unhcr})
    assert "First step" not in filtered.content.decode()
    # A focal point reaches their own organisation's board in one click.
    assert (
        f"?status=open&amp;organisation={unhcr}"
        in login(kyrgyzstan.member_unhcr).get(board).content.decode()
    )
    assert login(kyrgyzstan.partner).get(board).status_code == 403


def test_decisions_taken_at_a_meeting_enter_the_register_when_the_minutes_are_approved(
    kyrgyzstan, login
):
    from meetings import services as meeting_services
    from tests.meetings.conftest import add_items, schedule
    from tests.meetings.test_minutes import written

    meeting = schedule(kyrgyzstan, start=timezone.now() - timedelta(days=1))
    add_items(kyrgyzstan, meeting, "Welcome", "Labour migration study")
    minutes = written(kyrgyzstan, meeting)
    with network_scope(kyrgyzstan.network):
        version = meeting_services.minutes_submit(minutes=minutes, by=kyrgyzstan.secretariat)
        for co_chair in (kyrgyzstan.co_chair, kyrgyzstan.co_chair2):
            meeting_services.minutes_approve(
                minutes=minutes, by=co_chair, content_sha256=version.content_sha256
            )
        from decisions.models import Decision

        decisions = list(Decision.objects.order_by("sequence"))
    year = timezone.localtime(timezone.now(), kyrgyzstan.network.zone).year
    assert [(d.number, d.title, d.status) for d in decisions] == [
        (f"KGZ-{year}-001", "The network endorses the study.", "adopted"),
        (f"KGZ-{year}-002", "UNDP leads the follow-up.", "adopted"),
    ]
    page = (
        login(kyrgyzstan.member)
        .get(
            reverse(
                "decisions:detail", kwargs={"network": "kyrgyzstan", "decision_id": decisions[0].pk}
            )
        )
        .content.decode()
    )
    assert "Taken at" in page and "Labour migration study" in page
