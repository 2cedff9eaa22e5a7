"""The quarterly report's life as a table of the shared workflow: the co-chairs sign it off
(every co-chair in office by default) and the last signature submits it; a submitted report
is signed off again, with a reason, to resubmit it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from networks.roles import Action
from reports.models import QuarterlyReport, ReportSignature
from workflow import Actor, Refusal, Transition, Workflow

S = QuarterlyReport.Status


def _not_signed_by_me(report: QuarterlyReport, actor: Actor) -> Refusal | None:
    standing = ReportSignature.objects.filter(
        report=report, version__isnull=True, withdrawn_at__isnull=True, co_chair_id=actor.user_id
    )
    if standing.exists():
        return Refusal(
            _("You have already signed this report; the other co-chairs' signatures are awaited."),
            code=Refusal.ALREADY_SIGNED,
        )
    return None


REPORT: Workflow[QuarterlyReport] = Workflow(
    kind="report",
    state=lambda report: report.status,
    table={
        (S.DRAFT, "submit"): Transition(
            S.SUBMITTED, Action.REPORTS_SUBMIT, _("Submit"), _not_signed_by_me
        ),
        (S.SUBMITTED, "submit"): Transition(
            S.SUBMITTED, Action.REPORTS_SUBMIT, _("Submit again"), _not_signed_by_me
        ),
    },
    order=("submit",),
)
