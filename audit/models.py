"""The audit trail: one append-only row per state change and security event.

Rows are never changed nor removed — not by the model (`save()` of a stored row, `delete()`,
a queryset's `update()`/`delete()` raise `AppendOnlyError`), and not by SQL either: the
database refuses UPDATE and DELETE on the table (audit/triggers.py, installed by migration).
Each row carries the SHA-256 of its own canonical fields and of the row before it in the
same chain (one chain per network, one for the platform's own events), so a row removed,
altered or moved is found by `manage.py audit_verify` (audit/chain.py).

The log outlives what it names: its references to people, organisations and networks are
plain ids in the database (no constraint, nothing cascades), and what a row says of them
that must stay readable is in the row itself (`object_label`), never a person's name.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from networks.scoping import NetworkScopedManager, NetworkScopedQuerySet

GENESIS = "0" * 64


class AppendOnlyError(Exception):
    """Something tried to change or remove a row of the audit trail."""


class AuditQuerySet(NetworkScopedQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("The audit trail is append-only: its rows are never updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The audit trail is append-only: its rows are never deleted.")


class AuditManager(NetworkScopedManager.from_queryset(AuditQuerySet)):  # type: ignore[misc]
    """The network's events only (the entered network's; none entered: ScopeError)."""


class EveryChainManager(models.Manager.from_queryset(AuditQuerySet)):  # type: ignore[misc]
    """Every chain: for the writer, `audit_verify` and the operators' security events."""


def _no_constraint(model: str, **kwargs: Any) -> models.ForeignKey:
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        **kwargs,
    )


class AuditEvent(models.Model):
    class Kind(models.TextChoices):
        STEP = "step", _("Workflow step")
        ROLE = "role", _("Role change")
        DOWNLOAD = "download", _("Download")
        SECURITY = "security", _("Security event")

    # Null: the platform's own chain (sign-in, tokens, operators' actions).
    network = _no_constraint("networks.Network", verbose_name=_("network"))
    # The row's place in its chain, from 1.
    seq = models.PositiveBigIntegerField(editable=False)
    at = models.DateTimeField(_("when"), editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # What happened, as a dotted name: "minutes.approve", "membership.end", "signin.failed".
    event = models.CharField(_("step"), max_length=80)
    user = _no_constraint(settings.AUTH_USER_MODEL, verbose_name=_("person"))
    organisation = _no_constraint("networks.Organisation", verbose_name=_("on behalf of"))
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    # A few plain values before and after (states, a role): no secrets, no contents.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    previous_sha256 = models.CharField(max_length=64, editable=False)
    sha256 = models.CharField(max_length=64, unique=True, editable=False)

    objects = AuditManager()
    every_chain = EveryChainManager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        base_manager_name = "every_chain"
        constraints = [
            models.UniqueConstraint(
                fields=["network", "seq"],
                condition=models.Q(network__isnull=False),
                name="audit_one_place_per_network_chain",
            ),
            models.UniqueConstraint(
                fields=["seq"],
                condition=models.Q(network__isnull=True),
                name="audit_one_place_in_platform_chain",
            ),
        ]
        indexes = [
            models.Index(fields=["network", "at"], name="audit_network_at"),
            models.Index(fields=["kind", "at"], name="audit_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.seq}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or not kwargs.get("force_insert"):
            raise AppendOnlyError("The audit trail is append-only: write it with audit.record().")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The audit trail is append-only: its rows are never deleted.")

    def canonical(self) -> dict[str, Any]:
        """What the row's SHA-256 covers: every field but its own hash and its id."""
        return {
            "network": self.network_id,
            "seq": self.seq,
            "at": self.at.astimezone(UTC).isoformat(),
            "kind": self.kind,
            "event": self.event,
            "user": self.user_id,
            "organisation": self.organisation_id,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_label": self.object_label,
            "summary": self.summary,
            "previous_sha256": self.previous_sha256,
        }


class AuditChain(models.Model):
    """The head of one chain: how long it is and its last row's SHA-256. Its row is locked
    while a row is appended, so two transactions never append after the same row; and a
    chain whose last rows were removed no longer ends where its head says. Its anchor
    (`start`, `start_sha256`) says where the kept rows begin once retention removed the
    oldest of the platform's chain."""

    key = models.CharField(max_length=40, unique=True)  # "platform" or "network:<id>"
    network = _no_constraint("networks.Network")
    length = models.PositiveBigIntegerField(default=0)
    head = models.CharField(max_length=64, default=GENESIS)
    # Where the chain's kept rows start: after row #start, whose SHA-256 was `start_sha256`.
    # 0 and GENESIS for a whole chain; moved on only by the retention of the platform's
    # security events (audit.chain.apply_retention), which removes the oldest rows.
    start = models.PositiveBigIntegerField(default=0)
    start_sha256 = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return self.key


class SecurityEvent(AuditEvent):
    """The platform's security events, as the operators' admin lists them (sign-in, second
    factors, tokens, operators' actions): no network's content."""

    class Meta:
        proxy = True
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
