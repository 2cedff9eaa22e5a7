"""Writes on meetings, their participants and agendas.

Each service is keyword-only, runs in one transaction on the locked meeting row, and says
who may call it; the view that calls it has already checked the action in networks.roles.
A transition that does not apply to the meeting's state is a ValidationError and changes
nothing.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from circulation.models import Circulation
from circulation.services import File, Recipient, circulation_create
from meetings import ics
from meetings.models import AgendaItem, CalendarFeed, Meeting, Participant
from networks.models import Membership, Network, WorkingGroupMember
from networks.pdf import render_pdf
from networks.roles import Role
from networks.scoping import network_scope

# Changing these on a circulated agenda sends the calendar update.
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "location", "online_url")
EDITABLE_FIELDS = ("kind", "working_group", "title", *CALENDAR_FIELDS[1:])
DEFAULT_ROLES = (Role.SECRETARIAT, Role.CO_CHAIR, Role.MEMBER)


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _check_times(starts_at, ends_at) -> None:
    if starts_at is None or ends_at is None:
        raise ValidationError({"starts_at": _("Give the start and the end of the meeting.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})


def _check_kind(kind: str, working_group) -> None:
    if kind not in Meeting.Kind.values:
        raise ValidationError({"kind": _("Choose a type of meeting.")})
    if kind == Meeting.Kind.WORKING_GROUP and working_group is None:
        raise ValidationError({"working_group": _("Choose the working group that meets.")})


def _default_people(network: Network, kind: str, working_group) -> dict[int, int | None]:
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
    by,
    kind: str,
    title: str,
    starts_at,
    ends_at,
    location: str = "",
    online_url: str = "",
    working_group=None,
) -> Meeting:
    """Secretariat. The meeting with its expected participants; its agenda is a draft."""
    _check_kind(kind, working_group)
    _check_times(starts_at, ends_at)
    if not title.strip():
        raise ValidationError({"title": _("Give the meeting a title.")})
    with network_scope(network), transaction.atomic():
        meeting = Meeting.objects.create(
            network=network,
            kind=kind,
            title=title.strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            location=location.strip(),
            online_url=online_url.strip(),
            working_group=working_group if kind == Meeting.Kind.WORKING_GROUP else None,
            created_by=by,
        )
        Participant.objects.bulk_create(
            Participant(network=network, meeting=meeting, user_id=user_id, organisation_id=org_id)
            for user_id, org_id in _default_people(network, kind, meeting.working_group).items()
        )
    return meeting


def meeting_update(*, meeting: Meeting, by, version: int, **changes) -> Meeting:
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
        calendar_changed = any(merged[field] != getattr(locked, field) for field in CALENDAR_FIELDS)
        for field, value in merged.items():
            setattr(locked, field, value)
        if locked.kind != Meeting.Kind.WORKING_GROUP:
            locked.working_group = None
        locked.version += 1
        locked.save()
        if calendar_changed and locked.agenda_status == Meeting.AgendaStatus.CIRCULATED:
            locked.sequence += 1
            locked.save(update_fields=["sequence"])
            _circulate(locked, by=by, update=True)
    return locked


def meeting_cancel(*, meeting: Meeting, by, reason: str) -> Meeting:
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


def participant_invite(*, meeting: Meeting, by, user) -> Participant:
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
    return participant


def rsvp(*, meeting: Meeting, user, answer: str, delegate=None) -> Participant:
    """A participant answers; sending a colleague needs one of the same organisation in this
    network, who then becomes a participant too."""
    if answer not in Participant.Answer.values or answer == Participant.Answer.PENDING:
        raise ValidationError({"answer": _("Choose your answer.")})
    with transaction.atomic():
        locked = _locked(meeting)
        if locked.is_cancelled:
            raise ValidationError(_("This meeting is cancelled."))
        participant = Participant.objects.filter(meeting=locked, user=user).first()
        if participant is None:
            raise ValidationError(_("You are not a participant of this meeting."))
        if answer == Participant.Answer.DELEGATED:
            if delegate is None or delegate.pk == user.pk:
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
            Participant.objects.get_or_create(
                meeting=locked,
                user=delegate,
                defaults={
                    "network": locked.network,
                    "organisation_id": participant.organisation_id,
                    "invited": True,
                },
            )
        else:
            delegate = None
        participant.answer = answer
        participant.delegate = delegate
        participant.answered_at = timezone.now()
        participant.save(update_fields=["answer", "delegate", "answered_at"])
    return participant


# Agenda ---------------------------------------------------------------------------------


def _require_draft(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting is cancelled; it can no longer be changed."))
    if meeting.agenda_status != Meeting.AgendaStatus.DRAFT:
        raise ValidationError(
            _("The agenda is %(status)s: reopen it as a draft to change it.")
            % {"status": meeting.get_agenda_status_display().lower()}
        )


def _check_item(fields: dict) -> None:
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


def agenda_item_save(*, meeting: Meeting, by, item: AgendaItem | None = None, **fields):
    """Secretariat, while the agenda is a draft: add an item at the end, or change one."""
    _check_item(fields)
    with transaction.atomic():
        locked = _locked(meeting)
        _require_draft(locked)
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
        item.save()
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
    return item


def agenda_item_delete(*, item: AgendaItem, by) -> None:
    with transaction.atomic():
        locked = _locked(item.meeting)
        _require_draft(locked)
        AgendaItem.objects.filter(pk=item.pk).delete()
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])


def agenda_item_move(*, item: AgendaItem, by, up: bool) -> None:
    """Swap the item with its neighbour above (or below)."""
    with transaction.atomic():
        locked = _locked(item.meeting)
        _require_draft(locked)
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


def agenda_submit(*, meeting: Meeting, by) -> Meeting:
    """Secretariat: the draft goes to the co-chairs for approval."""
    with transaction.atomic():
        locked = _locked(meeting)
        _require_draft(locked)
        if not AgendaItem.objects.filter(meeting=locked).exists():
            raise ValidationError(_("Add at least one item before submitting the agenda."))
        locked.agenda_status = Meeting.AgendaStatus.SUBMITTED
        locked.agenda_note = ""
        locked.version += 1
        locked.save()
    return locked


def _require_submitted(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting is cancelled; it can no longer be changed."))
    if meeting.agenda_status != Meeting.AgendaStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted agenda can be approved or returned."))


def agenda_approve(*, meeting: Meeting, by) -> Meeting:
    """A co-chair approves the submitted agenda; the secretariat can then circulate it."""
    with transaction.atomic():
        locked = _locked(meeting)
        _require_submitted(locked)
        locked.agenda_status = Meeting.AgendaStatus.APPROVED
        locked.agenda_approved_by = by
        locked.agenda_approved_at = timezone.now()
        locked.version += 1
        locked.save()
    return locked


def agenda_return(*, meeting: Meeting, by, comment: str) -> Meeting:
    """A co-chair sends the submitted agenda back to the secretariat with a comment."""
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": _("Say what should change.")})
    with transaction.atomic():
        locked = _locked(meeting)
        _require_submitted(locked)
        locked.agenda_status = Meeting.AgendaStatus.DRAFT
        locked.agenda_note = comment
        locked.version += 1
        locked.save()
    return locked


def agenda_reopen(*, meeting: Meeting, by) -> Meeting:
    """Secretariat: a submitted, approved or circulated agenda back to draft, to change it.
    It needs approval again; circulating it then sends an update."""
    with transaction.atomic():
        locked = _locked(meeting)
        if locked.is_cancelled:
            raise ValidationError(_("This meeting is cancelled; it can no longer be changed."))
        if locked.agenda_status == Meeting.AgendaStatus.DRAFT:
            raise ValidationError(_("The agenda is already a draft."))
        locked.agenda_status = Meeting.AgendaStatus.DRAFT
        locked.agenda_approved_by = None
        locked.agenda_approved_at = None
        locked.version += 1
        locked.save()
    return locked


def agenda_circulate(*, meeting: Meeting, by) -> Circulation:
    """Secretariat: the approved agenda to every participant, with the calendar invitation
    and the agenda PDF. A meeting circulated before goes out as an update (SEQUENCE up)."""
    with transaction.atomic():
        locked = _locked(meeting)
        if locked.is_cancelled:
            raise ValidationError(_("This meeting is cancelled; it can no longer be changed."))
        if locked.agenda_status != Meeting.AgendaStatus.APPROVED:
            raise ValidationError(_("Only an agenda a co-chair approved can be circulated."))
        update = locked.agenda_circulated_at is not None
        if update:
            locked.sequence += 1
        locked.agenda_status = Meeting.AgendaStatus.CIRCULATED
        locked.agenda_circulated_at = timezone.now()
        locked.version += 1
        locked.save()
        return _circulate(locked, by=by, update=update)


def agenda_pdf(meeting: Meeting, items=None) -> bytes:
    """The agenda as PDF, in the network's first working language."""
    network = meeting.network
    items = list(items if items is not None else _items(meeting))
    language = (network.languages or [settings.LANGUAGE_CODE])[0]
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        return render_pdf(
            "meetings/agenda_pdf.html",
            {
                "network": network,
                "meeting": meeting,
                "items": items,
                "starts": timezone.localtime(meeting.starts_at, network.zone),
                "ends": timezone.localtime(meeting.ends_at, network.zone),
                "generated": timezone.localtime(timezone=network.zone),
            },
        )


