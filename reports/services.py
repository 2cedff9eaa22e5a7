"""Writes on quarterly reports. Keyword-only, one transaction each; the view has checked the
action in networks.roles. Anything that does not apply is a ValidationError and changes
nothing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from circulation.models import Circulation
from circulation.services import Recipient, circulation_create
from networks.models import Membership, Network
from networks.roles import Role
from reports import selectors
from reports.models import QuarterlyReport, ReportVersion

if TYPE_CHECKING:
    from accounts.models import User

MAX_NARRATIVE = 20000
MAX_REASON = 500


def report_url(report: QuarterlyReport) -> str:
    return f"/n/{report.network.slug}/reports/{report.pk}/"


def _people(network: Network, roles: Iterable[Role]) -> list[User]:
    people: dict[int, User] = {}
    for membership in (
        Membership.objects.active()
        .filter(role__in=roles, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    ):
        people.setdefault(membership.user_id, membership.user)
    return list(people.values())


def report_open(
    *, network: Network, by: User | None, year: int, quarter: int, notify: bool = False
) -> tuple[QuarterlyReport, bool]:
    """Secretariat, or the beat job when a quarter ends (by=None, notify=True): the draft
    report of a quarter that has ended, made once. Returns (report, created); opening it
    again returns the same report and tells nobody again. With `notify`, a newly made draft
    is announced to the secretariat and the co-chairs."""
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2100:
        raise ValidationError({"quarter": _("Choose a quarter.")})
    if not selectors.has_ended(network, year, quarter):
        raise ValidationError(
            {"quarter": _("A quarter is reported on once it has ended in the network's time zone.")}
        )
    try:
        with transaction.atomic():
            report, created = QuarterlyReport.objects.get_or_create(
                network=network, year=year, quarter=quarter, defaults={"drafted_by": by}
            )
            if created and notify:
                _announce_draft(report)
    except IntegrityError:
        # Someone else (a second beat run, the secretariat) made it at the same moment.
        return QuarterlyReport.objects.get(network=network, year=year, quarter=quarter), False
    return report, created


def _announce_draft(report: QuarterlyReport) -> None:
    network = report.network
    people = _people(network, [Role.SECRETARIAT, Role.CO_CHAIR])
    if not people:
        return
    circulation_create(
        network=network,
        kind=Circulation.Kind.REPORT,
        sender=None,
        recipients=[Recipient.of(person) for person in people],
        template="report_drafted",
        context={"quarter": report.label, "un_team": network.un_team_name},
        about=report,
        link=report_url(report),
    )


def narrative_save(*, report: QuarterlyReport, by: User, narrative: str, revision: int) -> None:
    """Secretariat: the narrative of the report's next submission. A form based on an older
    revision (someone saved in between) is refused."""
    narrative = (narrative or "").strip()
    if len(narrative) > MAX_NARRATIVE:
        raise ValidationError({"narrative": _("The narrative is too long.")})
    with transaction.atomic():
        locked = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
        if locked.revision != revision:
            raise ValidationError(
                _("Someone saved the narrative while you were writing; reload and try again.")
            )
        locked.narrative, locked.revision = narrative, locked.revision + 1
        locked.save(update_fields=["narrative", "revision", "updated_at"])
    report.narrative, report.revision = locked.narrative, locked.revision


def report_submit(*, report: QuarterlyReport, by: User, reason: str = "") -> ReportVersion:
    """Co-chair: freeze the report as it stands — its figures computed now and the
    narrative — as a new version. The first submission needs no reason; a resubmission
    does, and every earlier version is kept unchanged. Not the person who drafted the report
    (separation of duties)."""
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("The reason is too long.")})
    network = report.network
    with transaction.atomic():
        locked = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
        if locked.drafted_by_id == by.pk:
            raise ValidationError(_("You drafted this report: another co-chair submits it."))
        if not selectors.has_ended(network, locked.year, locked.quarter):
            raise ValidationError(_("A quarter is submitted once it has ended."))
        last = ReportVersion.objects.filter(report=locked).order_by("-number").first()
        if last is not None and not reason:
            raise ValidationError(
                {"reason": _("Say why the report is submitted again; the first version is kept.")}
            )
        version = ReportVersion.objects.create(
            network=network,
            report=locked,
            number=(last.number + 1) if last else 1,
            figures=selectors.quarter_figures(network, locked.year, locked.quarter),
            narrative=locked.narrative,
            reason=reason,
            submitted_by=by,
            submitted_by_name=by.get_full_name() or by.email,
            submitted_at=timezone.now(),
        )
        if locked.status != QuarterlyReport.Status.SUBMITTED:
            locked.status = QuarterlyReport.Status.SUBMITTED
            locked.save(update_fields=["status", "updated_at"])
        _announce_submission(locked, version)
    report.status = locked.status
    return version


def _announce_submission(report: QuarterlyReport, version: ReportVersion) -> None:
    network = report.network
    people = _people(network, [Role.RCO_REPORTER, Role.SECRETARIAT, Role.CO_CHAIR])
    if not people:
        return
    circulation_create(
        network=network,
        kind=Circulation.Kind.REPORT,
        sender=version.submitted_by,
        recipients=[Recipient.of(person) for person in people],
        template="report_submitted",
        context={
            "quarter": report.label,
            "number": version.number,
            "reason": version.reason,
            "un_team": network.un_team_name,
        },
        about=report,
        link=f"{report_url(report)}v{version.number}/",
    )
