"""Writes on meetings, their participants and agendas.

Each service is keyword-only, runs in one transaction on the locked meeting row, and says
who may call it; the view that calls it has already checked the action in networks.roles.
A transition that does not apply to the meeting's state is a ValidationError and changes
nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from circulation.models import Circulation
from circulation.services import File, Recipient, circulation_create
from meetings import flows, ics, links, signals
from meetings.models import (
    AgendaApproval,
    AgendaItem,
    Attendance,
    AttendanceGuest,
    CalendarFeed,
    Meeting,
    MeetingSettings,
    Minutes,
    MinutesActionPoint,
    MinutesApproval,
    MinutesComment,
    MinutesItem,
    MinutesVersion,
    Participant,
    parse_reminders,
)
from meetings.representation import representation
from meetings.timetable import timetable
from networks import signoff
from networks.access import actor_of
from networks.models import (
    Invitation,
    Membership,
    Network,
    WorkingGroupMember,
)
from networks.pdf import render_pdf
from networks.roles import Role
from networks.scoping import network_scope
from networks.services import colleague_invite, invitation_email
from workflow import Refusal, Signoff, check_signature
from workflow import content_hash as workflow_content_hash

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User
    from networks.models import WorkingGroup

# Changing these on a circulated agenda sends the calendar update.
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "location", "online_url")
EDITABLE_FIELDS = ("kind", "working_group", "title", *CALENDAR_FIELDS[1:])
DEFAULT_ROLES = (Role.SECRETARIAT, Role.CO_CHAIR, Role.MEMBER)


def _meeting_link(meeting: Meeting, network: Network, page: str = "detail") -> str:
    """The meeting's page (or its `page`: "minutes"), for a mailing's link."""
    return reverse(f"meetings:{page}", kwargs={"network": network.slug, "meeting_id": meeting.pk})


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _check_times(starts_at: datetime | None, ends_at: datetime | None) -> tuple[datetime, datetime]:
    if starts_at is None or ends_at is None:
        raise ValidationError({"starts_at": _("Give the start and the end of the meeting.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
    return starts_at, ends_at


def _check_kind(kind: str, working_group: WorkingGroup | None) -> None:
    if kind not in Meeting.Kind.values:
        raise ValidationError({"kind": _("Choose a type of meeting.")})
    if kind == Meeting.Kind.WORKING_GROUP and working_group is None:
        raise ValidationError({"working_group": _("Choose the working group that meets.")})


def _default_people(
    network: Network, kind: str, working_group: WorkingGroup | None
) -> dict[int, int | None]:
    """{user id: organisation id} of the people a new meeting expects: the secretariat,
    the co-chairs and every focal point; for a working-group meeting, its members and the
    secretariat."""
    people: dict[int, int | None] = {}
    memberships = Membership.objects.active().order_by("started_at")
    if kind == Meeting.Kind.WORKING_GROUP:
        group_members = set(
            WorkingGroupMember.objects.filter(
                working_group=working_group, ended_at__isnull=True
            ).values_list("user_id", flat=True)
        )
        for user_id, organisation_id, role in memberships.values_list(
            "user_id", "organisation_id", "role"
        ):
            if user_id in group_members or role == Role.SECRETARIAT:
                people.setdefault(user_id, organisation_id)
        for user_id in group_members:
            people.setdefault(user_id, None)
        return people
    for user_id, organisation_id in memberships.filter(role__in=DEFAULT_ROLES).values_list(
        "user_id", "organisation_id"
    ):
        people.setdefault(user_id, organisation_id)
    return people


def meeting_schedule(
    *,
    network: Network,
    by: User,
    kind: str,
    title: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    location: str = "",
    online_url: str = "",
    working_group: WorkingGroup | None = None,
) -> Meeting:
    """Secretariat. The meeting with its expected participants; its agenda is a draft."""
    _check_kind(kind, working_group)
    starts_at, ends_at = _check_times(starts_at, ends_at)
    if not title.strip():
        raise ValidationError({"title": _("Give the meeting a title.")})
    online_url = links.check_online_url(online_url)
    with network_scope(network), transaction.atomic():
        meeting = Meeting.objects.create(
            network=network,
            kind=kind,
            title=title.strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            location=location.strip(),
            online_url=online_url,
            working_group=working_group if kind == Meeting.Kind.WORKING_GROUP else None,
            created_by=by,
        )
        Participant.objects.bulk_create(
            Participant(network=network, meeting=meeting, user_id=user_id, organisation_id=org_id)
            for user_id, org_id in _default_people(network, kind, meeting.working_group).items()
        )
    return meeting


def meeting_update(*, meeting: Meeting, by: User, version: int, **changes: Any) -> Meeting:
    """Secretariat. `version` is the one the form was based on: when someone saved in
    between, the change is refused (and the caller keeps what was typed). Changing the time,
    place or title of a circulated agenda's meeting sends the calendar update at once."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        locked = _locked(meeting)
        if locked.version != version:
            raise ValidationError(
                _(
                    "Someone else changed this meeting while you were editing it. Your text "
                    "is still in the form: compare it with the meeting's page and save again."
                ),
                code="stale",
            )
        if locked.is_cancelled:
            raise ValidationError(_("This meeting is cancelled; it can no longer be changed."))
        merged = {field: changes.get(field, getattr(locked, field)) for field in EDITABLE_FIELDS}
        _check_kind(merged["kind"], merged["working_group"])
        _check_times(merged["starts_at"], merged["ends_at"])
        if not str(merged["title"]).strip():
            raise ValidationError({"title": _("Give the meeting a title.")})
        merged["online_url"] = links.check_online_url(merged["online_url"])
        calendar_changed = any(merged[field] != getattr(locked, field) for field in CALENDAR_FIELDS)
        moved = (merged["starts_at"], merged["ends_at"]) != (locked.starts_at, locked.ends_at)
        if (
            moved
            and locked.agenda_status == Meeting.AgendaStatus.CIRCULATED
            and merged["ends_at"] <= timezone.now()
        ):
            # Everyone invited would get an "Updated agenda" for a meeting already over.
            refusal = Refusal(
                _(
                    "The agenda went to the participants: the meeting cannot be moved into "
                    "the past. Write the time it was really held in the minutes, or cancel "
                    "it and schedule a new one."
                ),
                code=Refusal.WRONG_STATE,
            )
            raise ValidationError({"starts_at": refusal})
        if merged["starts_at"] != locked.starts_at:
            # Moved: the day-before reminder goes out again before the new time.
            locked.reminded_at = None
        for field, value in merged.items():
            setattr(locked, field, value)
        if locked.kind != Meeting.Kind.WORKING_GROUP:
            locked.working_group = None
        locked.version += 1
        locked.save()
        if calendar_changed and locked.agenda_status == Meeting.AgendaStatus.CIRCULATED:
            # A new title alone is an update with the same SEQUENCE: calendars replace the
            # event without asking for a new answer; a new time, place or link asks again.
            if ics.material_fingerprint(locked) != locked.calendar_fingerprint:
                locked.sequence += 1
                locked.save(update_fields=["sequence"])
            _circulate(locked, by=by, update=True)
    return locked


