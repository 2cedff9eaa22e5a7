"""Writes on the decision register, written procedures, action points and One-Voice joint
statements. Keyword-only, one transaction each, on locked rows; the view has checked the
action in networks.roles. Anything that does not apply is a ValidationError and changes
nothing; its code says why (workflow.status_of, for pages and API): CONFLICT when the
object's state does not allow it (a 409), NOT_YOURS when the person may not act for that
organisation (a 403), anything else is bad input (a 400). A joint statement's steps run on
the shared workflow (decisions/flows.py)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from circulation.models import Circulation
from circulation.services import File, Recipient, circulation_create
from decisions import flows
from decisions.models import (
    ActionNote,
    ActionPoint,
    DeadlineExtension,
    Decision,
    DecisionCounter,
    JointStatement,
    Position,
    PositionChange,
    Procedure,
    StatementClearance,
    StatementPublication,
    StatementVersion,
)
from meetings.models import MinutesActionPoint, MinutesItem, MinutesVersion
from networks import signoff
from networks.access import actor_of
from networks.models import Membership, Network, Organisation, Participation, SignoffRule
from networks.pdf import render_pdf
from networks.roles import PERMISSIONS, SPEAKING_ROLES, Action, Role, roles_with
from networks.selectors import people_speaking_for
from portal import clock
from workflow import Refusal, Signoff, check_signature

if TYPE_CHECKING:
    from accounts.models import User
    from reference.models import GCMObjective

# A procedure is locked with select_for_update(of=("self",)): its decision and statement are
# nullable joins, which PostgreSQL refuses to lock.

# Codes of the ValidationErrors whose cause is the object's state, or the person's standing.
# The shared workflow's codes, so that workflow.status_of answers them on pages and in the
# API alike: the state does not allow it (409), not yours to do for that organisation (403).
CONFLICT = Refusal.WRONG_STATE
NOT_YOURS = Refusal.NOT_ALLOWED


def decision_draft(
    *,
    network: Network,
    by: User,
    title: str,
    text: str,
    concerns_state: bool = False,
    gcm_objectives: Iterable[GCMObjective] = (),
) -> Decision:
    """Secretariat or co-chair: a draft decision for the register."""
    if not title.strip():
        raise ValidationError({"title": _("Give the decision a title.")})
    if not text.strip():
        raise ValidationError({"text": _("Write the text of the decision.")})
    with transaction.atomic():
        decision = Decision.objects.create(
            network=network,
            title=title.strip()[:300],
            text=text.strip(),
            concerns_state=concerns_state,
            created_by=by,
        )
        decision.gcm_objectives.set(gcm_objectives)
    return decision


def consulted_organisations(decision: Decision | JointStatement) -> list[Organisation]:
    """The organisations whose position is sought on a decision or a joint statement: every
    member organisation, and the national authority when the decision concerns the state."""
    participations = Participation.objects.active().select_related("organisation")
    wanted = participations.filter(type=Participation.Type.MEMBER)
    organisations = [p.organisation for p in wanted]
    if decision.concerns_state:
        organisations += [p.organisation for p in participations.filter(is_national_authority=True)]
    return sorted({o.pk: o for o in organisations}.values(), key=lambda o: (o.acronym, o.name))


def _authority_ids() -> set[int]:
    return set(
        Participation.objects.active()
        .filter(is_national_authority=True)
        .values_list("organisation_id", flat=True)
    )


def _co_chairs() -> list[User]:
    return [
        m.user
        for m in Membership.objects.active()
        .filter(role=Role.CO_CHAIR, user__is_active=True)
        .select_related("user")
    ]


def subject_link(subject: Decision | JointStatement) -> str:
    """The page of a decision or a joint statement."""
    network = subject.network
    if isinstance(subject, JointStatement):
        return reverse(
            "decisions:statement", kwargs={"network": network.slug, "statement_id": subject.pk}
        )
    return reverse("decisions:detail", kwargs={"network": network.slug, "decision_id": subject.pk})


def _notify(
    subject: Decision | JointStatement,
    people: Sequence[User],
    *,
    by: User | None,
    template: str,
    context: dict[str, Any],
    kind: str = Circulation.Kind.CONSULTATION,
    attachments_in: Callable[[str], Sequence[File]] | None = None,
) -> None:
    """Mail `people` about a decision or a joint statement (the templates call either
    `decision`; `statement` is set for a statement)."""
    if not people:
        return
    network = subject.network
    statement = subject if isinstance(subject, JointStatement) else None
    circulation_create(
        network=network,
        kind=kind,
        sender=by,
        recipients=[Recipient.of(person) for person in people],
        template=template,
        context={"decision": subject, "statement": statement, **context},
        about=subject,
        link=subject_link(subject),
        attachments_in=attachments_in,
    )


def procedure_open(
    *,
    decision: Decision | None = None,
    statement: JointStatement | None = None,
    by: User,
    kind: str,
    deadline: datetime | None,
) -> Procedure:
    """Secretariat or co-chair: put a draft decision to a written procedure until `deadline`,
    or a cleared joint statement to a silence procedure; everyone who speaks for a consulted
    organisation is told at once."""
    if kind not in Procedure.Kind.values:
        raise ValidationError({"kind": _("Choose a consultation or a silence procedure.")})
    if statement is not None and kind != Procedure.Kind.SILENCE:
        raise ValidationError({"kind": _("A joint statement is put to a silence procedure.")})
    if deadline is None or deadline <= timezone.now():
        raise ValidationError({"deadline": _("Give a deadline in the future.")})
    with transaction.atomic():
        locked: JointStatement | Decision
        if statement is not None:
            locked = (
                JointStatement.objects.select_for_update()
                .select_related("network")
                .get(pk=statement.pk)
            )
            _require(locked, "silence", by)
            procedure = Procedure.objects.create(
                network=locked.network,
                joint_statement=locked,
                kind=kind,
                deadline=deadline,
                opened_by=by,
            )
            locked.status = JointStatement.Status.SILENCE
        else:
            assert decision is not None, "procedure_open needs a decision or a statement"
            locked = (
                Decision.objects.select_for_update().select_related("network").get(pk=decision.pk)
            )
            if locked.status != Decision.Status.DRAFT:
                raise ValidationError(
                    _("Only a draft decision can be put to a written procedure."), code=CONFLICT
                )
            procedure = Procedure.objects.create(
                network=locked.network, decision=locked, kind=kind, deadline=deadline, opened_by=by
            )
            locked.status = Decision.Status.CONSULTATION
        locked.save(update_fields=["status"])
        _notify(
            locked,
            people_speaking_for(consulted_organisations(locked)),
            by=by,
            template="procedure_opened",
            context={"procedure": procedure, "deadline": deadline},
        )
    return procedure


def position_record(
    *, procedure: Procedure, by: User, organisation: Organisation, stance: str, reason: str = ""
) -> Position:
    """A person speaking for `organisation` states its position; until the deadline it may
    change, and every change is kept. The procedure row is locked, so two focal points of one
    organisation answering at once leave one position, the second replacing the first."""
    reason = reason.strip()
    with transaction.atomic():
        locked = (
            Procedure.objects.select_for_update(of=("self",))
            .select_related("decision", "joint_statement", "network")
            .get(pk=procedure.pk)
        )
        now = timezone.now()
        if locked.closed_at is not None or locked.deadline <= now:
            raise ValidationError(
                _("This procedure is closed: the deadline has passed."), code=CONFLICT
            )
        stances: dict[str, set[str]] = {
            Procedure.Kind.CONSULTATION: {
                Position.Stance.CONCUR,
                Position.Stance.OBJECT,
                Position.Stance.ABSTAIN,
            },
            Procedure.Kind.SILENCE: {Position.Stance.CONCUR, Position.Stance.BREAK_SILENCE},
        }
        allowed = stances[locked.kind]
        if stance not in allowed:
            raise ValidationError(
                {"stance": _("Choose one of the positions this procedure asks for.")}
            )
        if stance in (Position.Stance.OBJECT, Position.Stance.BREAK_SILENCE) and not reason:
            raise ValidationError({"reason": _("Give the reason for the objection.")})
        if organisation.pk not in {o.pk for o in consulted_organisations(locked.subject)}:
            raise ValidationError(
                {"organisation": _("This organisation is not consulted on this decision.")}
            )
        speaks = (
            Membership.objects.active()
            .filter(user=by, organisation=organisation, role__in=SPEAKING_ROLES)
            .exists()
        )
        if not speaks:
            raise ValidationError(
                _("You can only state the position of your own organisation."), code=NOT_YOURS
            )
        position, _created = Position.objects.update_or_create(
            procedure=locked,
            organisation=organisation,
            defaults={
                "network": locked.network,
                "stance": stance,
                "reason": reason[:5000],
                "recorded_by": by,
                "recorded_at": now,
            },
        )
        PositionChange.objects.create(
            network=locked.network,
            procedure=locked,
            organisation=organisation,
            stance=stance,
            reason=reason[:5000],
            recorded_by=by,
            recorded_at=now,
        )
        if stance == Position.Stance.BREAK_SILENCE:
            _notify(
                locked.subject,
                _co_chairs(),
                by=by,
                template="silence_broken",
                context={"organisation": organisation, "reason": reason, "procedure": locked},
            )
    return position


@dataclass
class Tally:
    concur: list[Organisation] = field(default_factory=list)
    object: list[Organisation] = field(default_factory=list)
    abstain: list[Organisation] = field(default_factory=list)
    broke_silence: list[Organisation] = field(default_factory=list)
    pending: list[Organisation] = field(default_factory=list)
    authority_on_record: bool = True

    @property
    def consensus(self) -> bool:
        """No objection and no broken silence; abstentions do not block."""
        return not self.object and not self.broke_silence


def tally(procedure: Procedure) -> Tally:
    """The positions per consulted organisation."""
    positions = {
        p.organisation_id: p
        for p in Position.objects.filter(procedure=procedure).select_related("organisation")
    }
    result = Tally()
    buckets: dict[str, list[Organisation]] = {
        Position.Stance.CONCUR: result.concur,
        Position.Stance.OBJECT: result.object,
        Position.Stance.ABSTAIN: result.abstain,
        Position.Stance.BREAK_SILENCE: result.broke_silence,
    }
    for organisation in consulted_organisations(procedure.subject):
        position = positions.get(organisation.pk)
        if position is None:
            result.pending.append(organisation)
        else:
            buckets[position.stance].append(organisation)
    if procedure.subject.concerns_state:
        authorities = _authority_ids()
        result.authority_on_record = bool(authorities & set(positions))
    return result


def _adopt(decision: Decision) -> Decision:
    """Give the decision its number — gap-free per network and year — and adopt it."""
    if decision.status == Decision.Status.ADOPTED:
        raise ValidationError(_("This decision is already adopted."), code=CONFLICT)
    now = timezone.now()
    year = clock.network_local(now, decision.network).year
    counter, _created = DecisionCounter.objects.get_or_create(network=decision.network, year=year)
    counter = DecisionCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    decision.year, decision.sequence = year, counter.last
    decision.number = f"{decision.network.code}-{year}-{counter.last:03d}"
    decision.status = Decision.Status.ADOPTED
    decision.adopted_at = now
    decision.save(update_fields=["year", "sequence", "number", "status", "adopted_at"])
    return decision


def _locked_decision(procedure: Procedure) -> Decision:
    """The decision of a procedure that is not on a joint statement, locked."""
    assert procedure.decision_id is not None, "a procedure is on a decision or a statement"
    return Decision.objects.select_for_update().get(pk=procedure.decision_id)


def procedure_close(*, procedure: Procedure) -> Procedure:
    """At the deadline (the beat job; never before): a silence procedure nobody broke (with
    the national authority's position on record where needed) is adopted; any other
    procedure waits for the co-chairs to record its outcome. Safe to run twice."""
    with transaction.atomic():
        locked = (
            Procedure.objects.select_for_update(of=("self",))
            .select_related("decision", "decision__network", "joint_statement")
            .get(pk=procedure.pk)
        )
        now = timezone.now()
        if locked.closed_at is not None or locked.deadline > now:
            return locked
        locked.closed_at = now
        if locked.kind == Procedure.Kind.SILENCE:
            counted = tally(locked)
            if counted.consensus and counted.authority_on_record:
                if locked.joint_statement_id:
                    _statement_set_status(locked.joint_statement_id, JointStatement.Status.AGREED)
                    locked.statement = _("Agreed at the end of the silence procedure.")
                else:
                    _adopt(_locked_decision(locked))
                    locked.statement = _("Adopted at the end of the silence procedure.")
                locked.outcome = Procedure.Outcome.ADOPTED
                locked.outcome_at = now
            # Silence broken, or the authority's position missing: the co-chairs record the
            # outcome, with their statement.
        locked.save()
    return locked


def outcome_record(*, procedure: Procedure, by: User, outcome: str, statement: str) -> Procedure:
    """A co-chair records the outcome of a closed procedure that did not end by itself, with
    a statement; the computed tally stands beside it. Adoption needs consensus and, where the
    decision concerns the state, the national authority's position on record; and a co-chair
    other than the one who drafted it (separation of duties). On a joint statement,
    "adopted" means agreed (the secretariat may then issue it), "no consensus" not agreed (a
    revised version may follow)."""
    if outcome not in Procedure.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    statement = statement.strip()
    if not statement:
        raise ValidationError({"statement": _("Write the co-chairs' statement.")})
    with transaction.atomic():
        locked = (
            Procedure.objects.select_for_update(of=("self",))
            .select_related("decision", "decision__network", "joint_statement")
            .get(pk=procedure.pk)
        )
        if locked.closed_at is None:
            raise ValidationError(
                _("The procedure is still open until its deadline."), code=CONFLICT
            )
        if locked.outcome:
            raise ValidationError(
                _("The outcome of this procedure is already recorded."), code=CONFLICT
            )
        if outcome == Procedure.Outcome.ADOPTED:
            subject = locked.decision or locked.joint_statement
            if subject is not None and subject.created_by_id == by.pk:
                raise ValidationError(
                    _("You drafted this text: another co-chair declares it adopted."),
                    code=CONFLICT,
                )
            counted = tally(locked)
            if not counted.consensus:
                raise ValidationError(
                    _("There is an objection: the decision cannot be adopted by consensus."),
                    code=CONFLICT,
                )
            if not counted.authority_on_record:
                raise ValidationError(
                    _("The national authority's position must be on record before adoption."),
                    code=CONFLICT,
                )
        if locked.joint_statement_id:
            new_status: dict[str, str] = {
                Procedure.Outcome.ADOPTED: JointStatement.Status.AGREED,
                Procedure.Outcome.NO_CONSENSUS: JointStatement.Status.NOT_AGREED,
                Procedure.Outcome.WITHDRAWN: JointStatement.Status.WITHDRAWN,
            }
            _statement_set_status(locked.joint_statement_id, new_status[outcome])
        elif outcome == Procedure.Outcome.ADOPTED:
            _adopt(_locked_decision(locked))
        else:
            decision = _locked_decision(locked)
            decision.status = (
                Decision.Status.WITHDRAWN
                if outcome == Procedure.Outcome.WITHDRAWN
                else Decision.Status.NOT_ADOPTED
            )
            decision.save(update_fields=["status"])
        locked.outcome = outcome
        locked.statement = statement[:5000]
        locked.outcome_by = by
        locked.outcome_at = timezone.now()
        locked.save()
    return locked


def deadline_extend(
    *, procedure: Procedure, by: User, deadline: datetime | None, reason: str
) -> Procedure:
    """A co-chair gives an open procedure more time, with a reason; everyone consulted is
    told."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the deadline moves.")})
    with transaction.atomic():
        locked = (
            Procedure.objects.select_for_update(of=("self",))
            .select_related("decision", "joint_statement", "network")
            .get(pk=procedure.pk)
        )
        if locked.closed_at is not None or locked.deadline <= timezone.now():
            raise ValidationError(
                _("This procedure is closed: the deadline has passed."), code=CONFLICT
            )
        if deadline is None or deadline <= locked.deadline:
            raise ValidationError({"deadline": _("Give a later deadline than the current one.")})
        DeadlineExtension.objects.create(
            network=locked.network,
            procedure=locked,
            before=locked.deadline,
            after=deadline,
            reason=reason[:500],
            extended_by=by,
        )
        locked.deadline = deadline
        locked.reminded_at = None
        locked.save(update_fields=["deadline", "reminded_at"])
        _notify(
            locked.subject,
            people_speaking_for(consulted_organisations(locked.subject)),
            by=by,
            template="deadline_extended",
            context={"procedure": locked, "deadline": deadline, "reason": reason},
        )
    return locked


