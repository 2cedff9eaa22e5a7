"""The quarterly report of a network to its UN team, and the versions the co-chairs submitted.

A `QuarterlyReport` is the working copy of one calendar quarter (in the network's time zone):
the secretariat's narrative, while its figures are computed from the data whenever it is
shown. Submitting freezes a `ReportVersion`: the figures as they were, the narrative, who and
when, and for a resubmission the reason. A version never changes — saving, updating or
deleting one raises FrozenError, whether through a page, the API or the admin — so later
changes to meetings, decisions or workplans leave what was submitted as it was.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.quarters import quarter_label
from networks.scoping import NetworkOwned, NetworkScopedManager
from workflow.frozen import FrozenQuerySet, FrozenVersion


class QuarterlyReport(NetworkOwned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    narrative = models.TextField(_("narrative"), blank=True)
    # Bumped by every saved narrative; a form based on an older value is refused (two editors).
    revision = models.PositiveIntegerField(default=1, editable=False)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-quarter"]
        verbose_name = _("quarterly report")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "year", "quarter"], name="one_report_per_network_and_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="report_quarter_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return quarter_label(self.year, self.quarter)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class ReportVersion(FrozenVersion, NetworkOwned):
    """What the co-chairs submitted, as it was: the figures (see reports.selectors for their
    shape), the narrative, who and when, and why it was submitted again."""

    report = models.ForeignKey(QuarterlyReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    figures = models.JSONField()
    narrative = models.TextField(blank=True)
    reason = models.CharField(_("reason for the resubmission"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_by_name = models.CharField(max_length=200, blank=True)
    submitted_at = models.DateTimeField()

    # Stored when submitted, so every stored version is frozen.
    frozen_field = None
    frozen_message = "A submitted quarterly report cannot change."

    objects = NetworkScopedManager.from_queryset(FrozenQuerySet)()

    class Meta:
        ordering = ["number"]
        verbose_name = _("submitted version of a quarterly report")
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_number_per_report")
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"

    @property
    def submitter_name(self) -> str:
        """Who submitted it, as pages and files name them: the person's current name through
        the account (a pseudonym once their data is erased, accounts.privacy), else the name
        kept when it was submitted. Callers select `submitted_by` with the version."""
        if self.submitted_by is not None:
            return self.submitted_by.get_full_name()
        return self.submitted_by_name


class ReportSignature(NetworkOwned):
    """One co-chair's sign-off of the report as it stood (the SHA-256 of its figures and
    narrative). When the network's rule is met the report is submitted and the signatures
    point at the version they made; a signature on figures that changed since is withdrawn,
    and that co-chair signs again."""

    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="signatures")
    co_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField()
    content_sha256 = models.CharField(max_length=64)
    reason = models.CharField(_("reason for the resubmission"), max_length=500, blank=True)
    version = models.ForeignKey(
        ReportVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["signed_at", "pk"]
        verbose_name = _("co-chair's sign-off of a quarterly report")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "co_chair"],
                condition=models.Q(version__isnull=True, withdrawn_at__isnull=True),
                name="one_standing_report_signature_per_co_chair",
            )
        ]
