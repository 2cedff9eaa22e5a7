"""Writes on workplans. Keyword-only, one transaction each; the view has checked the action in
networks.roles, and what depends on the person's organisation (a member changes only the
activities their organisation leads) is checked here. Anything that does not apply is a
ValidationError and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from circulation.models import Circulation
from circulation.services import Recipient, circulation_create
from networks import signoff
from networks.access import NetworkAccess, actor_of
from networks.models import (
    Membership,
    Network,
    Organisation,
    Participation,
    SignoffRule,
    WorkingGroup,
)
from networks.roles import Action, Role
from networks.selectors import people_speaking_for
from workflow import Refusal, Signoff, check_signature, content_hash, evaluate
from workplans.flows import WORKPLAN, standing_endorsements
from workplans.models import (
    Activity,
    ActivityUpdate,
    Indicator,
    IndicatorActual,
    Outcome,
    Output,
    UpdateChase,
    Workplan,
    WorkplanEndorsement,
)

if TYPE_CHECKING:
    from accounts.models import User
    from networks.models import UNSDCFOutcome
    from reference.models import GCMObjective, GuidingPrinciple, SDGTarget
    from workplans.selectors import Tree

MAX_MONEY = Decimal("999999999999.99")
CHASE_AGAIN_AFTER = timedelta(hours=1)


def not_lead_message() -> str:
    return _(
        "Only the lead organisation's focal points, the secretariat and the co-chairs "
        "change this activity."
    )


def not_reporting_message() -> str:
    return _("Progress is reported on endorsed or active workplans.")


def _take(workplan_id: int, step: str, by: User) -> Workplan:
    """Lock the plan's row and check that `by` may take `step` now; call it inside the
    transaction that makes the change, so the state it read holds until commit."""
    locked = Workplan.objects.select_for_update().get(pk=workplan_id)
    WORKPLAN.require(locked, step, actor_of(by, locked.network))
    return locked


def _content_changed(workplan: Workplan) -> None:
    """What a draft holds has changed: the endorsements given so far were of other content,
    so they no longer count (those co-chairs endorse again). An endorsed plan keeps its
    record whatever changes after."""
    if workplan.status == Workplan.Status.DRAFT:
        standing_endorsements(workplan).update(withdrawn_at=timezone.now())


# Plans -----------------------------------------------------------------------------------


def workplan_create(
    *,
    network: Network,
    by: User,
    title: str,
    start_year: int,
    years: int,
    working_group: WorkingGroup | None = None,
) -> Workplan:
    """Secretariat: a draft workplan for the network or one of its working groups."""
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the workplan a title.")})
    if years not in (1, 2):
        raise ValidationError({"years": _("A workplan runs for one or two years.")})
    if not 2000 <= int(start_year) <= 2100:
        raise ValidationError({"start_year": _("Give a year between 2000 and 2100.")})
    if working_group is not None and not WorkingGroup.objects.filter(pk=working_group.pk).exists():
        raise ValidationError({"working_group": _("Choose a working group of this network.")})
    return Workplan.objects.create(
        network=network,
        title=title[:200],
        start_year=start_year,
        years=years,
        working_group=working_group,
        created_by=by,
    )


def workplan_content(workplan: Workplan, tree: Tree | None = None) -> dict[str, Any]:
    """The plan as it stands: what a co-chair endorses and the endorsement keeps as the
    baseline. `tree`: the plan's tree when the caller has it already."""
    from workplans.selectors import workplan_tree

    if tree is None:
        tree = workplan_tree(workplan)
    return {
        "outcomes": [
            {
                "code": outcome.code,
                "title": outcome.title,
                "outputs": [
                    {
                        "code": output.code,
                        "title": output.title,
                        "activities": [
                            {
                                "code": a.code,
                                "title": a.title,
                                "lead": a.lead_organisation.display_name,
                                "quarters": list(a.quarters),
                                "budget_required": str(a.budget_required),
                                "budget_available": str(a.budget_available),
                                "gcm": sorted(o.number for o in a.gcm_objectives.all()),
                                "indicators": [
                                    {
                                        "name": i.name,
                                        "baseline": str(i.baseline),
                                        "target": str(i.target),
                                    }
                                    for i in a.indicators.all()
                                ],
                            }
                            for a in output.activity_list
                        ],
                    }
                    for output in outcome.output_list
                ],
            }
            for outcome in tree.outcomes
        ]
    }