def procedure_remind(*, procedure: Procedure) -> int:
    """Remind the organisations that have not answered (once per deadline). Returns how
    many organisations were reminded."""
    with transaction.atomic():
        locked = (
            Procedure.objects.select_for_update(of=("self",))
            .select_related("decision", "joint_statement", "network")
            .get(pk=procedure.pk)
        )
        if locked.closed_at is not None or locked.reminded_at is not None:
            return 0
        pending = tally(locked).pending
        locked.reminded_at = timezone.now()
        locked.save(update_fields=["reminded_at"])
        _notify(
            locked.subject,
            people_speaking_for(pending),
            by=None,
            template="procedure_reminder",
            context={"procedure": locked, "deadline": locked.deadline},
        )
    return len(pending)


# Action points ---------------------------------------------------------------------------


def action_point_add(
    *,
    network: Network,
    by: User,
    text: str,
    owner_organisation: Organisation | None,
    due_date: date | None,
    decision: Decision | None = None,
    minutes_item: MinutesItem | None = None,
    owner: User | None = None,
) -> ActionPoint:
    """Secretariat or co-chair: an action point on a decision (or from a minutes item)."""
    if not text.strip():
        raise ValidationError({"text": _("Describe the action.")})
    if owner_organisation is None or due_date is None:
        raise ValidationError(_("Give the action an owner organisation and a due date."))
    if due_date < clock.network_today(network):
        raise ValidationError(
            {
                "due_date": _(
                    "%(date)s has passed: give the date by which the action is to be done."
                )
                % {"date": clock.when(due_date)}
            }
        )
    if owner is not None and not (
        Membership.objects.active().filter(user=owner, organisation=owner_organisation).exists()
    ):
        raise ValidationError({"owner": _("Choose someone of the owner organisation.")})
    return ActionPoint.objects.create(
        network=network,
        decision=decision,
        minutes_item=minutes_item,
        text=text.strip()[:500],
        owner_organisation=owner_organisation,
        owner=owner,
        due_date=due_date,
    )


