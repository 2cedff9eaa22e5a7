"""The document library of a network: documents, their versions (each upload a new one),
who may open them, and who opened which version.

Confidentiality is internal to the network by default; restricted documents name the
organisations or people who may open them; documents shared with external partners reach
the network's partners too; public ones need a recorded agreement. Files have no public
URL: every download goes through a view that checks the person's right at that moment.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from documents.fields import PortableSearchVectorField
from networks.scoping import NetworkOwned

# Every file of a version is stored under this folder of the storage, and nothing else is:
# documents.services.orphan_files_remove sweeps it for files no version references.
UPLOAD_FOLDER = "documents"


def version_path(instance: DocumentVersion, filename: str) -> str:
    # Never the uploaded name: a random one under the network, so nothing can be guessed.
    return f"{UPLOAD_FOLDER}/{instance.network_id}/{uuid.uuid4().hex}"


class Document(NetworkOwned):
    class Category(models.TextChoices):
        TERMS_OF_REFERENCE = "tor", _("Terms of reference")
        AGENDA = "agenda", _("Agenda")
        MINUTES = "minutes", _("Minutes")
        REPORT = "report", _("Report")
        STUDY = "study", _("Study")
        STATEMENT = "statement", _("Statement")
        PROPOSAL = "proposal", _("Proposal")
        OTHER = "other", _("Other")

    class Confidentiality(models.TextChoices):
        INTERNAL = "internal", _("Internal to the network")
        RESTRICTED = "restricted", _("Restricted to named organisations or people")
        PARTNERS = "partners", _("Shared with the network's external partners")
        PUBLIC = "public", _("Public")

    title = models.CharField(_("title"), max_length=300)
    category = models.CharField(
        _("category"), max_length=12, choices=Category.choices, default=Category.OTHER
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    description = models.TextField(_("description"), blank=True)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.INTERNAL,
    )
    gcm_objectives = models.ManyToManyField(
        "reference.GCMObjective",
        verbose_name=_("GCM objectives"),
        blank=True,
        related_name="+",
    )
    # A public document names the agreement that made it public (a decision, a co-chair act).
    public_agreement = models.CharField(_("agreement to publish"), max_length=500, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    working_group = models.ForeignKey(
        "networks.WorkingGroup",
        verbose_name=_("working group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    decision = models.ForeignKey(
        "decisions.Decision",
        verbose_name=_("decision"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The latest version's text, read in the background (documents.tasks), and on
    # PostgreSQL the weighted search vector of title, description and that text.
    search_text = models.TextField(blank=True, editable=False)
    search_vector = PortableSearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("document")
        indexes = [models.Index(fields=["network", "updated_at"])]

    def __str__(self) -> str:
        return self.title


class DocumentAccess(NetworkOwned):
    """Who may open a restricted document: an organisation (all its people in the network)
    or one person."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="access")
    organisation = models.ForeignKey(
        "networks.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("access to a restricted document")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | models.Q(user__isnull=False),
                name="document_access_names_someone",
            )
        ]


class DocumentVersion(NetworkOwned):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=version_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # When the worker read its text (documents.tasks.extract_text); null: still to be read
    # (/metrics counts them; documents.tasks.sweep_unread_versions queues them again).
    text_read_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("version")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="one_number_per_document")
        ]
        indexes = [
            models.Index(
                fields=["uploaded_at"],
                condition=models.Q(text_read_at__isnull=True),
                name="version_text_unread",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class ConfidentialityChange(NetworkOwned):
    """Every change of a document's confidentiality: from what, to what, who, when, why."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="confidentiality_changes"
    )
    before = models.CharField(max_length=12, choices=Document.Confidentiality.choices)
    after = models.CharField(max_length=12, choices=Document.Confidentiality.choices)
    reason = models.CharField(_("reason"), max_length=500)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("change of confidentiality")


class DocumentRead(NetworkOwned):
    """The first time a person opened a version."""

    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "networks.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reading")
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="one_read_per_person")
        ]


class Dossier(NetworkOwned):
    """The documents of one submission to a call for proposals (e.g. the Migration MPTF),
    against the items the call requires, so the secretariat sees what is still missing."""

    title = models.CharField(_("title"), max_length=300)
    call = models.CharField(_("call for proposals"), max_length=300)
    deadline = models.DateField(_("submission deadline"), null=True, blank=True)
    # The items the call requires, in order (["Concept note", "Budget", …]).
    required_items = models.JSONField(_("required items"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("dossier")

    def __str__(self) -> str:
        return self.title


class DossierDocument(NetworkOwned):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="entries")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    # Which required item the document answers ("" for a supporting document).
    requirement = models.CharField(_("required item"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("document of a dossier")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "document", "requirement"], name="one_entry_per_requirement"
            )
        ]
