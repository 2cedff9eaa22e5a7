"""The lives of the agenda and of the minutes, as tables of the shared workflow. Services call
`require()` before each step; the pages and the API show what `steps_for()` returns."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from meetings.models import AgendaApproval, Meeting, Minutes, MinutesApproval, MinutesVersion
from networks.roles import Action
from workflow import Actor, Refusal, Transition, Workflow

CANCELLED = "cancelled"
A = Meeting.AgendaStatus


def _agenda_state(meeting: Meeting) -> str:
    return CANCELLED if meeting.is_cancelled else meeting.agenda_status


def _agenda_not_draft(meeting: Meeting) -> str:
    return _("The agenda is %(status)s: reopen it as a draft to change it.") % {
        "status": meeting.get_agenda_status_display().lower()
    }


def _has_items(meeting: Meeting, actor: Actor) -> Refusal | None:
    if not meeting.agenda_items.exists():
        return Refusal(
            _("Add at least one item before submitting the agenda."), code=Refusal.INVALID
        )
    return None


def _not_approved_by_me(meeting: Meeting, actor: Actor) -> Refusal | None:
    standing = AgendaApproval.objects.filter(meeting=meeting, withdrawn_at__isnull=True)
    if standing.filter(co_chair_id=actor.user_id).exists():
        return Refusal(_("You have already approved this agenda."), code=Refusal.ALREADY_SIGNED)
    return None


def _cannot_return(meeting: Meeting) -> str:
    if meeting.agenda_status == A.CIRCULATED:
        return _(
            "The agenda has already been circulated to the participants: it can no longer be "
            "returned. Ask the secretariat to reopen it if it must change."
        )
    return _("Only a submitted or approved agenda can be returned.")


AGENDA: Workflow[Meeting] = Workflow(
    kind="agenda",
    state=_agenda_state,
    table={
        (A.DRAFT, "edit"): Transition(A.DRAFT, Action.MEETINGS_MANAGE),
        (A.DRAFT, "submit"): Transition(
            A.SUBMITTED, Action.MEETINGS_MANAGE, _("Submit to the co-chairs"), _has_items
        ),
        (A.SUBMITTED, "approve"): Transition(
            A.APPROVED, Action.AGENDA_APPROVE, _("Approve the agenda"), _not_approved_by_me
        ),
        (A.SUBMITTED, "return"): Transition(
            A.DRAFT, Action.AGENDA_APPROVE, _("Return to the secretariat")
        ),
        # One co-chair's approval is enough by default; the others may still send it back
        # until the secretariat circulates it.
        (A.APPROVED, "return"): Transition(
            A.DRAFT, Action.AGENDA_APPROVE, _("Return to the secretariat")
        ),
        (A.APPROVED, "circulate"): Transition(
            A.CIRCULATED, Action.MEETINGS_MANAGE, _("Circulate the agenda")
        ),
        (A.SUBMITTED, "reopen"): Transition(
            A.DRAFT, Action.MEETINGS_MANAGE, _("Reopen as a draft")
        ),
        (A.APPROVED, "reopen"): Transition(A.DRAFT, Action.MEETINGS_MANAGE, _("Reopen as a draft")),
        (A.CIRCULATED, "reopen"): Transition(
            A.DRAFT, Action.MEETINGS_MANAGE, _("Reopen as a draft")
        ),
    },
    wrong_state={
        "edit": _agenda_not_draft,
        "submit": _agenda_not_draft,
        "approve": _("Only a submitted agenda can be approved or returned."),
        "return": _cannot_return,
        "circulate": _("Only an agenda a co-chair approved can be circulated."),
        "reopen": _("The agenda is already a draft."),
    },
    closed={CANCELLED: _("This meeting is cancelled; it can no longer be changed.")},
    order=("edit", "submit", "approve", "return", "circulate", "reopen"),
)


M = Minutes.Status


def _minutes_not_draft(minutes: Minutes) -> str:
    return _("The minutes are %(status)s: they can no longer be edited.") % {
        "status": minutes.get_status_display().lower()
    }


def pending_version(minutes: Minutes) -> MinutesVersion | None:
    """The submitted version awaiting the co-chairs, if any."""
    return (
        MinutesVersion.objects.filter(
            minutes=minutes, approved_at__isnull=True, returned_at__isnull=True
        )
        .order_by("-number")
        .first()
    )


def _minutes_not_approved_by_me(minutes: Minutes, actor: Actor) -> Refusal | None:
    signed = MinutesApproval.objects.filter(
        version__minutes=minutes,
        version__approved_at__isnull=True,
        version__returned_at__isnull=True,
        co_chair_id=actor.user_id,
    )
    if signed.exists():
        return Refusal(_("You have already approved this version."), code=Refusal.ALREADY_SIGNED)
    return None


MINUTES: Workflow[Minutes] = Workflow(
    kind="minutes",
    state=lambda minutes: minutes.status,
    table={
        (M.DRAFT, "edit"): Transition(M.DRAFT, Action.MINUTES_EDIT),
        (M.DRAFT, "submit"): Transition(
            M.SUBMITTED, Action.MINUTES_EDIT, _("Submit to the co-chairs")
        ),
        (M.SUBMITTED, "approve"): Transition(
            M.APPROVED,
            Action.MINUTES_APPROVE,
            _("Approve this version"),
            _minutes_not_approved_by_me,
        ),
        # A co-chair who approved this version has said their word on it; the others may
        # still send it back.
        (M.SUBMITTED, "return"): Transition(
            M.DRAFT,
            Action.MINUTES_APPROVE,
            _("Return to the secretariat"),
            _minutes_not_approved_by_me,
        ),
        (M.APPROVED, "correct"): Transition(M.DRAFT, Action.MINUTES_EDIT, _("Start a correction")),
    },
    wrong_state={
        "edit": _minutes_not_draft,
        "submit": _minutes_not_draft,
        "approve": _("Only submitted minutes can be approved or returned."),
        "return": _("Only submitted minutes can be approved or returned."),
        "correct": _("Only approved minutes are corrected; edit the draft instead."),
    },
    order=("edit", "submit", "approve", "return", "correct"),
)