def action_points_from_minutes(*, minutes_version: MinutesVersion) -> int:
    """When minutes are approved: each of their action points becomes one to follow up."""
    points = MinutesActionPoint.objects.filter(
        item__minutes=minutes_version.minutes
    ).select_related("item")
    created = [
        ActionPoint(
            network_id=minutes_version.network_id,
            minutes_item=point.item,
            text=point.text,
            owner_organisation_id=point.owner_organisation_id,
            due_date=point.due_date,
        )
        for point in points
        if not ActionPoint.objects.filter(minutes_item=point.item, text=point.text).exists()
    ]
    ActionPoint.objects.bulk_create(created)
    return len(created)


def action_point_update(
    *, action_point: ActionPoint, by: User, status: str, progress: int, note: str
) -> ActionPoint:
    """The owner organisation's focal points (or the secretariat): status, progress and a
    dated note of what was done."""
    if status not in ActionPoint.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": _("Give the progress from 0 to 100.")})
    if not note.strip():
        raise ValidationError({"note": _("Say what was done.")})
    if status == ActionPoint.Status.DONE:
        progress = 100
    with transaction.atomic():
        locked = ActionPoint.objects.select_for_update().get(pk=action_point.pk)
        access = actor_of(by, locked.network)
        speaks = access.can(Action.ACTIONS_UPDATE_ANY) or (
            access.can(Action.ACTIONS_UPDATE)
            and locked.owner_organisation_id in access.organisation_ids
        )
        if not speaks:
            raise ValidationError(
                _("Only the owner organisation's focal points or the secretariat update this."),
                code=NOT_YOURS,
            )
        locked.status, locked.progress = status, progress
        locked.save(update_fields=["status", "progress", "updated_at"])
        ActionNote.objects.create(
            network_id=locked.network_id,
            action_point=locked,
            text=note.strip()[:5000],
            status=status,
            progress=progress,
            written_by=by,
        )
    return locked