def workplan_content_sha256(workplan: Workplan, tree: Tree | None = None) -> str:
    """The SHA-256 of the plan as it stands: the endorse form and the API carry it."""
    return content_hash(workplan_content(workplan, tree))


def workplan_signoff(workplan: Workplan) -> Signoff:
    """Who has endorsed the plan and who is awaited, under the network's rule for workplans.
    Whoever drafted it never endorses it, so the rule does not wait for them."""
    signed = standing_endorsements(workplan).values_list("co_chair_id", flat=True)
    standing = signoff.signoff_of(workplan.network, SignoffRule.Kind.WORKPLAN, signed)
    if workplan.created_by_id not in standing.in_office:
        return standing
    return evaluate(
        rule=standing.rule,
        in_office=standing.in_office - {workplan.created_by_id},
        signed=standing.signed,
    )


def workplan_endorse(
    *, workplan: Workplan, by: User, content_sha256: str | None = None
) -> Workplan:
    """Co-chair: endorse the draft plan as it stands, once. Under the network's rule for
    workplans (any one co-chair by default, or every co-chair in office) the endorsement
    that completes it endorses the plan, and what it holds now is kept as its baseline;
    until then it stays a draft, the page names who is awaited and they are told by mail.
    With `content_sha256` (the page's form and the API send the hash the co-chair saw), a
    plan that changed since is refused (stale), and so is a second endorsement; nothing is
    recorded either way. Not the person who drafted it (separation of duties)."""
    network = workplan.network
    with transaction.atomic():
        locked = Workplan.objects.select_for_update().get(pk=workplan.pk)
        locked.network = network
        actor = actor_of(by, network)
        content = workplan_content(locked)
        current = content_hash(content)
        now = timezone.now()
        standing = standing_endorsements(locked)
        if locked.status == Workplan.Status.DRAFT:
            # Content that moved since someone endorsed it (an organisation renamed, say):
            # that endorsement no longer covers it.
            standing.exclude(content_sha256=current).update(withdrawn_at=now)
        WORKPLAN.require(locked, "endorse", actor)
        check_signature(
            current_sha256=current,
            seen_sha256=content_sha256 or current,
            signer_id=by.pk,
            signed=standing.values_list("co_chair_id", flat=True),
            stale_message=_(
                "The workplan changed since you opened it: read it again and endorse it."
            ),
        )
        membership = (
            Membership.objects.active()
            .filter(user=by, role=Role.CO_CHAIR)
            .order_by("started_at", "pk")
            .first()
        )
        WorkplanEndorsement.objects.create(
            network=network,
            workplan=locked,
            co_chair=by,
            organisation_id=membership.organisation_id if membership else None,
            signed_at=now,
            content_sha256=current,
        )
        state = workplan_signoff(locked)
        if not state.complete:
            _ask_the_awaited(locked, by=by, awaited=state.awaited)
            return locked
        locked.baseline = content
        locked.status, locked.endorsed_by, locked.endorsed_at = Workplan.Status.ENDORSED, by, now
        locked.status_changed_at = now
        locked.save(
            update_fields=["baseline", "status", "endorsed_by", "endorsed_at", "status_changed_at"]
        )
    return locked


