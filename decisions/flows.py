"""The life of a One-Voice joint statement as a table of the shared workflow. Services call
`require()` before each step under the statement's row lock; the pages and the API show what
`steps_for()` returns.

The silence procedure moves a statement out of `silence` (agreed, not agreed, withdrawn):
that is the procedure's outcome — recorded by a co-chair, or by the beat job at the
deadline — not a step taken on the statement, so it stays with the procedure's services.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from decisions.models import JointStatement, StatementClearance, StatementPublication
from decisions.models import StatementVersion as Version
from networks.roles import Action
from workflow import Actor, Refusal, Transition, Workflow
from workflow.core import Guard

S = JointStatement.Status


def pending_version(statement: JointStatement) -> Version | None:
    """The submitted version awaiting the co-chairs' clearance, if any."""
    if statement.status != S.SUBMITTED:
        return None
    return (
        Version.objects.filter(
            statement=statement, cleared_at__isnull=True, returned_at__isnull=True
        )
        .order_by("-number")
        .first()
    )


def _every(*guards: Guard) -> Guard:
    """The first refusal of `guards`, in order."""

    def guard(statement: JointStatement, actor: Actor) -> Refusal | None:
        for each in guards:
            refusal = each(statement, actor)
            if refusal is not None:
                return refusal
        return None

    return guard


def _pending(statement: JointStatement, actor: Actor) -> Refusal | None:
    if pending_version(statement) is None:
        return Refusal(
            _("Only a submitted statement can be cleared or returned."), code=Refusal.WRONG_STATE
        )
    return None


def _not_drafted_by_me(statement: JointStatement, actor: Actor) -> Refusal | None:
    # Separation of duties: whoever drafted or submitted it (a secretariat officer who has
    # since become a co-chair) leaves the clearance to another co-chair.
    pending = pending_version(statement)
    submitter = pending.submitted_by_id if pending else None
    if actor.user_id in (statement.created_by_id, submitter):
        return Refusal(
            _(
                "You drafted this statement: another co-chair clears it, or returns it "
                "for the secretariat to submit again."
            ),
            code=Refusal.NOT_ALLOWED,
        )
    return None


def _not_cleared_by_me(statement: JointStatement, actor: Actor) -> Refusal | None:
    pending = pending_version(statement)
    if StatementClearance.objects.filter(version=pending, co_chair_id=actor.user_id).exists():
        return Refusal(_("You have already cleared this version."), code=Refusal.ALREADY_SIGNED)
    return None


def _not_public_yet(statement: JointStatement, actor: Actor) -> Refusal | None:
    if StatementPublication.objects.filter(version_id=statement.issued_version_id).exists():
        return Refusal(_("This statement is already public."), code=Refusal.WRONG_STATE)
    return None


_ISSUE_NOT_READY = _(
    "Only a statement the co-chairs cleared (and the network agreed, if it was put "
    "to a silence procedure) can be issued."
)
_REVISE_NOT_READY = _("Only a cleared, agreed, not agreed or issued statement is revised.")


# A correction starts from any state where a version stands cleared; every cleared version
# stays as it was, and the correction is a new version that needs clearing again.
_REVISE = Transition(S.DRAFT, Action.STATEMENTS_DRAFT, _("Start a correction"))

STATEMENT: Workflow[JointStatement] = Workflow(
    kind="statement",
    state=lambda statement: statement.status,
    table={
        (S.DRAFT, "edit"): Transition(S.DRAFT, Action.STATEMENTS_DRAFT, _("Edit the draft")),
        (S.DRAFT, "submit"): Transition(
            S.SUBMITTED, Action.STATEMENTS_DRAFT, _("Submit for the co-chairs' clearance")
        ),
        (S.SUBMITTED, "clear"): Transition(
            S.CLEARED,
            Action.STATEMENTS_CLEAR,
            _("Clear this version"),
            _every(_pending, _not_drafted_by_me, _not_cleared_by_me),
        ),
        (S.SUBMITTED, "return"): Transition(
            S.DRAFT, Action.STATEMENTS_CLEAR, _("Return to the secretariat"), _pending
        ),
        (S.CLEARED, "silence"): Transition(
            S.SILENCE, Action.STATEMENTS_SILENCE, _("Open the silence procedure")
        ),
        (S.CLEARED, "issue"): Transition(
            S.ISSUED, Action.STATEMENTS_DRAFT, _("Issue the statement")
        ),
        (S.AGREED, "issue"): Transition(
            S.ISSUED, Action.STATEMENTS_DRAFT, _("Issue the statement")
        ),
        (S.ISSUED, "publish"): Transition(
            S.ISSUED, Action.STATEMENTS_PUBLISH, _("Make public"), _not_public_yet
        ),
        (S.CLEARED, "revise"): _REVISE,
        (S.AGREED, "revise"): _REVISE,
        (S.NOT_AGREED, "revise"): _REVISE,
        (S.ISSUED, "revise"): _REVISE,
    },
    wrong_state={
        "edit": _("Only a draft statement can be edited; revise it first."),
        "submit": _("Only a draft statement can be submitted."),
        "clear": _("Only a submitted statement can be cleared or returned."),
        "return": _("Only a submitted statement can be cleared or returned."),
        "silence": _("Only a statement the co-chairs cleared can be put to a silence procedure."),
        "issue": _ISSUE_NOT_READY,
        "publish": _("Only an issued statement can be made public."),
        "revise": _REVISE_NOT_READY,
    },
    order=("edit", "submit", "clear", "return", "silence", "issue", "publish", "revise"),
)