def _may_update(organisation_id: int) -> Q:
    """Memberships that may update an action point of `organisation_id` (networks.roles)."""
    return Q(role__in=roles_with(Action.ACTIONS_UPDATE_ANY)) | Q(
        organisation_id=organisation_id, role__in=roles_with(Action.ACTIONS_UPDATE)
    )


def action_points_chase(*, network: Network) -> int:
    """Weekly: the people of each organisation with overdue action points get one reminder
    listing them. Returns how many action points were chased."""
    today = clock.network_today(network)
    week_ago = today - timedelta(days=7)
    overdue = list(
        ActionPoint.objects.filter(
            status__in=[ActionPoint.Status.OPEN, ActionPoint.Status.IN_PROGRESS],
            due_date__lt=today,
        )
        .exclude(last_chased_on__gt=week_ago)
        .select_related("owner_organisation")
        .order_by("owner_organisation_id", "due_date")
    )
    by_organisation: dict[Organisation, list[ActionPoint]] = {}
    for point in overdue:
        by_organisation.setdefault(point.owner_organisation, []).append(point)
    for organisation, points in by_organisation.items():
        people = people_speaking_for([organisation])
        if people:
            circulation_create(
                network=network,
                kind=Circulation.Kind.REMINDER,
                sender=None,
                recipients=[Recipient.of(person) for person in people],
                template="actions_overdue",
                context={"organisation": organisation, "points": points},
                link=reverse("decisions:actions", kwargs={"network": network.slug}),
            )
    ActionPoint.objects.filter(pk__in=[p.pk for p in overdue]).update(last_chased_on=today)
    return len(overdue)