def _ask_the_awaited(workplan: Workplan, *, by: User, awaited: list[int]) -> None:
    """Every co-chair in office endorses here: those still awaited are told that one has."""
    from accounts.models import User

    people = list(User.objects.filter(pk__in=awaited, is_active=True).order_by("pk"))
    if not people:
        return
    network = workplan.network
    circulation_create(
        network=network,
        kind=Circulation.Kind.SIGNOFF,
        sender=by,
        recipients=[Recipient.of(person) for person in people],
        template="workplan_endorsement_awaited",
        context={"workplan": workplan, "endorser": by.get_full_name() or by.email},
        about=workplan,
        link=reverse(
            "workplans:detail", kwargs={"network": network.slug, "workplan_id": workplan.pk}
        ),
    )


def endorsement_record(workplan: Workplan) -> list[dict[str, str]]:
    """Each co-chair who endorsed the plan, as the approval record prints them; an
    endorsement keeps the organisation the co-chair endorsed for."""
    endorsements = list(standing_endorsements(workplan).select_related("co_chair", "organisation"))
    organisations = {
        e.co_chair_id: e.organisation.display_name for e in endorsements if e.organisation
    }
    return signoff.approval_record(
        workplan.network, endorsements, at="signed_at", organisations=organisations
    )


MOVES: dict[str, str] = {Workplan.Status.ACTIVE: "start", Workplan.Status.CLOSED: "close"}


def workplan_move(*, workplan: Workplan, by: User, status: str) -> Workplan:
    """Secretariat: an endorsed plan starts (active); an active one is closed."""
    step = MOVES.get(status)
    if step is None:
        raise Refusal(
            _("The workplan cannot move to that status from where it is."), code=Refusal.INVALID
        )
    with transaction.atomic():
        locked = _take(workplan.pk, step, by)
        locked.status, locked.status_changed_at = status, timezone.now()
        locked.save(update_fields=["status", "status_changed_at"])
    return locked


def outcome_add(*, workplan: Workplan, by: User, code: str, title: str) -> Outcome:
    """Secretariat: an outcome of the plan, until it is closed."""
    code, title = (code or "").strip(), (title or "").strip()
    with transaction.atomic():
        locked = _take(workplan.pk, "edit", by)
        if not code or not title:
            raise ValidationError(_("Give the outcome a code and a title."))
        if Outcome.objects.filter(workplan=locked, code=code).exists():
            raise ValidationError({"code": _("The plan already has an outcome with this code.")})
        _content_changed(locked)
        return Outcome.objects.create(
            network_id=locked.network_id,
            workplan=locked,
            code=code[:20],
            title=title[:300],
            position=Outcome.objects.filter(workplan=locked).count(),
        )


def output_add(*, outcome: Outcome, by: User, code: str, title: str) -> Output:
    """Secretariat: an output under an outcome, until the plan is closed."""
    code, title = (code or "").strip(), (title or "").strip()
    with transaction.atomic():
        locked = _take(outcome.workplan_id, "edit", by)
        if not code or not title:
            raise ValidationError(_("Give the output a code and a title."))
        if Output.objects.filter(outcome__workplan_id=locked.pk, code=code).exists():
            raise ValidationError({"code": _("The plan already has an output with this code.")})
        _content_changed(locked)
        return Output.objects.create(
            network_id=outcome.network_id,
            outcome=outcome,
            code=code[:20],
            title=title[:300],
            position=Output.objects.filter(outcome=outcome).count(),
        )


def member_organisation_ids() -> set[int]:
    """Organisations taking part in the entered network now (any type of participation)."""
    return set(Participation.objects.active().values_list("organisation_id", flat=True))


@dataclass
class ActivityData:
    """What an activity holds, checked by `check_activity` before anything is written."""

    code: str
    title: str
    lead_organisation: Organisation | None
    description: str = ""
    participating_organisations: list[Organisation] = field(default_factory=list)
    quarters: list[str] = field(default_factory=list)
    status: str = Activity.Status.NOT_STARTED
    budget_required: Decimal = Decimal("0")
    budget_available: Decimal = Decimal("0")
    budget_spent: Decimal = Decimal("0")
    geographic_scope: str = ""
    gcm_objectives: list[GCMObjective] = field(default_factory=list)
    guiding_principles: list[GuidingPrinciple] = field(default_factory=list)
    sdg_targets: list[SDGTarget] = field(default_factory=list)
    unsdcf_outcomes: list[UNSDCFOutcome] = field(default_factory=list)
    gender_marker: int = 0
    human_rights_marker: int = 0


