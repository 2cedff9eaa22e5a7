"""The decision register of a network and the written procedures that reach decisions
between meetings.

Decisions are made by consensus after consulting every member organisation. A written
procedure is either a **consultation** (each organisation concurs, objects with a reason or
abstains, and may change its position until the deadline) or a **silence procedure**
(adopted at the deadline unless an organisation breaks silence, with a reason). Positions
are per organisation, never per person: the database keeps one current position per
organisation and procedure, and every change in the history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from networks.scoping import NetworkOwned, NetworkScopedManager
from workflow.frozen import FrozenQuerySet, FrozenVersion


class Decision(NetworkOwned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONSULTATION = "consultation", _("In consultation")
        ADOPTED = "adopted", _("Adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SUPERSEDED = "superseded", _("Superseded")

    # <CODE>-<YEAR>-<NNN>, given at adoption: gap-free per network and year (DecisionCounter).
    number = models.CharField(_("number"), max_length=24, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    concerns_state = models.BooleanField(
        _("concerns the state"),
        default=False,
        help_text=_("The national authority's position must be on record before adoption."),
    )
    gcm_objectives = models.ManyToManyField(
        "reference.GCMObjective", verbose_name=_("GCM objectives"), blank=True, related_name="+"
    )
    minutes_item = models.ForeignKey(
        "meetings.MinutesItem",
        verbose_name=_("minutes item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.DRAFT
    )
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-sequence", "-created_at", "-pk"]
        verbose_name = _("decision")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "year", "sequence"],
                condition=models.Q(sequence__isnull=False),
                name="one_number_per_network_and_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class DecisionCounter(NetworkOwned):
    """The last number given in a network's year; locked while a decision is numbered."""

    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "year"], name="one_counter_per_year")
        ]


class Procedure(NetworkOwned):
    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation")
        SILENCE = "silence", _("Silence procedure")

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("Adopted by consensus")
        NO_CONSENSUS = "no_consensus", _("No consensus — referred to the next meeting")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # A procedure is on a decision or on a joint statement, never both (database check).
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, null=True, blank=True, related_name="procedures"
    )
    joint_statement = models.ForeignKey(
        "JointStatement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="procedures",
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    deadline = models.DateTimeField(_("deadline"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the organisations that had not answered were reminded (once per procedure).
    reminded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, blank=True)
    statement = models.TextField(_("statement"), blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("written procedure")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(decision__isnull=False, joint_statement__isnull=True)
                    | models.Q(decision__isnull=True, joint_statement__isnull=False)
                ),
                name="procedure_on_a_decision_or_a_statement",
            )
        ]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def subject(self):
        """What the procedure is about: the decision or the joint statement."""
        return self.decision if self.decision_id else self.joint_statement


class Position(NetworkOwned):
    """An organisation's current position in a procedure: one per organisation."""

    class Stance(models.TextChoices):
        CONCUR = "concur", _("Concurs")
        OBJECT = "object", _("Objects")
        ABSTAIN = "abstain", _("Abstains")
        BREAK_SILENCE = "break", _("Breaks silence")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="positions")
    organisation = models.ForeignKey(
        "networks.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    stance = models.CharField(_("position"), max_length=8, choices=Stance.choices)
    reason = models.TextField(_("reason"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["organisation__acronym", "organisation__name"]
        verbose_name = _("position")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "organisation"], name="one_position_per_organisation"
            )
        ]


class PositionChange(NetworkOwned):
    """Every position ever recorded, in order: the history of the procedure."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="history")
    organisation = models.ForeignKey(
        "networks.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    stance = models.CharField(max_length=8, choices=Position.Stance.choices)
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]


class DeadlineExtension(NetworkOwned):
    """A co-chair moved a procedure's deadline: from when, to when, why."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="extensions")
    before = models.DateTimeField()
    after = models.DateTimeField()
    reason = models.CharField(_("reason"), max_length=500)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    extended_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["extended_at", "pk"]


class ActionPoint(NetworkOwned):
    """Something an organisation does by a date, from a minutes item or a decision; its
    focal points keep it up to date with dated notes."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, null=True, blank=True, related_name="action_points"
    )
    minutes_item = models.ForeignKey(
        "meetings.MinutesItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.CharField(_("action"), max_length=500)
    owner_organisation = models.ForeignKey(
        "networks.Organisation",
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    last_chased_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("action point")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="action_progress_at_most_100"
            )
        ]

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)


class ActionNote(NetworkOwned):
    """A dated update of an action point: what was done, and its status and progress then."""

    action_point = models.ForeignKey(ActionPoint, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"))
    status = models.CharField(max_length=12, choices=ActionPoint.Status.choices)
    progress = models.PositiveSmallIntegerField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["written_at", "pk"]


# One-Voice joint statements ------------------------------------------------------------------


class JointStatement(NetworkOwned):
    """A One-Voice joint statement of the network. The secretariat drafts it; each submission
    is a `StatementVersion` the co-chairs clear under the network's approval rule (the one for
    minutes); a cleared version may be put to a silence procedure, then the secretariat issues
    it. A cleared version never changes: a correction is a new version, with a reason. Making
    an issued statement public is a `StatementPublication` (who, when, on what agreement)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting the co-chairs' clearance")
        CLEARED = "cleared", _("Cleared by the co-chairs")
        SILENCE = "silence", _("In silence procedure")
        AGREED = "agreed", _("Agreed, ready to issue")
        NOT_AGREED = "not_agreed", _("Not agreed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ISSUED = "issued", _("Issued")

    # The draft the secretariat edits; what was cleared and issued is kept in the versions.
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    returned_note = models.TextField(_("co-chair's comment"), blank=True)
    correction_reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)
    issued_version = models.ForeignKey(
        "StatementVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("joint statement")

    def __str__(self) -> str:
        return self.title

    # A statement is never a matter of state: the members are consulted.
    concerns_state = False


class StatementVersion(FrozenVersion, NetworkOwned):
    """What the secretariat submitted for clearance, as it was, with the SHA-256 of its
    words. Once cleared it is frozen — saving, updating or deleting it raises FrozenError."""

    statement = models.ForeignKey(JointStatement, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    content_sha256 = models.CharField(max_length=64)
    reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    return_note = models.TextField(blank=True)

    frozen_field = "cleared_at"
    frozen_message = "A cleared version of a joint statement cannot change."

    objects = NetworkScopedManager.from_queryset(FrozenQuerySet)()

    class Meta:
        ordering = ["number"]
        verbose_name = _("version of a joint statement")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "number"], name="one_number_per_statement_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement} v{self.number}"


class StatementClearance(NetworkOwned):
    """One co-chair's clearance of one version: who, when (UTC) and the hash they cleared."""

    version = models.ForeignKey(
        StatementVersion, on_delete=models.PROTECT, related_name="clearances"
    )
    co_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cleared_at = models.DateTimeField()
    content_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["cleared_at", "pk"]
        verbose_name = _("clearance")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "co_chair"], name="one_clearance_per_co_chair"
            )
        ]


class StatementPublication(NetworkOwned):
    """An issued version made public: who, when, and the agreement that allowed it. Only a
    version with a publication is ever shown on the network's public page."""

    version = models.OneToOneField(
        StatementVersion, on_delete=models.PROTECT, related_name="publication"
    )
    agreement = models.CharField(_("agreement to publish"), max_length=500)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("publication of a joint statement")