def decisions_from_minutes(*, minutes_version: MinutesVersion) -> int:
    """When minutes are approved: each decision taken at the meeting enters the register,
    adopted, numbered, its origin the minutes item. A correction adds only new ones."""
    created = 0
    items = MinutesItem.objects.filter(minutes=minutes_version.minutes).order_by("position")
    for item in items:
        for line in item.decision_lines():
            title = line[:300]
            if Decision.objects.filter(minutes_item=item, title=title).exists():
                continue
            decision = Decision.objects.create(
                network_id=minutes_version.network_id,
                title=title,
                text=line,
                minutes_item=item,
                created_by=minutes_version.submitted_by,
            )
            _adopt(Decision.objects.select_related("network").get(pk=decision.pk))
            created += 1
    return created


# One-Voice joint statements ----------------------------------------------------------------

S = JointStatement.Status


def _locked_statement(statement: JointStatement) -> JointStatement:
    return JointStatement.objects.select_for_update().select_related("network").get(pk=statement.pk)


def _statement_set_status(statement_id: int, status: str) -> None:
    locked = JointStatement.objects.select_for_update().get(pk=statement_id)
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])


def _require(statement: JointStatement, step: str, by: User) -> None:
    """The step from the statement's state now, for this person, or its Refusal. Call it on
    the locked row."""
    flows.STATEMENT.require(statement, step, actor_of(by, statement.network))