def money(value: Decimal | int | str | None, field_name: str) -> Decimal:
    """A non-negative amount in USD with at most two decimals, or a ValidationError."""
    try:
        amount = Decimal(str(value).strip().replace(",", "")) if value not in (None, "") else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError({field_name: _("Give an amount in US dollars, e.g. 25000.00.")})
    if amount < 0:
        raise ValidationError({field_name: _("An amount cannot be negative.")})
    if amount > MAX_MONEY or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            {field_name: _("Give an amount below a trillion, with at most two decimals.")}
        )
    return amount


def check_activity(workplan: Workplan, data: ActivityData, *, members: set[int]) -> list[str]:
    """Every reason `data` cannot be stored in `workplan`, as messages (empty when fine).
    Shared by the form, the API and the import so they refuse the same things."""
    problems: list[str] = []
    if not data.code.strip():
        problems.append(_("Give the activity a code."))
    if not data.title.strip():
        problems.append(_("Give the activity a title."))
    if data.lead_organisation is None:
        problems.append(_("Choose the lead organisation."))
    elif data.lead_organisation.pk not in members:
        problems.append(
            _("%(organisation)s does not take part in this network.")
            % {"organisation": data.lead_organisation.display_name}
        )
    outsiders = [o for o in data.participating_organisations if o.pk not in members]
    if outsiders:
        problems.append(
            _("%(organisations)s do not take part in this network.")
            % {"organisations": ", ".join(o.display_name for o in outsiders)}
        )
    outside = [q for q in data.quarters if q not in workplan.quarters]
    if outside:
        problems.append(
            _("%(quarters)s lie outside the plan's period (%(period)s).")
            % {"quarters": ", ".join(outside), "period": workplan.period_label}
        )
    if data.status not in Activity.Status.values:
        problems.append(_("Choose a status."))
    for name in ("budget_required", "budget_available", "budget_spent"):
        amount = getattr(data, name)
        if amount < 0:
            problems.append(_("An amount cannot be negative."))
            break
    if not (0 <= data.gender_marker <= 3 and 0 <= data.human_rights_marker <= 3):
        problems.append(_("Markers go from 0 to 3."))
    return problems


def may_change_activity(access: NetworkAccess, lead_organisation_id: int) -> bool:
    """networks.roles: any activity with `workplans.activity_any` (the secretariat, the
    co-chairs); with `workplans.activity`, those the person's organisation leads."""
    return access.can(Action.ACTIVITY_CHANGE_ANY) or (
        access.can(Action.ACTIVITY_CHANGE) and lead_organisation_id in access.organisation_ids
    )


def _write_activity(activity: Activity, data: ActivityData) -> Activity:
    assert data.lead_organisation is not None, "check_activity refuses a missing lead"
    activity.code = data.code.strip()[:20]
    activity.title = data.title.strip()[:300]
    activity.description = data.description.strip()
    activity.lead_organisation = data.lead_organisation
    activity.quarters = [q for q in activity.workplan.quarters if q in set(data.quarters)]
    activity.status = data.status
    activity.budget_required = data.budget_required
    activity.budget_available = data.budget_available
    activity.budget_spent = data.budget_spent
    activity.geographic_scope = data.geographic_scope.strip()[:200]
    activity.gender_marker = data.gender_marker
    activity.human_rights_marker = data.human_rights_marker
    activity.save()
    activity.participating_organisations.set(data.participating_organisations)
    activity.gcm_objectives.set(data.gcm_objectives)
    activity.guiding_principles.set(data.guiding_principles)
    activity.sdg_targets.set(data.sdg_targets)
    activity.unsdcf_outcomes.set(data.unsdcf_outcomes)
    return activity