def meeting_cancel(*, meeting: Meeting, by: User, reason: str) -> Meeting:
    """Secretariat. Participants who received the agenda get the calendar cancellation."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the meeting is cancelled.")})
    with transaction.atomic():
        locked = _locked(meeting)
        if locked.is_cancelled:
            raise ValidationError(_("This meeting is already cancelled."))
        locked.status = Meeting.Status.CANCELLED
        locked.cancel_reason = reason[:300]
        locked.version += 1
        was_circulated = locked.agenda_circulated_at is not None
        if was_circulated:
            locked.sequence += 1
        locked.save()
        if was_circulated:
            _circulate(locked, by=by, update=True)
    return locked


def participant_invite(*, meeting: Meeting, by: User, user: User) -> Participant:
    """Secretariat or co-chair: one more person at this meeting — a person of the network,
    e.g. an external partner at an extended meeting."""
    membership = Membership.objects.active().filter(user=user).order_by("started_at").first()
    if membership is None:
        raise ValidationError({"user": _("Choose a person who takes part in this network.")})
    with transaction.atomic():
        locked = _locked(meeting)
        if locked.is_cancelled:
            raise ValidationError(_("This meeting is cancelled; it can no longer be changed."))
        participant, created = Participant.objects.get_or_create(
            meeting=locked,
            user=user,
            defaults={
                "network": locked.network,
                "organisation": membership.organisation,
                "invited": True,
            },
        )
        if not created:
            raise ValidationError({"user": _("This person is already a participant.")})
        if locked.agenda_circulated_at is not None:
            # Invited after the agenda went out: the invitation now, so that the updates and
            # the cancellation to come replace an event their calendar holds.
            _circulate(locked, by=by, update=False, only=[participant])
    return participant


def rsvp(
    *,
    meeting: Meeting,
    user: User,
    answer: str,
    delegate: User | None = None,
    delegate_email: str = "",
    delegate_name: str = "",
    language: str = "",
) -> Participant:
    """A participant answers. Sending a colleague needs one of the same organisation in this
    network, who then becomes a participant too (and gets the calendar invitation when the
    agenda is out) — `delegate`, or `delegate_email`: a colleague with a role here already
    is taken as chosen; one without is invited into the organisation
    (networks.services.colleague_invite, mailed through circulation in `language`) and is
    the one sent once they accept (colleague_joined). Until then the answer is "sends a
    colleague" with the invitation pending, so the organisation counts as represented."""
    if answer not in Participant.Answer.values or answer == Participant.Answer.PENDING:
        raise ValidationError({"answer": _("Choose your answer.")})
    delegate_email = delegate_email.strip().lower()
    with transaction.atomic():
        locked = _locked(meeting)
        if locked.is_cancelled:
            raise ValidationError(_("This meeting is cancelled."))
        participant = (
            Participant.objects.filter(meeting=locked, user=user)
            .select_related("organisation")
            .first()
        )
        if participant is None:
            raise ValidationError(_("You are not a participant of this meeting."))
        invitation = None
        if answer == Participant.Answer.DELEGATED:
            if delegate is None and delegate_email:
                delegate = (
                    get_user_model()
                    .objects.filter(
                        email__iexact=delegate_email,
                        pk__in=Membership.objects.active()
                        .filter(organisation_id=participant.organisation_id)
                        .values("user_id"),
                    )
                    .first()
                )
                if delegate is None:
                    invitation = _invite_colleague(
                        locked, participant, delegate_email, delegate_name, language
                    )
            if delegate is None and invitation is None:
                raise ValidationError({"delegate": _("Choose the colleague who attends.")})
            if delegate is not None:
                if delegate.pk == user.pk:
                    raise ValidationError({"delegate": _("Choose the colleague who attends.")})
                colleague = (
                    Membership.objects.active()
                    .filter(user=delegate, organisation_id=participant.organisation_id)
                    .first()
                )
                if participant.organisation_id is None or colleague is None:
                    raise ValidationError(
                        {"delegate": _("Choose a colleague of your organisation in this network.")}
                    )
                _send_colleague(locked, participant, delegate, by=user)
        else:
            delegate = None
        participant.answer = answer
        participant.delegate = delegate
        participant.delegate_invitation = invitation
        participant.answered_at = timezone.now()
        participant.save(update_fields=["answer", "delegate", "delegate_invitation", "answered_at"])
    return participant


