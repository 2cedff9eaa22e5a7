"""Writes on quarterly reports. Keyword-only, one transaction each; the view has checked the
action in networks.roles. Anything that does not apply is a ValidationError and changes
nothing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from circulation.models import Circulation
from circulation.services import Recipient, circulation_create
from common import quarters
from networks import signoff
from networks.access import actor_of
from networks.models import Membership, Network
from networks.roles import Role
from reports import flows, selectors
from reports.models import QuarterlyReport, ReportSignature, ReportVersion
from workflow import Signoff, check_signature, content_hash

if TYPE_CHECKING:
    from accounts.models import User

MAX_NARRATIVE = 20000
MAX_REASON = 500


def report_url(report: QuarterlyReport) -> str:
    return reverse(
        "reports:detail", kwargs={"network": report.network.slug, "report_id": report.pk}
    )


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
    if not quarters.has_ended(network, year, quarter):
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
        context={"quarter": report.label},
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


def report_content(
    report: QuarterlyReport, figures: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the co-chairs sign: the figures computed now (or `figures`, already computed
    now by the caller) and the narrative."""
    if figures is None:
        figures = selectors.quarter_figures(report.network, report.year, report.quarter)
    return {"figures": figures, "narrative": report.narrative}


def report_submit(
    *, report: QuarterlyReport, by: User, reason: str = "", content_sha256: str | None = None
) -> ReportVersion | None:
    """Co-chair: sign the report as it stands — its figures computed now and the narrative.
    Under the network's rule for reports (every co-chair in office by default) the last
    signature freezes it as a new version, sent to the UN team; until then it returns None
    and the page names who is awaited. A signature on figures that have changed since is
    withdrawn (that co-chair signs again). With `content_sha256`, a signer who saw other
    figures is refused. The first submission needs no reason; a resubmission does, and
    every earlier version is kept unchanged. Not the person who drafted the report
    (separation of duties)."""
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("The reason is too long.")})
    network = report.network
    with transaction.atomic():
        locked = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
        locked.network = network
        if locked.drafted_by_id == by.pk:
            raise ValidationError(_("You drafted this report: another co-chair submits it."))
        if not quarters.has_ended(network, locked.year, locked.quarter):
            raise ValidationError(_("A quarter is submitted once it has ended."))
        actor = actor_of(by, network)
        content = report_content(locked)
        current = content_hash(content)
        standing = ReportSignature.objects.filter(
            report=locked, version__isnull=True, withdrawn_at__isnull=True
        )
        # Figures that moved since someone signed: that signature no longer covers them.
        standing.exclude(content_sha256=current).update(withdrawn_at=timezone.now())
        flows.REPORT.require(locked, "submit", actor)
        check_signature(
            current_sha256=current,
            seen_sha256=content_sha256 or current,
            signer_id=by.pk,
            signed=standing.values_list("co_chair_id", flat=True),
            stale_message=_(
                "The report's figures or narrative changed since you opened it: read it "
                "again and submit."
            ),
        )
        last = ReportVersion.objects.filter(report=locked).order_by("-number").first()
        given = reason or next((r for r in standing.values_list("reason", flat=True) if r), "")
        if last is not None and not given:
            raise ValidationError(
                {"reason": _("Say why the report is submitted again; the first version is kept.")}
            )
        ReportSignature.objects.create(
            network=network,
            report=locked,
            co_chair=by,
            signed_at=timezone.now(),
            content_sha256=current,
            reason=reason,
        )
        signers = list(standing.values_list("co_chair_id", flat=True))
        if not signoff.signoff_of(network, "report", signers).complete:
            return None
        version = ReportVersion.objects.create(
            network=network,
            report=locked,
            number=(last.number + 1) if last else 1,
            figures=content["figures"],
            narrative=locked.narrative,
            reason=given,
            submitted_by=by,
            submitted_by_name=by.get_full_name() or by.email,
            submitted_at=timezone.now(),
        )
        standing.update(version=version)
        if locked.status != QuarterlyReport.Status.SUBMITTED:
            locked.status = QuarterlyReport.Status.SUBMITTED
            locked.save(update_fields=["status", "updated_at"])
        _announce_submission(locked, version)
    report.status = locked.status
    return version


def report_signoff(report: QuarterlyReport) -> Signoff:
    """Who has signed the report's next submission, and who is awaited."""
    signed = ReportSignature.objects.filter(
        report=report, version__isnull=True, withdrawn_at__isnull=True
    ).values_list("co_chair_id", flat=True)
    return signoff.signoff_of(report.network, "report", signed)


def approval_record(version: ReportVersion) -> list[dict[str, str]]:
    """Each co-chair who signed the version, as its PDF prints them (the approval record)."""
    signatures = list(ReportSignature.objects.filter(version=version).select_related("co_chair"))
    return signoff.approval_record(version.network, signatures, at="signed_at")


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
        },
        about=report,
        link=f"{report_url(report)}v{version.number}/",
    )
