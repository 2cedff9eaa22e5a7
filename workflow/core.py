"""The transition table, the one refusal, and the two questions every page and service asks:
may this person take this step now (`require`), and which steps may they take (`steps_for`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from workflow.signals import step_taken

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

R = TypeVar("R")


class Actor(Protocol):
    """Who acts: `networks.access.NetworkAccess` is one, and so is any object with these two
    attributes (the workflow reads plain values, never a role)."""

    @property
    def user_id(self) -> int: ...

    @property
    def actions(self) -> Collection[str]: ...


class Refusal(ValidationError):
    """A step that may not be taken, with a code the pages and the API map to one status.

    A subclass of ValidationError, so that every caller that already shows a service's
    ValidationError as a message shows a refusal the same way."""

    NOT_ALLOWED = "not_allowed"
    WRONG_STATE = "wrong_state"
    STALE = "stale"
    ALREADY_SIGNED = "already_signed"
    INVALID = "invalid"

    STATUS = {NOT_ALLOWED: 403, WRONG_STATE: 409, STALE: 409, ALREADY_SIGNED: 409, INVALID: 400}

    def __init__(self, message: StrOrPromise, *, code: str) -> None:
        if code not in self.STATUS:
            raise ValueError(f"Unknown refusal code {code!r}.")
        super().__init__(message, code=code)

    @property
    def http_status(self) -> int:
        return self.STATUS[str(self.code)]


def status_of(error: ValidationError) -> int:
    """The one mapping from a service's refusal to an HTTP status, for pages and the API:
    403 when any of its messages is not_allowed, 409 when one says the record is in the
    wrong state, stale or already signed, else 400 (bad input). A plain ValidationError
    with one of a Refusal's codes counts the same."""
    if hasattr(error, "error_dict"):
        items = [item for listed in error.error_dict.values() for item in listed]
    else:
        items = error.error_list
    statuses = {Refusal.STATUS.get(str(item.code), 400) for item in items}
    for status in (403, 409):
        if status in statuses:
            return status
    return 400


# A guard looks at the record and the person and returns the refusal that stops the step,
# or None. It runs under the caller's row lock, so what it reads stays true until commit.
Guard = Callable[[Any, Actor], Refusal | None]


@dataclass(frozen=True)
class Transition:
    """Taking `step` from a state leads to `target`; it needs the permission `action` (a value
    of networks.roles.Action) and whatever `guard` says about this record and person."""

    target: str
    action: str
    label: StrOrPromise = ""
    guard: Guard | None = None


@dataclass(frozen=True)
class Workflow(Generic[R]):
    """The life of one kind of record.

    `state` reads a record's state; `table` maps `(state, step)` to its transition. When a
    step does not apply, the message is the state's in `closed` (a state where nothing
    applies, e.g. a cancelled meeting), else the step's in `wrong_state` — a text, or a
    function of the record for a message that names where it stands."""

    kind: str
    state: Callable[[R], str]
    table: Mapping[tuple[str, str], Transition]
    wrong_state: Mapping[str, StrOrPromise | Callable[[R], StrOrPromise]] = field(
        default_factory=dict
    )
    closed: Mapping[str, StrOrPromise] = field(default_factory=dict)
    # Steps in the order pages show them.
    order: tuple[str, ...] = ()

    def steps(self) -> tuple[str, ...]:
        seen = dict.fromkeys(self.order)
        for _state, step in self.table:
            seen.setdefault(step)
        return tuple(seen)

    def require(self, record: R, step: str, actor: Actor) -> Transition:
        """The transition `step` takes from the record's state now, or a Refusal:
        not_allowed when the person lacks its action, wrong_state when the step does not
        apply to this state, or whatever the step's guard says.

        A step let through is announced (`workflow.signals.step_taken`) before it returns:
        services call this on the locked row inside the change's transaction, so the audit
        trail records each step once, with the person, and loses it if the change rolls
        back."""
        before = self.state(record)
        transition = self.check(record, step, actor)
        step_taken.send(
            sender=type(self),
            flow=self,
            record=record,
            step=step,
            actor=actor,
            before=before,
            transition=transition,
        )
        return transition

    def check(self, record: R, step: str, actor: Actor) -> Transition:
        """`require()` without announcing anything: may this person take the step now?"""
        if step not in self.steps():
            raise ValueError(f"{self.kind} has no step {step!r}.")
        state = self.state(record)
        transition = self.table.get((state, step))
        if transition is None:
            # Nobody may take a step the state does not allow, so the state comes first:
            # "already circulated" is truer than "not yours" for a co-chair who is late.
            message = self.closed.get(state) or self.wrong_state.get(step)
            if callable(message):
                message = message(record)
            raise Refusal(
                message or _("This step does not apply any more."), code=Refusal.WRONG_STATE
            )
        if transition.action not in actor.actions:
            raise Refusal(_("You may not take this step."), code=Refusal.NOT_ALLOWED)
        if transition.guard is not None:
            refusal = transition.guard(record, actor)
            if refusal is not None:
                raise refusal
        return transition

    def allows(self, state: str, step: str, actor: Actor) -> bool:
        """Whether the table lets this person take `step` from `state`, guards aside: for a
        list of many records at once (the personal inbox), whose caller checks what the
        guards check (already signed, drafted by this person) in its own batched query
        rather than one guard's query per record."""
        transition = self.table.get((state, step))
        return transition is not None and transition.action in actor.actions

    def steps_for(self, record: R, actor: Actor) -> list[str]:
        """The steps this person may take on the record now, in the pages' order."""
        allowed = []
        for step in self.steps():
            try:
                self.check(record, step, actor)
            except Refusal:
                continue
            allowed.append(step)
        return allowed


def require(flow: Workflow[R], record: R, step: str, actor: Actor) -> Transition:
    """`flow.require(...)`, for callers that read better with a function."""
    return flow.require(record, step, actor)


def steps_for(flow: Workflow[R], record: R, actor: Actor) -> list[str]:
    """`flow.steps_for(...)`."""
    return flow.steps_for(record, actor)
