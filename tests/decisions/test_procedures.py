"""Written procedures: consensus per organisation, silence kept or broken, the national
authority's position where the state is concerned, deadlines, and gap-free numbering."""

from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from circulation.models import Circulation, Delivery
from decisions import services
from decisions.models import Decision, Position, PositionChange, Procedure
from decisions.tasks import close_due_procedures
from networks.scoping import network_scope

pytestmark = pytest.mark.django_db


def draft(net, title="Joint statement on labour migration", concerns_state=False):
    with network_scope(net.network):
        return services.decision_draft(
            network=net.network,
            by=net.secretariat,
            title=title,
            text="The network adopts the statement.",
            concerns_state=concerns_state,
        )


def open_procedure(net, decision, kind="consultation", hours=48):
    with network_scope(net.network):
        return services.procedure_open(
            decision=decision,
            by=net.co_chair,
            kind=kind,
            deadline=timezone.now() + timedelta(hours=hours),
        )


def answer(net, procedure, key, org, stance, reason=""):
    with network_scope(net.network):
        return services.position_record(
            procedure=procedure,
            by=net.people[key],
            organisation=net.organisations[org],
            stance=stance,
            reason=reason,
        )


def pass_deadline(net, procedure):
    """The clock reaches the deadline (moved back rather than the clock forward)."""
    with network_scope(net.network):
        Procedure.objects.filter(pk=procedure.pk).update(
            deadline=timezone.now() - timedelta(seconds=1)
        )


def refreshed(net, obj):
    with network_scope(net.network):
        obj.refresh_from_db()
    return obj


def test_silence_kept_is_adopted_at_the_deadline_with_gap_free_numbers(kyrgyzstan):
    first, second = draft(kyrgyzstan, "First"), draft(kyrgyzstan, "Second")
    procedures = [open_procedure(kyrgyzstan, d, kind="silence") for d in (first, second)]
    assert close_due_procedures() == 0  # not before the deadline
    for procedure in procedures:
        pass_deadline(kyrgyzstan, procedure)
    assert close_due_procedures() == 2
    assert close_due_procedures() == 0  # closing twice changes nothing
    year = timezone.localtime(timezone.now(), kyrgyzstan.network.zone).year
    numbers = sorted(refreshed(kyrgyzstan, d).number for d in (first, second))
    assert numbers == [f"KGZ-{year}-001", f"KGZ-{year}-002"]
    assert refreshed(kyrgyzstan, first).status == "adopted"


def test_silence_broken_is_not_adopted_and_the_co_chairs_hear_at_once(kyrgyzstan):
    decision = draft(kyrgyzstan)
    procedure = open_procedure(kyrgyzstan, decision, kind="silence")
    with pytest.raises(ValidationError, match="reason"):
        answer(kyrgyzstan, procedure, "member_unhcr", "UNHCR", "break")
    answer(kyrgyzstan, procedure, "member_unhcr", "UNHCR", "break", "Paragraph 3 needs work.")
    with network_scope(kyrgyzstan.network):
        [alert] = [
            c
            for c in Circulation.objects.filter(kind="consultation")
            if "Silence broken" in c.rendered["en"]["subject"]
        ]
        told = set(Delivery.objects.filter(circulation=alert).values_list("address", flat=True))
    assert told == {kyrgyzstan.co_chair.email, kyrgyzstan.co_chair2.email}
    pass_deadline(kyrgyzstan, procedure)
    close_due_procedures()
    # Closed, not adopted: the co-chairs record the outcome with their statement.
    assert refreshed(kyrgyzstan, procedure).closed_at is not None
    with network_scope(kyrgyzstan.network):
        with pytest.raises(ValidationError, match="objection"):
            services.outcome_record(
                procedure=procedure, by=kyrgyzstan.co_chair, outcome="adopted", statement="x"
            )
        services.outcome_record(
            procedure=procedure,
            by=kyrgyzstan.co_chair,
            outcome="no_consensus",
            statement="Referred to the Q4 meeting.",
        )
    assert refreshed(kyrgyzstan, decision).status == "not_adopted"
    assert refreshed(kyrgyzstan, decision).number == ""
    assert refreshed(kyrgyzstan, procedure).outcome == "no_consensus"