def _check_words(title: str, text: str) -> None:
    if not title.strip():
        raise ValidationError({"title": _("Give the statement a title.")})
    if not text.strip():
        raise ValidationError({"text": _("Write the text of the statement.")})


def statement_content_hash(title: str, text: str) -> str:
    canonical = json.dumps({"title": title, "text": text}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _people_with_roles(roles: Iterable[Role]) -> list[User]:
    return list(
        {
            m.user_id: m.user
            for m in Membership.objects.active()
            .filter(role__in=roles, user__is_active=True)
            .select_related("user")
        }.values()
    )


def statement_draft(*, network: Network, by: User, title: str, text: str) -> JointStatement:
    """Secretariat: a draft joint statement."""
    _check_words(title, text)
    return JointStatement.objects.create(
        network=network, title=title.strip()[:300], text=text.strip(), created_by=by
    )


def statement_edit(*, statement: JointStatement, by: User, title: str, text: str) -> JointStatement:
    """Secretariat: change the draft's words (only while it is a draft)."""
    _check_words(title, text)
    with transaction.atomic():
        locked = _locked_statement(statement)
        _require(locked, "edit", by)
        locked.title, locked.text = title.strip()[:300], text.strip()
        locked.save(update_fields=["title", "text", "updated_at"])
    return locked


def statement_submit(*, statement: JointStatement, by: User) -> StatementVersion:
    """Secretariat: the draft becomes a version — its words and their SHA-256 — for the
    co-chairs to clear; they are told at once. After a cleared version, a correction needs
    its reason."""
    with transaction.atomic():
        locked = _locked_statement(statement)
        _require(locked, "submit", by)
        previous = StatementVersion.objects.filter(statement=locked).order_by("-number").first()
        if (
            previous is not None
            and previous.cleared_at is not None
            and not locked.correction_reason
        ):
            raise ValidationError(_("Give the reason for the correction."))
        version = StatementVersion.objects.create(
            network=locked.network,
            statement=locked,
            number=(previous.number if previous else 0) + 1,
            title=locked.title,
            text=locked.text,
            content_sha256=statement_content_hash(locked.title, locked.text),
            reason=locked.correction_reason,
            submitted_by=by,
            submitted_at=timezone.now(),
        )
        locked.status = S.SUBMITTED
        locked.returned_note = ""
        locked.save(update_fields=["status", "returned_note", "updated_at"])
        _notify(
            locked,
            _co_chairs(),
            by=by,
            template="statement",
            context={"step": "submitted", "version": version},
        )
    return version


def _pending_version(statement: JointStatement) -> StatementVersion:
    """The version awaiting clearance, locked; require() has checked the statement awaits."""
    version = (
        StatementVersion.objects.select_for_update()
        .filter(statement=statement, cleared_at__isnull=True, returned_at__isnull=True)
        .order_by("-number")
        .first()
    )
    assert version is not None, "a submitted statement has its pending version"
    return version


def statement_signoff(version: StatementVersion) -> Signoff:
    """Where the clearance of a version stands under the network's rule for statements
    (until the network sets one, its rule for minutes): who cleared it, who is awaited."""
    cleared_by = StatementClearance.objects.filter(version=version).values_list(
        "co_chair_id", flat=True
    )
    return signoff.signoff_of(version.network, SignoffRule.Kind.STATEMENT, cleared_by)


def statement_clear(
    *, statement: JointStatement, by: User, content_sha256: str
) -> StatementVersion:
    """A co-chair clears the submitted version whose hash they saw, once. Under the
    network's rule for statements (every co-chair in office by default, or any one) the
    clearance that completes it freezes the version and tells the secretariat. A stale hash
    or a second clearance is refused and records nothing. Not the person who drafted or
    submitted it (separation of duties)."""
    with transaction.atomic():
        locked = _locked_statement(statement)
        _require(locked, "clear", by)
        pending = _pending_version(locked)
        check_signature(
            current_sha256=pending.content_sha256,
            seen_sha256=content_sha256,
            signer_id=by.pk,
            signed=StatementClearance.objects.filter(version=pending).values_list(
                "co_chair_id", flat=True
            ),
            stale_message=_(
                "This statement changed since you opened it: read the current version "
                "and clear it again."
            ),
        )
        now = timezone.now()
        StatementClearance.objects.create(
            network=locked.network,
            version=pending,
            co_chair=by,
            cleared_at=now,
            content_sha256=pending.content_sha256,
        )
        if statement_signoff(pending).complete:
            pending.cleared_at = now
            pending.save(update_fields=["cleared_at"])
            locked.status = S.CLEARED
            locked.correction_reason = ""
            locked.save(update_fields=["status", "correction_reason", "updated_at"])
            _notify(
                locked,
                _people_with_roles([Role.SECRETARIAT]),
                by=by,
                template="statement",
                context={"step": "cleared", "version": pending},
            )
    return pending


def statement_return(*, statement: JointStatement, by: User, note: str) -> JointStatement:
    """A co-chair sends the submitted statement back to the secretariat with comments."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say what should change.")})
    with transaction.atomic():
        locked = _locked_statement(statement)
        _require(locked, "return", by)
        pending = _pending_version(locked)
        pending.returned_at = timezone.now()
        pending.returned_by = by
        pending.return_note = note[:5000]
        pending.save(update_fields=["returned_at", "returned_by", "return_note"])
        locked.status = S.DRAFT
        locked.returned_note = note[:5000]
        locked.save(update_fields=["status", "returned_note", "updated_at"])
    return locked


def statement_approval_record(version: StatementVersion) -> list[dict[str, str]]:
    """Each co-chair who cleared the version, as its PDF prints them (the approval record)."""
    clearances = list(StatementClearance.objects.filter(version=version).select_related("co_chair"))
    return signoff.approval_record(version.network, clearances, at="cleared_at")


def statement_pdf(version: StatementVersion, *, language: str | None = None) -> bytes:
    """A cleared version as PDF: its words, the approval record (who cleared it, as what, for
    which organisation, when in UTC and in the network's time) and the version's SHA-256.
    Drawn from the frozen version and its clearances, so every download of it is the same
    record; its headings in `language` (by default the reader's, in a request)."""
    if version.cleared_at is None:
        raise ValidationError(_("Only a cleared version has a PDF."), code=CONFLICT)
    return render_pdf(
        "decisions/statement_pdf.html",
        {
            "version": version,
            "public": StatementPublication.objects.filter(version=version).exists(),
            "approval_record": statement_approval_record(version),
        },
        network=version.network,
        language=language,
    )


def statement_issue(*, statement: JointStatement, by: User) -> JointStatement:
    """Secretariat: issue the cleared version (after its silence procedure, if it had one);
    everyone in the network who reads statements gets it, with its PDF and approval
    record."""
    with transaction.atomic():
        locked = _locked_statement(statement)
        _require(locked, "issue", by)
        version = (
            StatementVersion.objects.filter(statement=locked, cleared_at__isnull=False)
            .select_related("network")
            .order_by("-number")
            .first()
        )
        assert version is not None, "a cleared or agreed statement has its cleared version"
        locked.status = S.ISSUED
        locked.issued_version = version
        locked.issued_at = timezone.now()
        locked.issued_by = by
        locked.save(
            update_fields=["status", "issued_version", "issued_at", "issued_by", "updated_at"]
        )
        _notify(
            locked,
            _people_with_roles(PERMISSIONS[Action.STATEMENTS_VIEW]),
            by=by,
            template="statement",
            context={"step": "issued", "version": version},
            kind=Circulation.Kind.DOCUMENT,
            attachments_in=lambda language: [
                File(
                    f"statement-{locked.pk}-v{version.number}.pdf",
                    "application/pdf",
                    statement_pdf(version, language=language),
                )
            ],
        )
    return locked


def statement_publish(
    *, statement: JointStatement, by: User, agreement: str
) -> StatementPublication:
    """Make the issued version public — a recorded act: who, when, and the agreement that
    allows it (a decision, the co-chairs' act). It then shows on the network's public page;
    a later correction is not public until it is published in turn."""
    agreement = agreement.strip()
    if not agreement:
        raise ValidationError(
            {
                "agreement": _(
                    "A statement becomes public only with a recorded agreement: name the "
                    "decision or the co-chairs' act."
                )
            }
        )
    with transaction.atomic():
        locked = _locked_statement(statement)
        _require(locked, "publish", by)
        assert locked.issued_version_id is not None, "an issued statement has its version"
        return StatementPublication.objects.create(
            network=locked.network,
            version_id=locked.issued_version_id,
            agreement=agreement[:500],
            published_by=by,
            published_at=timezone.now(),
        )


def statement_revise(*, statement: JointStatement, by: User, reason: str) -> JointStatement:
    """Secretariat: a cleared, agreed, not agreed or issued statement becomes a draft again
    for a correction. Every cleared version stays as it was (an issued one stays issued and,
    if it was, public); the correction is a new version that needs clearing again."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    with transaction.atomic():
        locked = _locked_statement(statement)
        _require(locked, "revise", by)
        locked.status = S.DRAFT
        locked.correction_reason = reason[:500]
        locked.save(update_fields=["status", "correction_reason", "updated_at"])
    return locked
