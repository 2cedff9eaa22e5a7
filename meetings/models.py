"""Meetings of a network, who takes part and answers, and their agendas.

A meeting's agenda moves draft → submitted → approved (by a co-chair) → circulated. Items
change only while it is a draft; the secretariat reopens it to change a circulated agenda,
and the next circulation goes out as an update of the same calendar event (same UID,
SEQUENCE raised).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from networks.scoping import NetworkOwned, NetworkScopedManager
from workflow.frozen import FrozenQuerySet, FrozenVersion


class Meeting(NetworkOwned):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular meeting")
        EXTENDED = "extended", _("Extended meeting")
        ANNUAL = "annual", _("Annual network meeting")
        WORKING_GROUP = "working_group", _("Working-group meeting")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    class AgendaStatus(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted to the co-chairs")
        # A status agrees with its noun in Russian (повестка утверждена, протокол утверждён).
        APPROVED = "approved", pgettext_lazy("agenda status", "Approved")
        CIRCULATED = "circulated", _("Circulated")

    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.REGULAR)
    title = models.CharField(_("title"), max_length=200)
    working_group = models.ForeignKey(
        "networks.WorkingGroup",
        verbose_name=_("working group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)

    agenda_status = models.CharField(
        _("agenda"), max_length=12, choices=AgendaStatus.choices, default=AgendaStatus.DRAFT
    )
    agenda_note = models.TextField(_("co-chair's comment"), blank=True)
    agenda_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agenda_approved_at = models.DateTimeField(null=True, blank=True)
    agenda_circulated_at = models.DateTimeField(null=True, blank=True)
    # When the day-before reminder went out (meetings.tasks.remind_upcoming_meetings): once.
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    # The calendar event (RFC 5545): one UID for the meeting's life; SEQUENCE goes up with
    # every circulated change, so calendars replace the event rather than add one.
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # The time, place and link the last invitation carried (meetings.ics.material_fingerprint):
    # SEQUENCE rises only when a circulation changes them. Empty until first circulated.
    calendar_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # Bumped by every saved change; a form based on an older value is refused (two editors).
    version = models.PositiveIntegerField(default=1, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("meeting")
        indexes = [models.Index(fields=["network", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
        if self.kind == self.Kind.WORKING_GROUP and self.working_group_id is None:
            raise ValidationError({"working_group": _("Choose the working group that meets.")})

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def agenda_is_draft(self) -> bool:
        return self.agenda_status == self.AgendaStatus.DRAFT

    @property
    def agenda_is_final(self) -> bool:
        """Approved by the co-chairs (and perhaps circulated): what everyone invited reads.
        Before that only `agendas.draft_view` reads it (meetings.selectors.agenda_shown)."""
        return self.agenda_status in (self.AgendaStatus.APPROVED, self.AgendaStatus.CIRCULATED)


class Participant(NetworkOwned):
    """A person expected at a meeting, and their answer."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        ACCEPTED = "accepted", _("Attends")
        TENTATIVE = "tentative", _("Maybe")
        DECLINED = "declined", _("Does not attend")
        DELEGATED = "delegated", _("Sends a colleague")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_invitations"
    )
    organisation = models.ForeignKey(
        "networks.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Invited for this meeting (e.g. an external participant of an extended meeting), rather
    # than expected as a focal point.
    invited = models.BooleanField(default=False)
    answer = models.CharField(
        _("answer"), max_length=10, choices=Answer.choices, default=Answer.PENDING
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("colleague attending instead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A colleague without a role in the network, invited to attend in this person's place:
    # `delegate` once they accept (meetings.services.colleague_joined).
    delegate_invitation = models.ForeignKey(
        "networks.Invitation",
        verbose_name=_("colleague invited to attend instead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # What the person wrote with an answer from their calendar (Outlook, Gmail, Apple).
    answer_comment = models.CharField(_("comment"), max_length=1000, blank=True)

    class Meta:
        ordering = ["user__full_name", "user__email"]
        verbose_name = _("participant")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_participant_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_answer_display()}"


class AgendaItem(NetworkOwned):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    presenter_organisation = models.ForeignKey(
        "networks.Organisation",
        verbose_name=_("presenting organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("presenter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=15)
    # A break (coffee, lunch) takes its time in the timetable and is not numbered.
    is_break = models.BooleanField(_("break"), default=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("agenda item")

    def __str__(self) -> str:
        return self.title


class AgendaApproval(NetworkOwned):
    """One co-chair's approval of the agenda as submitted. Returning or reopening the agenda
    withdraws the approvals of that round (kept, dated), so the next round starts afresh."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_approvals")
    co_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["approved_at", "pk"]
        verbose_name = _("approval of an agenda")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "co_chair"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_standing_agenda_approval_per_co_chair",
            )
        ]


def parse_reminders(value: str) -> tuple[int, ...]:
    """ "1440, 15" → (1440, 15): minutes before the start, each from 0 to four weeks."""
    minutes: list[int] = []
    for part in str(value).replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or len(part) > 6 or int(part) > 4 * 7 * 24 * 60:
            raise ValidationError(
                _("Give the reminders as minutes before the start, e.g. “1440, 15”.")
            )
        if int(part) not in minutes:
            minutes.append(int(part))
    if len(minutes) > 5:
        raise ValidationError(_("Give at most five reminders."))
    return tuple(sorted(minutes, reverse=True))


class MeetingSettings(NetworkOwned):
    """How a network's invitations read: the secretariat's address (the organiser calendars
    answer to) and the reminders a calendar shows before each meeting."""

    secretariat_email = models.EmailField(
        _("secretariat's address"),
        blank=True,
        help_text=_(
            "The organiser of every invitation; the calendars' answers go here. Empty: the "
            "portal's own address."
        ),
    )
    reminder_minutes = models.CharField(
        _("reminders (minutes before the start)"),
        max_length=60,
        default="1440, 15",
        blank=True,
        help_text=_("Comma-separated, e.g. “1440, 15” for a day and a quarter of an hour."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting settings")
        verbose_name_plural = _("meeting settings")
        constraints = [
            models.UniqueConstraint(fields=["network"], name="one_meeting_settings_per_network")
        ]

    def __str__(self) -> str:
        return self.secretariat_email or "—"

    def clean(self) -> None:
        parse_reminders(self.reminder_minutes)

    def reminders(self) -> tuple[int, ...]:
        try:
            return parse_reminders(self.reminder_minutes)
        except ValidationError:
            return (24 * 60, 15)


class CalendarReply(NetworkOwned):
    """One calendar answer (METHOD:REPLY) read from the portal's mailbox, and what came of
    it: applied to the person's answer, or ignored with the reason. Recorded once per
    message (its Message-ID), so reading the mailbox twice changes nothing. A reply naming
    no meeting of the portal has no network: it is kept for the operators and shown to
    no network."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        IGNORED = "ignored", _("Ignored")

    class Reason(models.TextChoices):
        NONE = "", _("—")
        MALFORMED = "malformed", _("The calendar part could not be read")
        NOT_A_REPLY = "not_a_reply", _("Not a calendar answer")
        UNKNOWN_MEETING = "unknown_meeting", _("No such meeting")
        CANCELLED = "cancelled", _("The meeting is cancelled")
        NOT_INVITED = "not_invited", _("The address is not invited to this meeting")
        UNKNOWN_ANSWER = "unknown_answer", _("An answer the portal does not take")
        OLDER = "older", _("Older than the person's latest answer")

    # Null for a reply that names no meeting of the portal (kept, shown to no network).
    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    message_id = models.CharField(max_length=300, unique=True)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sender = models.CharField(_("from"), max_length=320, blank=True)
    attendee = models.CharField(_("attendee"), max_length=320, blank=True)
    client = models.CharField(_("calendar"), max_length=200, blank=True)
    partstat = models.CharField(_("answer given"), max_length=40, blank=True)
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    reason = models.CharField(
        _("reason"), max_length=20, choices=Reason.choices, blank=True, default=""
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("calendar reply")
        indexes = [models.Index(fields=["network", "received_at"])]

    def __str__(self) -> str:
        return f"{self.attendee or self.sender} — {self.get_outcome_display()}"


class CalendarFeed(models.Model):
    """A person's calendar subscription: every meeting of theirs, across networks, behind a
    secret link. Only the hash of the secret is kept; revoking ends the link."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")

    def __str__(self) -> str:
        return f"{self.user} — {self.created_at:%Y-%m-%d}"


# Minutes ----------------------------------------------------------------------------------


class Minutes(NetworkOwned):
    """The minutes of one meeting: a draft the secretariat edits, and the versions it
    submitted. Draft → submitted (optionally open for attendees' comments until a deadline)
    → approved under the network's rule → circulated; a co-chair may return the draft. An
    approved version never changes: a correction is a new version with a reason."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting the co-chairs' approval")
        APPROVED = "approved", pgettext_lazy("minutes status", "Approved")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Bumped by every saved change of the draft; a form based on an older value is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    comment_deadline = models.DateTimeField(_("comments until"), null=True, blank=True)
    returned_note = models.TextField(_("co-chair's comment"), blank=True)
    correction_reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return str(self.meeting)


class Attendance(NetworkOwned):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "networks.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("attendance"), max_length=8, choices=Status.choices, default=Status.ABSENT
    )

    class Meta:
        ordering = ["organisation__acronym", "user__full_name", "user__email"]
        verbose_name = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["minutes", "user"], name="one_attendance_per_person")
        ]


class AttendanceGuest(NetworkOwned):
    """Someone at the meeting who is not on the participants' list — a guest speaker, a
    ministry's official who came along: recorded by name and organisation as the
    secretariat typed them (no account), in the minutes and their PDF. They do not count
    for the member organisations' representation."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="guests")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("guest at a meeting")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


class MinutesItem(NetworkOwned):
    """What was said and decided on one agenda item."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="items")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary of the discussion"), blank=True)
    decisions = models.TextField(
        _("decisions taken"), blank=True, help_text=_("One decision per line.")
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("minutes item")

    def decision_lines(self) -> list[str]:
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]


class MinutesActionPoint(NetworkOwned):
    item = models.ForeignKey(MinutesItem, on_delete=models.CASCADE, related_name="action_points")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(_("action"), max_length=500)
    owner_organisation = models.ForeignKey(
        "networks.Organisation",
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("due date"))

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("action point")


class MinutesVersion(FrozenVersion, NetworkOwned):
    """What the secretariat submitted, as it was: the content, its PDF and the SHA-256 of
    both. Once approved it is frozen — saving, updating or deleting it raises FrozenError,
    whether through a form, the API or the admin."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    pdf = models.BinaryField()
    content_sha256 = models.CharField(max_length=64)
    pdf_sha256 = models.CharField(max_length=64)
    reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField()
    approved_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    return_note = models.TextField(blank=True)

    frozen_field = "approved_at"
    frozen_message = "An approved version of the minutes cannot change."

    objects = NetworkScopedManager.from_queryset(FrozenQuerySet)()

    class Meta:
        ordering = ["number"]
        verbose_name = _("version of the minutes")
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="one_number_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.minutes} v{self.number}"


class MinutesApproval(NetworkOwned):
    """One co-chair's approval of one version: who, when (UTC) and the hash they approved."""

    version = models.ForeignKey(MinutesVersion, on_delete=models.PROTECT, related_name="approvals")
    co_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField()
    content_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["approved_at"]
        verbose_name = _("approval")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "co_chair"], name="one_approval_per_co_chair"
            )
        ]