def _invite_colleague(
    meeting: Meeting, participant: Participant, email: str, full_name: str, language: str
) -> Invitation:
    """The colleague named by email has no role here: invite them into the participant's
    organisation (a new invitation is mailed, an open one is reused)."""
    if participant.organisation is None:
        raise ValidationError(
            {"delegate_email": _("You take part for no organisation: ask the secretariat.")}
        )
    invitation, new = colleague_invite(
        network=meeting.network,
        by=participant.user,
        organisation=participant.organisation,
        email=email,
        full_name=full_name,
    )
    if new:
        invitation_email(
            invitation=invitation,
            sender=participant.user,
            language=language or settings.LANGUAGE_CODE,
        )
    return invitation


def _send_colleague(
    meeting: Meeting, participant: Participant, colleague: User, *, by: User
) -> None:
    """The colleague becomes a participant of their own; when the agenda is out already,
    they get its calendar invitation now (as participant_invite does)."""
    theirs, created = Participant.objects.get_or_create(
        meeting=meeting,
        user=colleague,
        defaults={
            "network": meeting.network,
            "organisation_id": participant.organisation_id,
            "invited": True,
        },
    )
    if created and meeting.agenda_circulated_at is not None and meeting.ends_at > timezone.now():
        _circulate(meeting, by=by, update=False, only=[theirs])


def colleague_joined(*, invitation: Invitation, user: User) -> list[Participant]:
    """The system, when an invitation is accepted (meetings.receivers, inside the
    acceptance's transaction): every participant who sent the invited colleague to a meeting
    still to come now sends this person. Returns those participants."""
    sent = list(
        Participant.objects.filter(
            delegate_invitation=invitation,
            answer=Participant.Answer.DELEGATED,
            delegate__isnull=True,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__ends_at__gt=timezone.now(),
        ).select_related("user", "meeting")
    )
    for participant in sent:
        meeting = _locked(participant.meeting)
        _send_colleague(meeting, participant, user, by=participant.user)
        participant.delegate = user
        participant.save(update_fields=["delegate"])
    return sent


# Agenda ---------------------------------------------------------------------------------


def _require_draft(meeting: Meeting, by: User) -> None:
    flows.AGENDA.require(meeting, "edit", actor_of(by, meeting.network))


def _check_item(fields: dict[str, Any]) -> None:
    if not str(fields.get("title", "")).strip():
        raise ValidationError({"title": _("Give the item a title.")})
    duration = fields.get("duration_minutes")
    if duration is None or not 1 <= int(duration) <= 600:
        raise ValidationError({"duration_minutes": _("Give a duration from 1 to 600 minutes.")})
    presenter = fields.get("presenter")
    organisation = fields.get("presenter_organisation")
    if presenter is not None:
        memberships = Membership.objects.active().filter(user=presenter)
        if organisation is not None:
            memberships = memberships.filter(organisation=organisation)
        if not memberships.exists():
            raise ValidationError(
                {"presenter": _("Choose a presenter who takes part for that organisation.")}
            )


def agenda_item_save(
    *, meeting: Meeting, by: User, item: AgendaItem | None = None, **fields: Any
) -> AgendaItem:
    """Secretariat, while the agenda is a draft: add an item at the end, or change one."""
    _check_item(fields)
    with transaction.atomic():
        locked = _locked(meeting)
        _require_draft(locked, by)
        if item is None:
            last = AgendaItem.objects.filter(meeting=locked).aggregate(top=Max("position"))
            item = AgendaItem(
                network=locked.network, meeting=locked, position=(last["top"] or 0) + 1
            )
        elif item.meeting_id != locked.pk:
            raise ValidationError(_("This item belongs to another meeting."))
        item.title = fields["title"].strip()
        item.description = fields.get("description", "").strip()
        item.presenter_organisation = fields.get("presenter_organisation")
        item.presenter = fields.get("presenter")
        item.duration_minutes = int(fields["duration_minutes"])
        item.is_break = bool(fields.get("is_break"))
        if item.is_break:
            item.presenter_organisation = None
            item.presenter = None
        item.save()
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
    return item


def agenda_item_delete(*, item: AgendaItem, by: User) -> None:
    with transaction.atomic():
        locked = _locked(item.meeting)
        _require_draft(locked, by)
        AgendaItem.objects.filter(pk=item.pk).delete()
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])


def agenda_item_move(*, item: AgendaItem, by: User, up: bool) -> None:
    """Swap the item with its neighbour above (or below)."""
    with transaction.atomic():
        locked = _locked(item.meeting)
        _require_draft(locked, by)
        items = list(AgendaItem.objects.filter(meeting=locked).order_by("position", "pk"))
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(items):
            return
        items[index], items[other] = items[other], items[index]
        for position, entry in enumerate(items, start=1):
            if entry.position != position:
                AgendaItem.objects.filter(pk=entry.pk).update(position=position)
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])


def agenda_submit(*, meeting: Meeting, by: User) -> Meeting:
    """Secretariat: the draft (with at least one item) goes to the co-chairs for approval."""
    with transaction.atomic():
        locked = _locked(meeting)
        flows.AGENDA.require(locked, "submit", actor_of(by, locked.network))
        locked.agenda_status = Meeting.AgendaStatus.SUBMITTED
        locked.agenda_note = ""
        locked.version += 1
        locked.save()
    return locked


