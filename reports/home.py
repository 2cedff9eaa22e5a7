"""What reports shows on the network home (networks.home): where the last ended quarter's
report stands, and the inbox's report items. Registered in ReportsConfig.ready().

The report is the one of the network's last ended quarter (in the network's time). One query
whatever the number of networks:
- the secretariat (who writes reports): due — the quarter has ended and no report is open
  yet — or drafted and waiting for the co-chairs' submission;
- a co-chair: waiting for their sign-off, from what the report's table
  (reports.flows.REPORT) lets them take, less what its guard refuses (they signed already);
- those who follow the report (`reports.follow`: the RCO, who pulls it): being drafted,
  waiting for the co-chairs (some have signed), or submitted — linked to the report once it
  is submitted, to the list of reports before (a draft would be a 404 for them).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from common import quarters
from networks.home import InboxItem, register_inbox, register_panel
from networks.roles import Action
from reports import flows
from reports.models import QuarterlyReport, ReportSignature

if TYPE_CHECKING:
    from datetime import datetime

    from common.quarters import Quarter
    from networks.access import NetworkAccess

DRAFT, SUBMITTED = QuarterlyReport.Status.DRAFT, QuarterlyReport.Status.SUBMITTED

# Where the report stands for this person.
DUE = "due"  # the quarter ended, no report open yet
DRAFTED = "drafted"  # a draft nobody has signed
AWAITING = "awaiting"  # some co-chairs signed, others are awaited
YOURS = "yours"  # waits for this co-chair's signature
SIGNED = "signed"  # this co-chair signed; the others are awaited
DONE = "submitted"


@dataclass(frozen=True)
class Standing:
    """The last ended quarter's report as one person's home shows it."""

    quarter: Quarter
    report: QuarterlyReport | None
    state: str
    url: str


def _standings(accesses: Sequence[NetworkAccess]) -> dict[int, Standing]:
    by_network = {access.network.pk: access for access in accesses}
    user_id = accesses[0].user_id
    period = {pk: quarters.last_ended_quarter(a.network) for pk, a in by_network.items()}
    which = Q(pk__in=[])
    for pk, quarter in period.items():
        which |= Q(network_id=pk, year=quarter.year, quarter=quarter.quarter)
    standing = ReportSignature.objects.filter(
        report=OuterRef("pk"), version__isnull=True, withdrawn_at__isnull=True
    )
    reports = {
        report.network_id: report
        for report in QuarterlyReport.objects.filter(which)
        .annotate(
            signed_by_me=Exists(standing.filter(co_chair_id=user_id)),
            standing_signatures=Count(
                "signatures",
                filter=Q(signatures__version__isnull=True, signatures__withdrawn_at__isnull=True),
            ),
        )
        .only("pk", "network_id", "year", "quarter", "status", "drafted_by_id", "updated_at")
    }
    found = {}
    for pk, access in by_network.items():
        report = reports.get(pk)
        slug = access.network.slug
        listing = reverse("reports:list", kwargs={"network": slug})
        drafts = access.can(Action.REPORT_DRAFTS_VIEW)
        if report is None:
            state = DUE
            url = (
                reverse("reports:open", kwargs={"network": slug})
                if access.can(Action.REPORTS_WRITE)
                else listing
            )
        else:
            detail = reverse("reports:detail", kwargs={"network": slug, "report_id": report.pk})
            url = detail if drafts or report.status == SUBMITTED else listing
            if report.status == SUBMITTED:
                state = DONE
            elif flows.REPORT.allows(DRAFT, "submit", access) and report.drafted_by_id != user_id:
                # (who drafted the report never submits it: reports.services.report_submit)
                state = SIGNED if report.signed_by_me else YOURS
            else:
                state = AWAITING if report.standing_signatures else DRAFTED
        found[pk] = Standing(period[pk], report, state, url)
    return found


def _inbox(accesses: Sequence[NetworkAccess]) -> Iterator[InboxItem]:
    by_network = {access.network.pk: access for access in accesses}
    for pk, standing in _standings(accesses).items():
        access = by_network[pk]
        label = {"quarter": standing.quarter.label}
        since: datetime = standing.quarter.end
        writes = access.can(Action.REPORTS_WRITE)
        if standing.state == DUE:
            if writes:
                title = _("The %(quarter)s quarterly report is due: open it")
            elif not access.can(Action.REPORTS_FOLLOW):
                continue  # the secretariat opens it; nothing is the co-chair's yet
            else:
                title = _("The %(quarter)s quarterly report is being drafted")
        elif standing.state == YOURS:
            title = _("Sign off and submit the %(quarter)s quarterly report")
        elif standing.state == SIGNED:
            continue  # this co-chair has signed: the step is the other co-chairs'
        elif standing.state in (DRAFTED, AWAITING):
            if writes:
                title = _("The %(quarter)s quarterly report waits for the co-chairs' submission")
            elif not access.can(Action.REPORTS_FOLLOW):
                continue
            elif standing.state == AWAITING:
                title = _("The %(quarter)s quarterly report waits for the co-chairs")
            else:
                title = _("The %(quarter)s quarterly report is being drafted")
        else:  # submitted
            if not access.can(Action.REPORTS_FOLLOW):
                continue  # those who signed it off have nothing left to do
            title = _("The %(quarter)s quarterly report was submitted")
        if standing.report is not None:
            since = max(since, standing.report.updated_at)
        yield InboxItem(
            access.network, f"report.{standing.state}", title % label, standing.url, since=since
        )


def _panel(access: NetworkAccess) -> dict:
    return {"standing": _standings([access])[access.network.pk]}


def register() -> None:
    register_panel(
        "reports",
        action=Action.REPORTS_VIEW,
        template="reports/home_panel.html",
        data=_panel,
        order=40,
    )
    register_inbox("reports", action=Action.REPORTS_VIEW, items=_inbox)
