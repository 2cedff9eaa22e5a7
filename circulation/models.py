"""Every mailing of a network is one stored Circulation with one Delivery per recipient.

A delivery's Message-ID is fixed when it is created, so a retry (or a duplicate run of its
task) carries the same one and mail clients fold the duplicates.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from networks.scoping import NetworkOwned


class Circulation(NetworkOwned):
    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        MINUTES = "minutes", _("Minutes")
        DOCUMENT = "document", _("Document")
        CONSULTATION = "consultation", _("Consultation")
        REMINDER = "reminder", _("Reminder")
        REPORT = "report", _("Report")
        INVITATION = "invitation", _("Invitation")
        DIGEST = "digest", _("Daily digest")
        # A co-chair signed a record: the other co-chairs are told (and may still act).
        SIGNOFF = "signoff", _("Sign-off")

    # Sent at once whatever the person chose: they carry deadlines or decisions.
    ALWAYS_IMMEDIATE = frozenset(
        {
            Kind.AGENDA,
            Kind.MINUTES,
            Kind.CONSULTATION,
            Kind.INVITATION,
            Kind.DIGEST,
            Kind.SIGNOFF,
        }
    )

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    about_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    template = models.CharField(max_length=100)
    # Path of the item in the portal; the email links to it through the "opened" link.
    link = models.CharField(max_length=500, blank=True)
    # {language: {"subject": …, "text": …, "html": …}}, rendered before anything is stored.
    rendered = models.JSONField(default=dict)
    # A large mailing's recipients ([{"address", "language", "user"}]) until the worker has
    # created their deliveries, right after the commit; null once they exist.
    pending = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("circulation")

    def __str__(self) -> str:
        return self.subject

    @property
    def subject(self) -> str:
        first = next(iter(self.rendered.values()), {})
        return first.get("subject", "")

    def message_in(self, language: str) -> dict:
        return self.rendered.get(language) or next(iter(self.rendered.values()))


class Attachment(NetworkOwned):
    """A file sent with the mails of a circulation (a calendar invitation, an agenda PDF):
    with every mail, or, when it has a `language`, with the mails in that language (the
    agenda PDF in Russian to those who read Russian). Internal documents are linked, never
    attached."""

    circulation = models.ForeignKey(
        Circulation, on_delete=models.CASCADE, related_name="attachments"
    )
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()
    language = models.CharField(max_length=8, blank=True, default="")

    def __str__(self) -> str:
        return self.filename

    def goes_with(self, language: str) -> bool:
        return not self.language or self.language == language


class Delivery(NetworkOwned):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Held for the recipient's daily digest; sent or failed with it.
        DIGEST = "digest", _("Waiting for the daily digest")

    circulation = models.ForeignKey(
        Circulation, on_delete=models.CASCADE, related_name="deliveries"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("recipient"),
    )
    address = models.EmailField(_("address"))
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    message_id = models.CharField(max_length=250, unique=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When a temporary failure is retried: the sweeper leaves the delivery alone until then.
    retry_at = models.DateTimeField(null=True, blank=True)
    # The digest delivery that carried this one (a person who chose the daily digest).
    bundled_in = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="bundled"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)

    class Meta:
        ordering = ["address"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["circulation", "address"], name="one_delivery_per_address"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="delivery_status_age"),
            models.Index(fields=["network", "recipient"], name="delivery_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.address} — {self.get_status_display()}"


class MailPreference(models.Model):
    """How a person wants the portal's optional mail (documents, reminders, reports): at once
    or in one daily digest per network. Agendas, minutes and consultations always go at once.
    A person's own setting, the same in every network they belong to."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("As it is circulated")
        DAILY = "daily", _("In one daily digest")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preference"
    )
    optional_mail = models.CharField(
        _("optional mail"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.IMMEDIATE,
    )

    class Meta:
        verbose_name = _("mail preference")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_optional_mail_display()}"