def _standing_approvals(meeting: Meeting) -> QuerySet[AgendaApproval]:
    return AgendaApproval.objects.filter(meeting=meeting, withdrawn_at__isnull=True)


def agenda_signoff(meeting: Meeting) -> Signoff:
    """Where the approval of the agenda stands under the network's rule for agendas."""
    signed = _standing_approvals(meeting).values_list("co_chair_id", flat=True)
    return signoff.signoff_of(meeting.network, "agenda", signed)


def _withdraw_approvals(meeting: Meeting) -> None:
    _standing_approvals(meeting).update(withdrawn_at=timezone.now())
    meeting.agenda_approved_by = None
    meeting.agenda_approved_at = None


def agenda_approve(*, meeting: Meeting, by: User) -> Meeting:
    """A co-chair approves the submitted agenda, once. When the network's rule is met (by
    default one co-chair) it is approved and the secretariat can circulate it; the other
    co-chairs in office are told at once, and may return it until it is circulated. Not the person who scheduled the meeting and
    drafted it (separation of duties)."""
    with transaction.atomic():
        locked = _locked(meeting)
        flows.AGENDA.require(locked, "approve", actor_of(by, locked.network))
        if locked.created_by_id == by.pk:
            raise Refusal(
                _("You drafted this agenda: another co-chair approves it."),
                code=Refusal.NOT_ALLOWED,
            )
        now = timezone.now()
        AgendaApproval.objects.create(
            network=locked.network, meeting=locked, co_chair=by, approved_at=now
        )
        standing = agenda_signoff(locked)
        if standing.complete:
            locked.agenda_status = Meeting.AgendaStatus.APPROVED
            locked.agenda_approved_by = by
            locked.agenda_approved_at = now
        locked.version += 1
        locked.save()
        if standing.complete:
            _tell_other_co_chairs(locked, by=by, signed=set(standing.signed))
    return locked


def _tell_other_co_chairs(meeting: Meeting, *, by: User, signed: set[int]) -> None:
    others = list(
        Membership.objects.active()
        .filter(role=Role.CO_CHAIR, user__is_active=True)
        .exclude(user_id__in=signed)
        .select_related("user")
        .order_by("pk")
    )
    if not others:
        return
    network = meeting.network
    circulation_create(
        network=network,
        kind=Circulation.Kind.SIGNOFF,
        sender=by,
        recipients=list({m.user_id: Recipient.of(m.user) for m in others}.values()),
        template="agenda_approved",
        context={
            "meeting": meeting,
            "approver": by.get_full_name() or by.email,
        },
        about=meeting,
        link=_meeting_link(meeting, network) + "#agenda",
    )


def agenda_return(*, meeting: Meeting, by: User, comment: str) -> Meeting:
    """A co-chair sends the agenda back to the secretariat with a comment: while it awaits
    approval, or after another co-chair approved it until it is circulated. The approvals of
    this round are withdrawn; a circulated agenda is refused (the secretariat reopens it)."""
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": _("Say what should change.")})
    with transaction.atomic():
        locked = _locked(meeting)
        flows.AGENDA.require(locked, "return", actor_of(by, locked.network))
        _withdraw_approvals(locked)
        locked.agenda_status = Meeting.AgendaStatus.DRAFT
        locked.agenda_note = comment
        locked.version += 1
        locked.save()
    return locked


def agenda_reopen(*, meeting: Meeting, by: User) -> Meeting:
    """Secretariat: a submitted, approved or circulated agenda back to draft, to change it.
    It needs approval again; circulating it then sends an update."""
    with transaction.atomic():
        locked = _locked(meeting)
        flows.AGENDA.require(locked, "reopen", actor_of(by, locked.network))
        _withdraw_approvals(locked)
        locked.agenda_status = Meeting.AgendaStatus.DRAFT
        locked.version += 1
        locked.save()
    return locked


def agenda_circulate(*, meeting: Meeting, by: User) -> Circulation:
    """Secretariat: the approved agenda to every participant, with the calendar invitation
    and the agenda PDF. A meeting circulated before goes out as an update (SEQUENCE up).
    From now on a co-chair can no longer return it."""
    with transaction.atomic():
        locked = _locked(meeting)
        flows.AGENDA.require(locked, "circulate", actor_of(by, locked.network))
        update = locked.agenda_circulated_at is not None
        if update and ics.material_fingerprint(locked) != locked.calendar_fingerprint:
            locked.sequence += 1
        locked.agenda_status = Meeting.AgendaStatus.CIRCULATED
        locked.agenda_circulated_at = timezone.now()
        locked.version += 1
        locked.save()
        return _circulate(locked, by=by, update=update)


def agenda_pdf(
    meeting: Meeting, items: Iterable[AgendaItem] | None = None, *, language: str | None = None
) -> bytes:
    """The agenda as PDF, in `language` (in a request, by default, the reader's)."""
    network = meeting.network
    items = list(items if items is not None else _items(meeting))
    return render_pdf(
        "meetings/agenda_pdf.html",
        {
            "meeting": meeting,
            "items": items,
            "timetable": timetable(meeting, items),
            "generated": timezone.now(),
        },
        network=network,
        language=language,
    )


def agenda_items(meeting: Meeting) -> list[AgendaItem]:
    """The agenda's items in order, with their presenters (one query)."""
    return list(_items(meeting))


def _items(meeting: Meeting) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(meeting=meeting).select_related(
        "presenter", "presenter_organisation"
    )


