"""The workplan's life as a table of the shared workflow. The secretariat drafts the plan and
changes its structure until it is closed; the co-chairs endorse the draft (any one co-chair by
default, or every co-chair in office: the network's rule for workplans), which keeps its
baseline; the secretariat starts the endorsed plan and closes it. Progress is reported, and
missing updates chased, once it is endorsed. Services call `require()` under the plan's row
lock; the pages and the API show what `steps_for()` returns."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from networks.roles import Action
from workflow import Actor, Refusal, Transition, Workflow
from workplans.models import Activity, Workplan, WorkplanEndorsement

W = Workplan.Status
# A plan's structure and activities change until it is closed; the endorsement keeps what
# it held when endorsed as its baseline.
OPEN = (W.DRAFT, W.ENDORSED, W.ACTIVE)
REPORTING = (W.ENDORSED, W.ACTIVE)


def standing_endorsements(workplan: Workplan) -> QuerySet[WorkplanEndorsement]:
    """The endorsements that count: of the draft as it stands, or the record of an endorsed
    plan."""
    return WorkplanEndorsement.objects.filter(workplan=workplan, withdrawn_at__isnull=True)


def _endorsable(workplan: Workplan, actor: Actor) -> Refusal | None:
    # Separation of duties: whoever drafted the plan never endorses it; another co-chair does.
    if workplan.created_by_id == actor.user_id:
        return Refusal(
            _("You drafted this workplan: another co-chair endorses it."),
            code=Refusal.NOT_ALLOWED,
        )
    if standing_endorsements(workplan).filter(co_chair_id=actor.user_id).exists():
        return Refusal(
            _(
                "You have already endorsed this workplan; the other co-chairs' endorsements are awaited."
            ),
            code=Refusal.ALREADY_SIGNED,
        )
    if not Activity.objects.filter(workplan=workplan).exists():
        return Refusal(
            _("A workplan needs at least one activity to be endorsed."), code=Refusal.INVALID
        )
    return None


CLOSED_MESSAGE = _("The workplan is closed.")
NOT_REPORTING = _("Progress is reported on endorsed or active workplans.")

WORKPLAN: Workflow[Workplan] = Workflow(
    kind="workplan",
    state=lambda workplan: workplan.status,
    table={
        **{(state, "edit"): Transition(state, Action.WORKPLANS_MANAGE) for state in OPEN},
        **{(state, "change_activity"): Transition(state, Action.ACTIVITY_CHANGE) for state in OPEN},
        (W.DRAFT, "endorse"): Transition(
            W.ENDORSED, Action.WORKPLAN_ENDORSE, _("Endorse the workplan"), _endorsable
        ),
        (W.ENDORSED, "start"): Transition(
            W.ACTIVE, Action.WORKPLANS_MANAGE, _("Start the workplan")
        ),
        (W.ACTIVE, "close"): Transition(W.CLOSED, Action.WORKPLANS_MANAGE, _("Close the workplan")),
        **{(state, "report"): Transition(state, Action.ACTIVITY_CHANGE) for state in REPORTING},
        # The record of who was chased stays readable once the plan is closed.
        **{
            (state, "chase"): Transition(state, Action.WORKPLAN_UPDATES_CHASE)
            for state in (*REPORTING, W.CLOSED)
        },
    },
    wrong_state={
        "edit": CLOSED_MESSAGE,
        "change_activity": CLOSED_MESSAGE,
        "endorse": _("Only a draft workplan can be endorsed."),
        "start": _("Only an endorsed workplan can be started."),
        "close": _("Only an active workplan can be closed."),
        "report": NOT_REPORTING,
        "chase": NOT_REPORTING,
    },
    order=("edit", "change_activity", "endorse", "start", "close", "report", "chase"),
)