def test_one_objection_means_no_consensus_and_abstentions_do_not_block(kyrgyzstan):
    blocked, passed = draft(kyrgyzstan, "Blocked"), draft(kyrgyzstan, "Passed")
    one = open_procedure(kyrgyzstan, blocked)
    two = open_procedure(kyrgyzstan, passed)
    for procedure, unhcr in ((one, ("object", "We cannot support it.")), (two, ("abstain", ""))):
        answer(kyrgyzstan, procedure, "member", "UNDP", "concur")
        answer(kyrgyzstan, procedure, "member_unhcr", "UNHCR", *unhcr)
        pass_deadline(kyrgyzstan, procedure)
    close_due_procedures()
    with network_scope(kyrgyzstan.network):
        with pytest.raises(ValidationError, match="objection"):
            services.outcome_record(
                procedure=one, by=kyrgyzstan.co_chair, outcome="adopted", statement="Adopted."
            )
        services.outcome_record(
            procedure=one, by=kyrgyzstan.co_chair, outcome="no_consensus", statement="Next meeting."
        )
        services.outcome_record(
            procedure=two, by=kyrgyzstan.co_chair, outcome="adopted", statement="Adopted."
        )
        with pytest.raises(ValidationError, match="already recorded"):
            services.outcome_record(
                procedure=two, by=kyrgyzstan.co_chair2, outcome="adopted", statement="Again."
            )
    assert refreshed(kyrgyzstan, blocked).status == "not_adopted"
    assert refreshed(kyrgyzstan, passed).status == "adopted"


@pytest.mark.parametrize("kind", ["consultation", "silence"])
def test_a_decision_concerning_the_state_needs_the_authoritys_position(kyrgyzstan, kind):
    decision = draft(kyrgyzstan, concerns_state=True)
    procedure = open_procedure(kyrgyzstan, decision, kind=kind)
    pass_deadline(kyrgyzstan, procedure)
    close_due_procedures()
    if kind == "consultation":
        with (
            network_scope(kyrgyzstan.network),
            pytest.raises(ValidationError, match="national authority"),
        ):
            services.outcome_record(
                procedure=procedure, by=kyrgyzstan.co_chair, outcome="adopted", statement="Adopted."
            )
    assert refreshed(kyrgyzstan, decision).status != "adopted"


def test_the_authority_answering_lets_the_state_decision_be_adopted(kyrgyzstan):
    decision = draft(kyrgyzstan, concerns_state=True)
    procedure = open_procedure(kyrgyzstan, decision, kind="silence")
    answer(kyrgyzstan, procedure, "partner", "AUTH", "concur")
    pass_deadline(kyrgyzstan, procedure)
    close_due_procedures()
    assert refreshed(kyrgyzstan, decision).status == "adopted"


def test_positions_are_per_organisation_and_kept_in_history(kyrgyzstan):
    decision = draft(kyrgyzstan)
    procedure = open_procedure(kyrgyzstan, decision)
    with pytest.raises(ValidationError, match="your own organisation"):
        answer(kyrgyzstan, procedure, "member", "UNHCR", "concur")  # UNDP answering for UNHCR
    answer(kyrgyzstan, procedure, "secretariat", "IOM", "object", "Too vague.")
    answer(kyrgyzstan, procedure, "co_chair2", "IOM", "concur")  # the other IOM focal point
    with network_scope(kyrgyzstan.network):
        [position] = Position.objects.filter(procedure=procedure)
        history = list(
            PositionChange.objects.filter(procedure=procedure).values_list("stance", flat=True)
        )
        assert (position.stance, position.recorded_by) == ("concur", kyrgyzstan.co_chair2)
        assert history == ["object", "concur"]
        with pytest.raises(IntegrityError), transaction.atomic():
            Position.objects.create(
                network=kyrgyzstan.network,
                procedure=procedure,
                organisation=kyrgyzstan.organisations["IOM"],
                stance="abstain",
                recorded_at=timezone.now(),
            )


