"""The shared workflow on its own: the table decides which steps apply, the person's actions
decide who may take them, the rule decides when a sign-off is complete."""

from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError

from workflow import (
    Refusal,
    Rule,
    Transition,
    Workflow,
    check_signature,
    content_hash,
    evaluate,
    require,
    status_of,
    steps_for,
)


@dataclass
class Record:
    state: str = "draft"
    signed: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Person:
    user_id: int
    actions: frozenset[str]


def not_twice(record, actor):
    if actor.user_id in record.signed:
        return Refusal("signed already", code=Refusal.ALREADY_SIGNED)
    return None


FLOW = Workflow(
    kind="thing",
    state=lambda record: record.state,
    table={
        ("draft", "submit"): Transition("submitted", "thing.write"),
        ("submitted", "approve"): Transition("approved", "thing.approve", guard=not_twice),
        ("submitted", "return"): Transition("draft", "thing.approve"),
        ("approved", "return"): Transition("draft", "thing.approve"),
    },
    wrong_state={"approve": "Only a submitted thing can be approved."},
    order=("submit", "approve", "return"),
)
WRITER = Person(1, frozenset({"thing.write"}))
CHAIR = Person(2, frozenset({"thing.approve"}))


def test_a_step_the_state_allows_leads_to_its_next_state():
    assert require(FLOW, Record("draft"), "submit", WRITER).target == "submitted"
    assert FLOW.require(Record("approved"), "return", CHAIR).target == "draft"


def test_a_step_the_state_does_not_allow_is_refused_as_the_wrong_state_with_its_message():
    with pytest.raises(Refusal, match="Only a submitted thing can be approved.") as refused:
        require(FLOW, Record("draft"), "approve", CHAIR)
    assert refused.value.code == "wrong_state" and refused.value.http_status == 409


def test_a_person_without_the_action_is_refused_as_not_allowed():
    with pytest.raises(Refusal) as refused:
        require(FLOW, Record("submitted"), "approve", WRITER)
    assert refused.value.code == "not_allowed" and refused.value.http_status == 403


def test_the_guard_has_the_last_word():
    with pytest.raises(Refusal) as refused:
        require(FLOW, Record("submitted", signed=[2]), "approve", CHAIR)
    assert refused.value.code == "already_signed" and refused.value.http_status == 409


def test_an_unknown_step_is_a_programming_error_not_a_refusal():
    with pytest.raises(ValueError):
        require(FLOW, Record(), "publish", CHAIR)


def test_steps_for_lists_only_what_this_person_may_do_now_in_the_pages_order():
    assert steps_for(FLOW, Record("draft"), WRITER) == ["submit"]
    assert steps_for(FLOW, Record("draft"), CHAIR) == []
    assert steps_for(FLOW, Record("submitted"), CHAIR) == ["approve", "return"]
    assert steps_for(FLOW, Record("submitted", signed=[2]), CHAIR) == ["return"]


def test_a_refusal_is_a_validation_error_pages_already_show():
    from django.core.exceptions import ValidationError

    refusal = Refusal("no", code=Refusal.INVALID)
    assert isinstance(refusal, ValidationError) and refusal.http_status == 400
    with pytest.raises(ValueError):
        Refusal("no", code="nope")


def test_every_co_chair_in_office_must_sign_and_the_others_are_awaited():
    signoff = evaluate(rule="all_co_chairs", in_office={10, 20}, signed=[10])
    assert not signoff.complete and signoff.signed == (10,) and signoff.awaited == [20]
    done = evaluate(rule=Rule.ALL_CO_CHAIRS, in_office={10, 20}, signed=[10, 20])
    assert done.complete and done.awaited == []


def test_any_one_co_chair_completes_with_the_first_signature():
    assert not evaluate(rule="any_co_chair", in_office={10, 20}, signed=[]).complete
    assert evaluate(rule="any_co_chair", in_office={10, 20}, signed=[20]).complete


def test_a_co_chair_who_left_after_signing_still_counts_and_a_new_one_is_awaited():
    signoff = evaluate(rule="all_co_chairs", in_office={20, 30}, signed=[10, 20])
    assert signoff.awaited == [30] and signoff.signed == (10, 20)


def test_a_signature_on_content_not_seen_or_a_second_one_is_refused():
    current = content_hash({"b": 1, "a": [1, 2]})
    assert current == content_hash({"a": [1, 2], "b": 1})  # canonical: key order is no change
    check_signature(current_sha256=current, seen_sha256=current, signer_id=1, signed=[2])
    with pytest.raises(Refusal) as stale:
        check_signature(current_sha256=current, seen_sha256="0" * 64, signer_id=1, signed=[])
    assert stale.value.code == "stale"
    with pytest.raises(Refusal) as twice:
        check_signature(current_sha256=current, seen_sha256=current, signer_id=1, signed=[1])
    assert twice.value.code == "already_signed"


def test_the_workflow_imports_no_domain_app():
    import ast
    from pathlib import Path

    domain = {"meetings", "decisions", "reports", "workplans", "documents", "circulation"}
    domain |= {"networks", "accounts"}
    import workflow

    for path in Path(workflow.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[0] not in domain, (path, node.module)
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name.split(".")[0] not in domain, (path, alias.name)


def test_a_closed_state_refuses_every_step_with_its_own_message_and_a_message_may_name_the_state():
    flow = Workflow(
        kind="thing",
        state=lambda record: record.state,
        table={("draft", "submit"): Transition("submitted", "thing.write")},
        wrong_state={"submit": lambda record: f"The thing is {record.state}."},
        closed={"cancelled": "This thing is cancelled."},
    )
    with pytest.raises(Refusal, match="This thing is cancelled."):
        flow.require(Record("cancelled"), "submit", WRITER)
    with pytest.raises(Refusal, match="The thing is submitted."):
        flow.require(Record("submitted"), "submit", WRITER)


def test_one_mapping_from_a_refusal_to_a_status():
    """Pages and the API answer a service's refusal with the same status: the person's
    standing (403) wins over the record's state (409), which wins over bad input (400)."""
    not_allowed = Refusal("no", code=Refusal.NOT_ALLOWED)
    stale = Refusal("changed", code=Refusal.STALE)
    assert status_of(not_allowed) == 403
    assert status_of(stale) == 409
    assert status_of(Refusal("signed", code=Refusal.ALREADY_SIGNED)) == 409
    assert status_of(Refusal("state", code=Refusal.WRONG_STATE)) == 409
    assert status_of(Refusal("bad", code=Refusal.INVALID)) == 400
    assert status_of(ValidationError("Give a title.")) == 400
    assert status_of(ValidationError([stale, ValidationError("bad")])) == 409
    assert status_of(ValidationError([stale, not_allowed])) == 403
    assert status_of(ValidationError({"title": [stale], "text": ["Too long."]})) == 409