def meeting_settings_of(network: Network) -> MeetingSettings | None:
    return MeetingSettings.objects.filter(network=network).first()


def meeting_settings_save(
    *, network: Network, by: User, secretariat_email: str, reminder_minutes: str
) -> MeetingSettings:
    """Secretariat: the organiser address and the reminders of the network's invitations."""
    from django.core.validators import validate_email

    secretariat_email = secretariat_email.strip()
    if secretariat_email:
        try:
            validate_email(secretariat_email)
        except ValidationError as error:
            raise ValidationError({"secretariat_email": _("Enter a valid email address.")}) from (
                error
            )
    try:
        reminders = parse_reminders(reminder_minutes)
    except ValidationError as error:
        raise ValidationError({"reminder_minutes": error.messages}) from error
    with network_scope(network), transaction.atomic():
        row, _created = MeetingSettings.objects.select_for_update().get_or_create(network=network)
        row.secretariat_email = secretariat_email
        row.reminder_minutes = ", ".join(str(minutes) for minutes in reminders)
        row.save()
    return row


def _circulate(
    meeting: Meeting, *, by: User, update: bool, only: list[Participant] | None = None
) -> Circulation:
    """The agenda mail with the calendar invitation to every participant (or to `only`
    these, invited after it went out). Cancelled: the calendar's cancellation to everyone
    invited, whenever they were added."""
    network = meeting.network
    items = list(_items(meeting))
    participants = (
        only
        if only is not None
        else list(Participant.objects.filter(meeting=meeting).select_related("user").order_by("pk"))
    )
    if not participants:
        raise ValidationError(_("The meeting has no participants to send the agenda to."))
    chairs = (
        Membership.objects.active().filter(role=Role.CO_CHAIR).values_list("user_id", flat=True)
    )
    if only is None:
        meeting.calendar_fingerprint = ics.material_fingerprint(meeting)
        meeting.save(update_fields=["calendar_fingerprint"])
    attachments = [
        File(
            "meeting.ics",
            "text/calendar; method=%s; charset=utf-8"
            % ("CANCEL" if meeting.is_cancelled else "REQUEST"),
            ics.invitation(
                meeting,
                network,
                timetable(meeting, items),
                participants,
                meeting_settings=meeting_settings_of(network),
                chairs=set(chairs),
            ),
        )
    ]
    pack_url = ""
    if not meeting.is_cancelled:
        # The pack is linked, never attached (it holds internal documents): the version
        # that shows the meeting as it is sent, built after the commit if it is not yet.
        from meetings.pack import pack_for_circulation

        pack = pack_for_circulation(meeting)
        pack_url = settings.PORTAL_BASE_URL.rstrip("/") + reverse(
            "meetings:pack-pdf",
            kwargs={"network": network.slug, "meeting_id": meeting.pk, "number": pack.number},
        )

    def agenda_in(language: str) -> list[File]:
        # Each participant gets the agenda PDF in their own language.
        if meeting.is_cancelled:
            return []
        return [
            File("agenda.pdf", "application/pdf", agenda_pdf(meeting, items, language=language))
        ]

    return circulation_create(
        network=network,
        kind=Circulation.Kind.AGENDA,
        sender=by,
        recipients=[Recipient.of(participant.user) for participant in participants],
        template="agenda",
        context={
            "meeting": meeting,
            "items": items,
            "timetable": timetable(meeting, items),
            "update": update,
            "cancelled": meeting.is_cancelled,
            "pack_url": pack_url,
        },
        about=meeting,
        link=_meeting_link(meeting, network),
        attachments=attachments,
        attachments_in=agenda_in,
    )


# The day-before reminder -----------------------------------------------------------------

REMINDER_AHEAD = timedelta(days=1)
# Who is reminded: those who attend and those who have not answered (a colleague sent in
# one's place is a participant of their own, so they are reminded while they have not
# answered or once they attend).
REMINDED_ANSWERS = (Participant.Answer.ACCEPTED, Participant.Answer.PENDING)
# A person who reads optional mail as a daily digest gets the reminder in it when that digest
# leaves at least this long before the start; otherwise the reminder goes at once.
REMINDER_DIGEST_MARGIN = timedelta(hours=2)


def meeting_remind(*, meeting: Meeting, now: datetime | None = None) -> Circulation | None:
    """The system, one day before: the reminder to the meeting's attending and unanswered
    participants, each in their language, once. A cancelled meeting, one already reminded or
    one not starting within REMINDER_AHEAD is left alone (None). The meeting is recorded as
    reminded even when nobody is left to remind."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().select_related("network").get(pk=meeting.pk)
        if (
            locked.is_cancelled
            or locked.reminded_at is not None
            or not now < locked.starts_at <= now + REMINDER_AHEAD
        ):
            return None
        locked.reminded_at = now
        locked.save(update_fields=["reminded_at"])
        people = [
            participant.user
            for participant in Participant.objects.filter(
                meeting=locked, answer__in=REMINDED_ANSWERS, user__is_active=True
            )
            .select_related("user")
            .order_by("pk")
        ]
        if not people:
            return None
        network = locked.network
        return circulation_create(
            network=network,
            kind=Circulation.Kind.REMINDER,
            sender=None,
            recipients=[Recipient.of(person) for person in people],
            template="meeting_reminder",
            context={"meeting": locked},
            about=locked,
            link=_meeting_link(locked, network),
            digest_until=locked.starts_at - REMINDER_DIGEST_MARGIN,
        )


# Calendar subscription --------------------------------------------------------------------


def hash_feed_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_create(*, user: User) -> str:
    """The person: a new subscription link (any earlier one stops working). Returns the
    secret, shown once."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        CalendarFeed.objects.create(user=user, token_hash=hash_feed_token(token))
    return token