def test_closed_procedures_and_bad_deadlines_are_refused(kyrgyzstan):
    decision = draft(kyrgyzstan)
    with network_scope(kyrgyzstan.network), pytest.raises(ValidationError, match="future"):
        services.procedure_open(
            decision=decision,
            by=kyrgyzstan.co_chair,
            kind="consultation",
            deadline=timezone.now() - timedelta(minutes=1),
        )
    assert refreshed(kyrgyzstan, decision).status == "draft"
    procedure = open_procedure(kyrgyzstan, decision)
    pass_deadline(kyrgyzstan, procedure)
    with pytest.raises(ValidationError, match="deadline has passed"):
        answer(kyrgyzstan, procedure, "member", "UNDP", "concur")
    with pytest.raises(ValidationError, match="reason"):
        open_two = open_procedure(kyrgyzstan, draft(kyrgyzstan, "Other"))
        answer(kyrgyzstan, open_two, "member", "UNDP", "object")


def test_the_pages_let_each_role_do_its_part(kyrgyzstan, login):
    decision = draft(kyrgyzstan)
    url = reverse("decisions:detail", kwargs={"network": "kyrgyzstan", "decision_id": decision.pk})
    co_chair = login(kyrgyzstan.co_chair)
    opened = co_chair.post(
        reverse(
            "decisions:procedure", kwargs={"network": "kyrgyzstan", "decision_id": decision.pk}
        ),
        {
            "kind": "consultation",
            "deadline": (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        },
        follow=True,
    )
    assert "The written procedure is open" in opened.content.decode()
    member = login(kyrgyzstan.member)
    page = member.get(url).content.decode()
    assert "Your organisation's position" in page
    member.post(
        reverse("decisions:position", kwargs={"network": "kyrgyzstan", "decision_id": decision.pk}),
        {"organisation": kyrgyzstan.organisations["UNDP"].pk, "stance": "concur"},
    )
    assert "Concurs" in member.get(url).content.decode()
    response = member.post(
        reverse("decisions:outcome", kwargs={"network": "kyrgyzstan", "decision_id": decision.pk}),
        {"outcome": "adopted", "statement": "x"},
    )
    assert response.status_code == 403
    # The external partner sees only what concerns the state.
    register = reverse("decisions:register", kwargs={"network": "kyrgyzstan"})
    assert "Joint statement" not in login(kyrgyzstan.partner).get(register).content.decode()
    assert login(kyrgyzstan.partner).get(url).status_code == 404


def test_a_co_chair_extends_the_deadline_and_everyone_consulted_is_told(kyrgyzstan):
    decision = draft(kyrgyzstan)
    procedure = open_procedure(kyrgyzstan, decision)
    later = procedure.deadline + timedelta(days=2)
    with network_scope(kyrgyzstan.network):
        with pytest.raises(ValidationError, match="reason"):
            services.deadline_extend(
                procedure=procedure, by=kyrgyzstan.co_chair, deadline=later, reason=""
            )
        with pytest.raises(ValidationError, match="later deadline"):
            services.deadline_extend(
                procedure=procedure, by=kyrgyzstan.co_chair, deadline=procedure.deadline, reason="x"
            )
        services.deadline_extend(
            procedure=procedure, by=kyrgyzstan.co_chair, deadline=later, reason="Holidays"
        )
        [told] = [
            c
            for c in Circulation.objects.filter(kind="consultation")
            if c.rendered["en"]["subject"].startswith("New deadline")
        ]
        addresses = set(Delivery.objects.filter(circulation=told).values_list("address", flat=True))
    assert refreshed(kyrgyzstan, procedure).deadline == later
    # Everyone who speaks for a member organisation: IOM, RCO, UNDP, UNHCR.
    assert kyrgyzstan.member.email in addresses and kyrgyzstan.member_unhcr.email in addresses
    assert kyrgyzstan.partner.email not in addresses  # not consulted: the state is not concerned


def test_organisations_that_have_not_answered_are_reminded_once(kyrgyzstan, settings):
    from decisions.tasks import remind_before_deadlines

    settings.DECISIONS_REMIND_HOURS = 24
    decision = draft(kyrgyzstan)
    procedure = open_procedure(kyrgyzstan, decision, hours=12)
    answer(kyrgyzstan, procedure, "member", "UNDP", "concur")
    assert remind_before_deadlines() == 1
    assert remind_before_deadlines() == 0
    with network_scope(kyrgyzstan.network):
        [reminder] = [
            c
            for c in Circulation.objects.filter(kind="consultation")
            if c.rendered["en"]["subject"].startswith("Reminder")
        ]
        addresses = set(
            Delivery.objects.filter(circulation=reminder).values_list("address", flat=True)
        )
    assert kyrgyzstan.member_unhcr.email in addresses
    assert kyrgyzstan.member.email not in addresses  # UNDP has answered


def test_a_deadline_on_the_day_the_clocks_change_closes_at_that_instant(kyrgyzstan):
    """Europe/Chisinau moves from 03:00 summer time back to 02:00 on 25 October 2026: a
    deadline typed as 23:59 that day is one absolute instant, and closing honours it."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from networks.models import Network

    Network.objects.filter(pk=kyrgyzstan.network.pk).update(time_zone="Europe/Chisinau")
    kyrgyzstan.network.refresh_from_db()
    zone = ZoneInfo("Europe/Chisinau")
    deadline = datetime(2026, 10, 25, 23, 59, tzinfo=zone)
    assert deadline.utcoffset() == timedelta(hours=2)  # winter time again by then
    decision = draft(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        Procedure.objects.create(
            network=kyrgyzstan.network,
            decision=decision,
            kind="silence",
            deadline=deadline,
            opened_by=kyrgyzstan.co_chair,
        )
        Decision.objects.filter(pk=decision.pk).update(status="consultation")
    # One minute before, the procedure is still open; at the instant it closes.
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=deadline - timedelta(minutes=1)):
        assert close_due_procedures() == 0
    with mock.patch("django.utils.timezone.now", return_value=deadline):
        assert close_due_procedures() == 1
    assert refreshed(kyrgyzstan, decision).status == "adopted"


def test_the_home_page_says_which_positions_are_awaited(kyrgyzstan, login):
    decision = draft(kyrgyzstan, title="Statement on returns")
    procedure = open_procedure(kyrgyzstan, decision)
    home = reverse("networks:home", kwargs={"network": "kyrgyzstan"})
    waiting = "Your organisation's position on “Statement on returns”"

    def page(key):
        return unescape(login(kyrgyzstan.people[key]).get(home).content.decode())

    assert waiting in page("member")
    answer(kyrgyzstan, procedure, "member", "UNDP", "concur")
    assert waiting not in page("member")
    assert waiting in page("member_unhcr")


def test_the_register_filters_by_gcm_objective_status_and_state(kyrgyzstan, login):
    from reference.models import GCMObjective

    labour = draft(kyrgyzstan, title="Fair recruitment statement")
    draft(kyrgyzstan, title="Border data protocol", concerns_state=True)
    labour.gcm_objectives.set(GCMObjective.objects.filter(number__in=[6, 7]))
    register = reverse("decisions:register", kwargs={"network": "kyrgyzstan"})
    member = login(kyrgyzstan.member)

    def titles(**query):
        page = member.get(register, query).content.decode()
        return {t for t in ("Fair recruitment statement", "Border data protocol") if t in page}

    assert titles() == {"Fair recruitment statement", "Border data protocol"}
    assert titles(gcm="6") == {"Fair recruitment statement"}
    assert titles(gcm="12") == set()
    assert titles(gcm="99") == titles(gcm="x") == titles()  # not an objective: no filter
    assert titles(state="1") == {"Border data protocol"}
    assert titles(gcm="7", status="adopted") == set()