def activity_add(*, output: Output, by: User, data: ActivityData) -> Activity:
    """Secretariat: an activity under an output, until the plan is closed."""
    with transaction.atomic():
        workplan = _take(output.outcome.workplan_id, "edit", by)
        problems = check_activity(workplan, data, members=member_organisation_ids())
        if Activity.objects.filter(workplan=workplan, code=data.code.strip()).exists():
            problems.append(_("The plan already has an activity with this code."))
        if problems:
            raise ValidationError(problems)
        _content_changed(workplan)
        activity = Activity(
            network_id=workplan.network_id,
            workplan=workplan,
            output=output,
            position=Activity.objects.filter(output=output).count(),
        )
        return _write_activity(activity, data)


def activity_change(*, activity: Activity, by: User, data: ActivityData) -> Activity:
    """The secretariat, a co-chair or a focal point of the lead organisation: change what an
    activity holds. Handing the lead to another organisation is for the secretariat and
    the co-chairs (a member cannot give away, or take over, an activity). Until the plan
    is closed."""
    with transaction.atomic():
        workplan = _take(activity.workplan_id, "change_activity", by)
        if not may_change_activity(actor_of(by, workplan.network), activity.lead_organisation_id):
            raise ValidationError(not_lead_message(), code=Refusal.NOT_ALLOWED)
        problems = check_activity(workplan, data, members=member_organisation_ids())
        if (
            Activity.objects.filter(workplan=workplan, code=data.code.strip())
            .exclude(pk=activity.pk)
            .exists()
        ):
            problems.append(_("The plan already has an activity with this code."))
        if (
            data.lead_organisation is not None
            and data.lead_organisation.pk != activity.lead_organisation_id
            and not actor_of(by, workplan.network).can(Action.ACTIVITY_CHANGE_ANY)
        ):
            problems.append(
                _("Only the secretariat or a co-chair hands an activity to another lead.")
            )
        if problems:
            raise ValidationError(problems)
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        _content_changed(workplan)
        return _write_activity(locked, data)


def indicator_add(
    *,
    activity: Activity,
    by: User,
    name: str,
    unit: str = "",
    baseline: Decimal | int | str = 0,
    target: Decimal | int | str,
) -> Indicator:
    """Whoever may change the activity: an indicator with its baseline and target, until
    the plan is closed."""
    with transaction.atomic():
        workplan = _take(activity.workplan_id, "change_activity", by)
        if not may_change_activity(actor_of(by, workplan.network), activity.lead_organisation_id):
            raise ValidationError(not_lead_message(), code=Refusal.NOT_ALLOWED)
        name = (name or "").strip()
        if not name:
            raise ValidationError({"name": _("Name the indicator.")})
        baseline, target = _number(baseline, "baseline"), _number(target, "target")
        _content_changed(workplan)
        return Indicator.objects.create(
            network_id=activity.network_id,
            activity=activity,
            name=name[:300],
            unit=(unit or "").strip()[:40],
            baseline=baseline,
            target=target,
            position=Indicator.objects.filter(activity=activity).count(),
        )


def _number(value: Decimal | int | str, field_name: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) > MAX_MONEY:
        raise ValidationError({field_name: _("Give a number, e.g. 12 or 12.5.")})
    return number.quantize(Decimal("0.01"))


# Quarterly updates -----------------------------------------------------------------------