def calendar_feed_revoke(*, user: User) -> int:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


# Minutes ----------------------------------------------------------------------------------


def _locked_minutes(minutes: Minutes) -> Minutes:
    return Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)


def _check_version(minutes: Minutes, version: int | None) -> None:
    if version is not None and minutes.version != version:
        raise ValidationError(
            _(
                "Someone else changed these minutes while you were editing them. Your text "
                "is still in the form: compare it with the minutes and save again."
            ),
            code="stale",
        )


def _require_minutes_draft(minutes: Minutes, by: User) -> None:
    flows.MINUTES.require(minutes, "edit", actor_of(by, minutes.network))


def _touch(minutes: Minutes) -> None:
    minutes.version += 1
    minutes.save(update_fields=["version", "updated_at"])


def minutes_start(*, meeting: Meeting, by: User) -> Minutes:
    """Secretariat: the draft minutes, with one attendance row per participant, filled in
    from the answers — present when they said they attend or were sent by a colleague in
    their place, excused when they declined or sent someone, absent otherwise (no answer,
    "maybe") — and one item per agenda item."""
    with transaction.atomic():
        locked = _locked(meeting)
        if locked.is_cancelled:
            raise ValidationError(_("This meeting is cancelled; it has no minutes."))
        if Minutes.objects.filter(meeting=locked).exists():
            raise ValidationError(_("The minutes of this meeting are already started."))
        if locked.starts_at > timezone.now():
            raise ValidationError(_("The minutes can be written once the meeting has started."))
        minutes = Minutes.objects.create(network=locked.network, meeting=locked)
        participants = list(Participant.objects.filter(meeting=locked))
        sent = {p.delegate_id for p in participants if p.answer == Participant.Answer.DELEGATED}
        Attendance.objects.bulk_create(
            Attendance(
                network=locked.network,
                minutes=minutes,
                user_id=participant.user_id,
                organisation_id=participant.organisation_id,
                status=Attendance.Status.PRESENT
                if participant.answer == Participant.Answer.ACCEPTED
                or (
                    participant.user_id in sent
                    and participant.answer
                    in (Participant.Answer.PENDING, Participant.Answer.TENTATIVE)
                )
                else Attendance.Status.EXCUSED
                if participant.answer in (Participant.Answer.DECLINED, Participant.Answer.DELEGATED)
                else Attendance.Status.ABSENT,
            )
            for participant in participants
        )
        MinutesItem.objects.bulk_create(
            MinutesItem(
                network=locked.network,
                minutes=minutes,
                agenda_item=item,
                position=position,
                title=item.title,
            )
            for position, item in enumerate(_items(locked), start=1)
        )
    return minutes


def attendance_save(
    *,
    minutes: Minutes,
    by: User,
    version: int | None,
    statuses: dict[int, str],
    guests: list[dict[str, str]] | None = None,
) -> Minutes:
    """Secretariat: who was present, excused or absent ({user id: status}), and, when
    `guests` is given ([{"name", "organisation"}]), the guests, replacing the earlier ones."""
    if any(status not in Attendance.Status.values for status in statuses.values()):
        raise ValidationError(_("Choose present, excused or absent for each person."))
    cleaned_guests = []
    for guest in guests or []:
        name = str(guest.get("name", "")).strip()
        organisation = str(guest.get("organisation", "")).strip()
        if not name:
            raise ValidationError({"guests": _("Give the guest's name.")})
        if len(name) > 200 or len(organisation) > 200:
            raise ValidationError({"guests": _("Keep a guest's name and organisation short.")})
        cleaned_guests.append((name, organisation))
    with transaction.atomic():
        locked = _locked_minutes(minutes)
        _require_minutes_draft(locked, by)
        _check_version(locked, version)
        rows = {row.user_id: row for row in Attendance.objects.filter(minutes=locked)}
        unknown = set(statuses) - set(rows)
        if unknown:
            raise ValidationError(_("Some of these people are not on the attendance list."))
        changed = [
            rows[user_id] for user_id, status in statuses.items() if rows[user_id].status != status
        ]
        for row in changed:
            row.status = statuses[row.user_id]
        Attendance.objects.bulk_update(changed, ["status"])
        if guests is not None:
            AttendanceGuest.objects.filter(minutes=locked).delete()
            AttendanceGuest.objects.bulk_create(
                AttendanceGuest(
                    network=locked.network,
                    minutes=locked,
                    position=position,
                    name=name,
                    organisation=organisation,
                )
                for position, (name, organisation) in enumerate(cleaned_guests, start=1)
            )
        _touch(locked)
    return locked


def minutes_item_save(
    *,
    item: MinutesItem,
    by: User,
    version: int | None,
    summary: str,
    decisions: str,
    action_points: list[dict[str, Any]],
) -> MinutesItem:
    """Secretariat: one item's summary, decisions (one per line) and action points
    ([{"text", "owner_organisation", "due_date"}], replacing the item's earlier ones)."""
    for point in action_points:
        if not str(point.get("text", "")).strip():
            raise ValidationError(_("Describe each action point."))
        if point.get("owner_organisation") is None or point.get("due_date") is None:
            raise ValidationError(_("Give each action point an owner organisation and a due date."))
    with transaction.atomic():
        locked = _locked_minutes(item.minutes)
        _require_minutes_draft(locked, by)
        _check_version(locked, version)
        item.summary = summary.strip()
        item.decisions = "\n".join(line.strip() for line in decisions.splitlines() if line.strip())
        item.save(update_fields=["summary", "decisions"])
        MinutesActionPoint.objects.filter(item=item).delete()
        MinutesActionPoint.objects.bulk_create(
            MinutesActionPoint(
                network=locked.network,
                item=item,
                position=position,
                text=point["text"].strip(),
                owner_organisation=point["owner_organisation"],
                due_date=point["due_date"],
            )
            for position, point in enumerate(action_points, start=1)
        )
        _touch(locked)
    return item


