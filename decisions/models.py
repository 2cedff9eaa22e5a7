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

from networks.scoping import NetworkOwned


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

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="procedures")
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

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


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
