"""A network's workplans: outcomes → outputs → activities, aligned with the GCM, the SDGs and
the network's UNSDCF outcomes, with a quarterly update of each activity by its lead
organisation.

Figures that add up (status counts, budgets, progress, GCM coverage) are never stored: they
are computed from the activities by `workplans.selectors`. What an activity looked like when
the co-chairs endorsed the plan is kept in the plan's baseline.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.quarters import quarter_label
from networks.scoping import NetworkOwned

if TYPE_CHECKING:
    from workplans.selectors import Rollup

MONEY = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0")}
MARKERS = [
    (0, _("0 — not targeted")),
    (1, _("1 — contributes in a limited way")),
    (2, _("2 — a significant objective")),
    (3, _("3 — the principal objective")),
]


class Workplan(NetworkOwned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ENDORSED = "endorsed", _("Endorsed")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", pgettext_lazy("workplan status", "Closed")

    title = models.CharField(_("title"), max_length=200)
    working_group = models.ForeignKey(
        "networks.WorkingGroup",
        verbose_name=_("working group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for the network's own workplan."),
    )
    start_year = models.PositiveSmallIntegerField(
        _("first year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    years = models.PositiveSmallIntegerField(
        _("length"), choices=[(1, _("One year")), (2, _("Two years"))], default=1
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    endorsed_at = models.DateTimeField(null=True, blank=True)
    # The plan as endorsed (outcomes, outputs, activities and their planned figures).
    baseline = models.JSONField(null=True, blank=True, editable=False)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start_year", "title", "pk"]
        verbose_name = _("workplan")

    def __str__(self) -> str:
        return self.title

    @property
    def end_year(self) -> int:
        return self.start_year + self.years - 1

    @property
    def period_label(self) -> str:
        if self.years == 1:
            return str(self.start_year)
        return f"{self.start_year}–{self.end_year}"

    @property
    def quarters(self) -> list[str]:
        return [
            quarter_label(year, quarter)
            for year in range(self.start_year, self.end_year + 1)
            for quarter in (1, 2, 3, 4)
        ]

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class WorkplanEndorsement(NetworkOwned):
    """One co-chair's endorsement of the plan as it stood (the SHA-256 of what the baseline
    keeps). Under the network's rule for workplans (any one co-chair by default, or every
    co-chair in office) the endorsement that completes it endorses the plan; until then the
    plan stays a draft and names who is awaited. An endorsement of content that changed since
    is withdrawn, and that co-chair endorses again. Those of an endorsed plan are its record."""

    workplan = models.ForeignKey(Workplan, on_delete=models.CASCADE, related_name="endorsements")
    co_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # On whose behalf they endorsed, as it was then.
    organisation = models.ForeignKey(
        "networks.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    signed_at = models.DateTimeField()
    content_sha256 = models.CharField(max_length=64)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["signed_at", "pk"]
        verbose_name = _("co-chair's endorsement of a workplan")
        constraints = [
            models.UniqueConstraint(
                fields=["workplan", "co_chair"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_standing_endorsement_per_co_chair",
            )
        ]


class Outcome(NetworkOwned):
    workplan = models.ForeignKey(Workplan, on_delete=models.CASCADE, related_name="outcomes")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    # Not stored: set on the outcomes of a tree by workplans.selectors.workplan_tree.
    rollup: Rollup
    output_list: list[Output]

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = pgettext_lazy("workplan", "outcome")
        constraints = [
            models.UniqueConstraint(fields=["workplan", "code"], name="one_outcome_code_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Output(NetworkOwned):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="outputs")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    # Not stored: set on the outputs of a tree by workplans.selectors.workplan_tree.
    rollup: Rollup
    activity_list: list[Activity]

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("output")
        constraints = [
            models.UniqueConstraint(fields=["outcome", "code"], name="one_output_code_per_outcome")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Activity(NetworkOwned):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ON_TRACK = "on_track", _("On track")
        DELAYED = "delayed", _("Delayed")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    workplan = models.ForeignKey(Workplan, on_delete=models.CASCADE, related_name="activities")
    output = models.ForeignKey(Output, on_delete=models.CASCADE, related_name="activities")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    lead_organisation = models.ForeignKey(
        "networks.Organisation",
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    participating_organisations = models.ManyToManyField(
        "networks.Organisation",
        verbose_name=_("participating organisations"),
        blank=True,
        related_name="+",
    )
    # Quarter labels ("2026-Q3") within the plan's period in which the activity runs.
    quarters = models.JSONField(_("quarters"), default=list)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    budget_required = models.DecimalField(_("budget required (USD)"), **MONEY)
    budget_available = models.DecimalField(_("budget available (USD)"), **MONEY)
    budget_spent = models.DecimalField(_("spent to date (USD)"), **MONEY)
    geographic_scope = models.CharField(_("geographic scope"), max_length=200, blank=True)
    gcm_objectives = models.ManyToManyField(
        "reference.GCMObjective", verbose_name=_("GCM objectives"), blank=True, related_name="+"
    )
    guiding_principles = models.ManyToManyField(
        "reference.GuidingPrinciple",
        verbose_name=_("guiding principles"),
        blank=True,
        related_name="+",
    )
    sdg_targets = models.ManyToManyField(
        "reference.SDGTarget", verbose_name=_("SDG targets"), blank=True, related_name="+"
    )
    unsdcf_outcomes = models.ManyToManyField(
        "networks.UNSDCFOutcome", verbose_name=_("UNSDCF outcomes"), blank=True, related_name="+"
    )
    gender_marker = models.PositiveSmallIntegerField(
        _("gender equality marker"), choices=MARKERS, default=0
    )
    human_rights_marker = models.PositiveSmallIntegerField(
        _("human rights marker"), choices=MARKERS, default=0
    )
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    # Not stored: set by workplans.selectors.with_progress.
    progress: int

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(fields=["workplan", "code"], name="one_activity_code_per_plan"),
            models.CheckConstraint(
                condition=models.Q(budget_required__gte=0)
                & models.Q(budget_available__gte=0)
                & models.Q(budget_spent__gte=0),
                name="activity_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(gender_marker__lte=3) & models.Q(human_rights_marker__lte=3),
                name="activity_markers_0_to_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def to_be_mobilised(self) -> Decimal:
        return max(self.budget_required - self.budget_available, Decimal("0"))

    def runs_in(self, quarter: str) -> bool:
        return quarter in self.quarters


class Indicator(NetworkOwned):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=0)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    # Not stored: set by workplans.selectors.activities_of (the latest actual first) and
    # with_progress (that latest actual, or None).
    actual_list: list[IndicatorActual]
    latest: IndicatorActual | None

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("indicator")

    def __str__(self) -> str:
        return self.name


class ActivityUpdate(NetworkOwned):
    """A quarterly update of an activity by a focal point of its lead organisation (or the
    secretariat or a co-chair). Kept whole: a second update for the same quarter is a new row,
    and the latest one counts."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="updates")
    quarter = models.CharField(_("quarter"), max_length=7)
    status = models.CharField(_("status"), max_length=12, choices=Activity.Status.choices)
    narrative = models.TextField(_("progress"))
    spent_to_date = models.DecimalField(_("spent to date (USD)"), max_digits=14, decimal_places=2)
    # {indicator id: actual} as reported in this update.
    actuals = models.JSONField(default=dict)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_at", "-pk"]
        verbose_name = _("quarterly update")


class IndicatorActual(NetworkOwned):
    """An indicator's value at the end of a quarter, from the latest update of that quarter."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="actuals")
    quarter = models.CharField(max_length=7)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    update = models.ForeignKey(ActivityUpdate, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "quarter"], name="one_actual_per_indicator_quarter"
            )
        ]


class UpdateChase(NetworkOwned):
    """The secretariat chased the missing updates of a quarter: when, whom (for the record
    and so that one click never chases twice within the hour)."""

    workplan = models.ForeignKey(Workplan, on_delete=models.CASCADE, related_name="chases")
    quarter = models.CharField(max_length=7)
    organisations = models.ManyToManyField("networks.Organisation", related_name="+")
    chased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    chased_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-chased_at", "-pk"]