def minutes_content(minutes: Minutes) -> dict[str, Any]:
    """The draft as a plain, ordered record: what a version stores and its hash covers."""
    meeting = minutes.meeting
    network = meeting.network
    attendance = list(
        Attendance.objects.filter(minutes=minutes).select_related("user", "organisation")
    )
    present = {row.organisation_id for row in attendance if row.status == Attendance.Status.PRESENT}
    items = list(
        MinutesItem.objects.filter(minutes=minutes).prefetch_related(
            Prefetch(
                "action_points",
                queryset=MinutesActionPoint.objects.select_related("owner_organisation"),
            )
        )
    )
    return {
        "meeting": {
            "title": meeting.title,
            "kind": meeting.kind,
            "starts_at": meeting.starts_at.isoformat(),
            "ends_at": meeting.ends_at.isoformat(),
            "time_zone": network.time_zone,
            "location": meeting.location,
            "online_url": meeting.online_url,
        },
        "attendance": [
            {
                "email": row.user.email,
                "name": row.user.get_full_name(),
                "organisation": row.organisation.display_name if row.organisation else "",
                "status": row.status,
            }
            for row in attendance
        ],
        "guests": [
            {"name": guest.name, "organisation": guest.organisation}
            for guest in AttendanceGuest.objects.filter(minutes=minutes)
        ],
        "representation": representation(present),
        "items": [
            {
                "title": item.title,
                "summary": item.summary,
                "decisions": item.decision_lines(),
                "action_points": [
                    {
                        "text": point.text,
                        "owner": point.owner_organisation.display_name,
                        "due_date": point.due_date.isoformat(),
                    }
                    for point in item.action_points.all()
                ],
            }
            for item in items
        ],
        "correction_reason": minutes.correction_reason,
    }


def content_hash(content: dict[str, Any]) -> str:
    """The SHA-256 co-chairs sign (the shared workflow's canonical hash)."""
    return workflow_content_hash(content)


def minutes_pdf(
    meeting: Meeting,
    content: dict[str, Any],
    number: int,
    *,
    approval_record: list[dict[str, Any]] | None = None,
    content_sha256: str = "",
    language: str | None = None,
) -> bytes:
    """The minutes as PDF; an approved version's prints its approval record (who signed,
    as what, for which organisation, when in UTC and in the network's time) and its hash.
    In `language`, by default the active one: the submitted and the approved version's PDF
    are in the language of the person who submits or gives the last approval."""
    return render_pdf(
        "meetings/minutes_pdf.html",
        {
            "meeting": meeting,
            "content": content,
            "number": number,
            "statuses": dict(Attendance.Status.choices),
            "approval_record": approval_record,
            "content_sha256": content_sha256,
        },
        network=meeting.network,
        language=language,
    )


def minutes_submit(
    *,
    minutes: Minutes,
    by: User,
    version: int | None = None,
    comment_deadline: datetime | None = None,
) -> MinutesVersion:
    """Secretariat: the draft becomes a version — content, PDF and their hashes — for the
    co-chairs to approve; with a deadline, attendees may comment until then."""
    with transaction.atomic():
        locked = _locked_minutes(minutes)
        flows.MINUTES.require(locked, "submit", actor_of(by, locked.network))
        _check_version(locked, version)
        content = minutes_content(locked)
        if not any(item["summary"] or item["decisions"] for item in content["items"]):
            raise ValidationError(
                _("The minutes are empty: write what was discussed or decided first.")
            )
        if comment_deadline is not None and comment_deadline <= timezone.now():
            raise ValidationError({"comment_deadline": _("Give a deadline in the future.")})
        previous = MinutesVersion.objects.filter(minutes=locked).order_by("-number").first()
        if (
            previous is not None
            and previous.approved_at is not None
            and not locked.correction_reason
        ):
            raise ValidationError(_("Give the reason for the correction."))
        number = (previous.number if previous else 0) + 1
        pdf = minutes_pdf(locked.meeting, content, number)
        submitted = MinutesVersion.objects.create(
            network=locked.network,
            minutes=locked,
            number=number,
            content=content,
            pdf=pdf,
            content_sha256=content_hash(content),
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            reason=locked.correction_reason,
            submitted_by=by,
            submitted_at=timezone.now(),
        )
        locked.status = Minutes.Status.SUBMITTED
        locked.comment_deadline = comment_deadline
        locked.returned_note = ""
        locked.version += 1
        locked.save()
    return submitted


def _pending_version(minutes: Minutes) -> MinutesVersion:
    pending = (
        MinutesVersion.objects.select_for_update()
        .filter(minutes=minutes, approved_at__isnull=True, returned_at__isnull=True)
        .order_by("-number")
        .first()
    )
    if pending is None:
        raise Refusal(
            _("Only submitted minutes can be approved or returned."), code=Refusal.WRONG_STATE
        )
    return pending


def co_chairs_rule_met(*, network: Network, approved_by: set[int], kind: str = "minutes") -> bool:
    """The network's sign-off rule for `kind` (networks.signoff): any one co-chair, or every
    co-chair in office now."""
    return signoff.signoff_of(network, kind, approved_by).complete