def _items(meeting: Meeting):
    return AgendaItem.objects.filter(meeting=meeting).select_related(
        "presenter", "presenter_organisation"
    )


def _circulate(meeting: Meeting, *, by, update: bool) -> Circulation:
    network = meeting.network
    items = list(_items(meeting))
    participants = list(
        Participant.objects.filter(meeting=meeting).select_related("user").order_by("pk")
    )
    if not participants:
        raise ValidationError(_("The meeting has no participants to send the agenda to."))
    attachments = [
        File(
            "meeting.ics",
            "text/calendar; method=%s; charset=utf-8"
            % ("CANCEL" if meeting.is_cancelled else "REQUEST"),
            ics.invitation(meeting, network, items, participants),
        )
    ]
    if not meeting.is_cancelled:
        attachments.append(File("agenda.pdf", "application/pdf", agenda_pdf(meeting, items)))
    return circulation_create(
        network=network,
        kind=Circulation.Kind.AGENDA,
        sender=by,
        recipients=[Recipient.of(participant.user) for participant in participants],
        template="agenda",
        context={
            "meeting": meeting,
            "items": items,
            "update": update,
            "cancelled": meeting.is_cancelled,
            "starts": timezone.localtime(meeting.starts_at, network.zone),
            "ends": timezone.localtime(meeting.ends_at, network.zone),
            "time_zone": network.time_zone,
        },
        about=meeting,
        link=f"/n/{network.slug}/meetings/{meeting.pk}/",
        attachments=attachments,
    )


# Calendar subscription --------------------------------------------------------------------


def hash_feed_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_create(*, user) -> str:
    """The person: a new subscription link (any earlier one stops working). Returns the
    secret, shown once."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        CalendarFeed.objects.create(user=user, token_hash=hash_feed_token(token))
    return token


def calendar_feed_revoke(*, user) -> int:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