def update_record(
    *,
    activity: Activity,
    by: User,
    quarter: str,
    status: str,
    narrative: str,
    spent_to_date: Decimal | int | str | None,
    actuals: dict[int | str, Any] | None = None,
) -> ActivityUpdate:
    """A focal point of the lead organisation (or the secretariat or a co-chair): the
    activity's progress in a quarter. The activity takes the update's status and spending;
    each indicator's actual for the quarter is the latest one reported. Only while the
    plan is endorsed or active."""
    with transaction.atomic():
        workplan = _take(activity.workplan_id, "report", by)
        if not may_change_activity(actor_of(by, workplan.network), activity.lead_organisation_id):
            raise ValidationError(not_lead_message(), code=Refusal.NOT_ALLOWED)
        if quarter not in workplan.quarters:
            raise ValidationError({"quarter": _("Choose a quarter of the plan's period.")})
        if activity.quarters and quarter < min(activity.quarters):
            # Before the activity starts there is nothing to report; after its planned
            # quarters a delayed activity still reports (its status says it is late).
            raise ValidationError(
                {
                    "quarter": _(
                        "This activity starts in %(first)s: report on that quarter or a later one."
                    )
                    % {"first": min(activity.quarters)}
                }
            )
        if status not in Activity.Status.values:
            raise ValidationError({"status": _("Choose a status.")})
        if not (narrative or "").strip():
            raise ValidationError({"narrative": _("Say what was done this quarter.")})
        spent = money(spent_to_date, "spent_to_date")
        indicators = {i.pk: i for i in Indicator.objects.filter(activity=activity)}
        values: dict[int, Decimal] = {}
        for key, raw in (actuals or {}).items():
            if raw in (None, ""):
                continue
            try:
                indicator = indicators[int(key)]
            except (KeyError, TypeError, ValueError):
                raise ValidationError(_("An indicator of another activity was given.")) from None
            values[indicator.pk] = _number(raw, f"actual_{indicator.pk}")
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        update = ActivityUpdate.objects.create(
            network_id=locked.network_id,
            activity=locked,
            quarter=quarter,
            status=status,
            narrative=narrative.strip(),
            spent_to_date=spent,
            actuals={str(k): str(v) for k, v in values.items()},
            written_by=by,
        )
        locked.status, locked.budget_spent = status, spent
        locked.save(update_fields=["status", "budget_spent", "updated_at"])
        for indicator_id, value in values.items():
            IndicatorActual.objects.update_or_create(
                indicator_id=indicator_id,
                quarter=quarter,
                defaults={"value": value, "update": update, "network_id": locked.network_id},
            )
    return update


def updates_chase(*, workplan: Workplan, by: User, quarter: str) -> int:
    """Secretariat: remind the focal points of each lead organisation whose activities have
    no update for `quarter`, one mail per organisation listing them. Chasing again within
    the hour is refused (a double click sends nothing twice). Returns the organisations
    chased. Not on a draft: its progress is not reported yet."""
    from workplans.selectors import missing_updates

    if quarter not in workplan.quarters:
        raise ValidationError(_("Choose a quarter of the plan's period."))
    with transaction.atomic():
        locked = _take(workplan.pk, "chase", by)
        recent = UpdateChase.objects.filter(
            workplan=locked, quarter=quarter, chased_at__gt=timezone.now() - CHASE_AGAIN_AFTER
        )
        if recent.exists():
            raise ValidationError(_("These updates were chased less than an hour ago."))
        missing = missing_updates(locked, quarter)
        if not missing:
            raise ValidationError(_("Every activity of the quarter has its update."))
        by_organisation: dict[Organisation, list[Activity]] = {}
        for activity in missing:
            by_organisation.setdefault(activity.lead_organisation, []).append(activity)
        chased: list[Organisation] = []
        network = locked.network
        for organisation, activities in by_organisation.items():
            people = people_speaking_for([organisation])
            if not people:
                continue
            circulation_create(
                network=network,
                kind=Circulation.Kind.REMINDER,
                sender=by,
                recipients=[Recipient.of(person) for person in people],
                template="workplan_updates_missing",
                context={
                    "organisation": organisation,
                    "activities": activities,
                    "quarter": quarter,
                    "workplan": locked,
                },
                about=locked,
                link=reverse(
                    "workplans:detail", kwargs={"network": network.slug, "workplan_id": locked.pk}
                ),
            )
            chased.append(organisation)
        if not chased:
            raise ValidationError(
                _("No one speaks for the organisations whose updates are missing.")
            )
        chase = UpdateChase.objects.create(
            network_id=locked.network_id, workplan=locked, quarter=quarter, chased_by=by
        )
        chase.organisations.set(chased)
    return len(chased)