def minutes_signoff(version: MinutesVersion) -> Signoff:
    """Where the approval of a submitted version stands: who signed, who is awaited."""
    signed = MinutesApproval.objects.filter(version=version).values_list("co_chair_id", flat=True)
    return signoff.signoff_of(version.network, "minutes", signed)


def approval_record(approvals: Iterable[MinutesApproval], network: Network) -> list[dict[str, str]]:
    """Each approval as the approved minutes' PDF prints it (the approval record)."""
    return signoff.approval_record(network, list(approvals), at="approved_at")


def minutes_approve(*, minutes: Minutes, by: User, content_sha256: str) -> MinutesVersion:
    """A co-chair approves the submitted version whose hash they saw, once. Under the
    network's rule for minutes (every co-chair in office by default, or any one) the last
    approval freezes it — its PDF now printing the approval record — and circulates it. A
    stale hash or a second approval is refused and records nothing. Not the person who submitted
    the version (separation of duties)."""
    with transaction.atomic():
        locked = _locked_minutes(minutes)
        flows.MINUTES.require(locked, "approve", actor_of(by, locked.network))
        pending = _pending_version(locked)
        if pending.submitted_by_id == by.pk:
            raise Refusal(
                _(
                    "You submitted these minutes: another co-chair approves them, or returns "
                    "them for the secretariat to submit again."
                ),
                code=Refusal.NOT_ALLOWED,
            )
        check_signature(
            current_sha256=pending.content_sha256,
            seen_sha256=content_sha256,
            signer_id=by.pk,
            signed=MinutesApproval.objects.filter(version=pending).values_list(
                "co_chair_id", flat=True
            ),
            stale_message=_(
                "These minutes changed since you opened them: read the current version "
                "and approve again."
            ),
        )
        now = timezone.now()
        MinutesApproval.objects.create(
            network=locked.network,
            version=pending,
            co_chair=by,
            approved_at=now,
            content_sha256=pending.content_sha256,
        )
        if minutes_signoff(pending).complete:
            approvals = list(
                MinutesApproval.objects.filter(version=pending).select_related("co_chair")
            )
            pdf = minutes_pdf(
                locked.meeting,
                pending.content,
                pending.number,
                approval_record=approval_record(approvals, locked.network),
                content_sha256=pending.content_sha256,
            )
            # One save while the stored row is not yet approved: after it, it is frozen.
            pending.pdf = pdf
            pending.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
            pending.approved_at = now
            pending.save(update_fields=["pdf", "pdf_sha256", "approved_at"])
            locked.status = Minutes.Status.APPROVED
            locked.correction_reason = ""
            locked.comment_deadline = None
            locked.version += 1
            locked.save()
            _circulate_minutes(locked, pending, by=by)
            signals.minutes_approved.send(sender=MinutesVersion, minutes_version=pending)
    return pending


def minutes_return(*, minutes: Minutes, by: User, note: str) -> Minutes:
    """A co-chair sends the submitted minutes back to the secretariat with comments."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say what should change.")})
    with transaction.atomic():
        locked = _locked_minutes(minutes)
        flows.MINUTES.require(locked, "return", actor_of(by, locked.network))
        pending = _pending_version(locked)
        pending.returned_at = timezone.now()
        pending.returned_by = by
        pending.return_note = note
        pending.save(update_fields=["returned_at", "returned_by", "return_note"])
        locked.status = Minutes.Status.DRAFT
        locked.returned_note = note
        locked.comment_deadline = None
        locked.version += 1
        locked.save()
    return locked


def minutes_comment(*, minutes: Minutes, by: User, text: str) -> MinutesComment:
    """An attendee comments on the submitted version until the comment deadline."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write your comment.")})
    with transaction.atomic():
        locked = _locked_minutes(minutes)
        if locked.status != Minutes.Status.SUBMITTED or locked.comment_deadline is None:
            raise ValidationError(_("These minutes are not open for comments."))
        if locked.comment_deadline <= timezone.now():
            raise ValidationError(_("The comment period has ended."))
        if not Attendance.objects.filter(minutes=locked, user=by).exists():
            raise ValidationError(_("Only the meeting's participants comment on its minutes."))
        pending = _pending_version(locked)
        return MinutesComment.objects.create(
            network=locked.network, version=pending, author=by, text=text[:5000]
        )


def minutes_correct(*, minutes: Minutes, by: User, reason: str) -> Minutes:
    """Secretariat: approved minutes become a draft again for a correction; the approved
    version stays as it is, and the correction is a new version that needs approval."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    with transaction.atomic():
        locked = _locked_minutes(minutes)
        flows.MINUTES.require(locked, "correct", actor_of(by, locked.network))
        locked.status = Minutes.Status.DRAFT
        locked.correction_reason = reason[:500]
        locked.version += 1
        locked.save()
    return locked


def _circulate_minutes(minutes: Minutes, version: MinutesVersion, *, by: User) -> Circulation:
    meeting = minutes.meeting
    network = meeting.network
    participants = list(
        Participant.objects.filter(meeting=meeting).select_related("user").order_by("pk")
    )
    return circulation_create(
        network=network,
        kind=Circulation.Kind.MINUTES,
        sender=by,
        recipients=[Recipient.of(participant.user) for participant in participants],
        template="minutes",
        context={
            "meeting": meeting,
            "version": version,
            "correction": version.number > 1 and bool(version.reason),
        },
        about=version,
        link=_meeting_link(meeting, network, "minutes"),
    )