class MinutesComment(NetworkOwned):
    """An attendee's comment on a submitted version, during the comment period; seen by the
    secretariat and the co-chairs."""

    version = models.ForeignKey(MinutesVersion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment on the minutes")


def pack_path(instance: MeetingPack, filename: str) -> str:
    # A random name under the network: a pack has no URL, its download view checks the right.
    return f"meeting-packs/{instance.network_id}/{uuid.uuid4().hex}.pdf"


class MeetingPack(NetworkOwned):
    """One build of a meeting's pack: the cover, the agenda with its times and every linked
    document each recipient may open, in agenda order, as one PDF (meetings/pack.py). Each
    build is a version of its own, kept with the SHA-256 of its file, so the agenda mail
    links the exact pack it sent; a change to the agenda or a linked document builds the
    next version."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be built")
        BUILDING = "building", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="packs")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Progress while building: parts done of parts to do (the cover, each document).
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.CharField(_("reason"), max_length=500, blank=True)
    file = models.FileField(upload_to=pack_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    # The SHA-256 of what went in (meeting, agenda, document versions, recipients): a build
    # whose sources did not change since the last ready pack adds no version.
    sources_sha256 = models.CharField(max_length=64, blank=True)
    # What the pack holds: [{"document", "title", "item", "state": included|withheld|linked}].
    contents = models.JSONField(default=list, blank=True)
    # A mail links this version (meetings.pack.pack_for_circulation): it is never dropped,
    # even when its build finds nothing changed since the last ready pack.
    linked = models.BooleanField(default=False)
    requested_at = models.DateTimeField(auto_now_add=True)
    built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("meeting pack")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="one_number_per_pack")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} — pack v{self.number}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.BUILDING)
