"""The document library in the API. People (who uploaded a version, who read it, who
changed the confidentiality) are null for callers who may not see people
(networks.api.privacy)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from documents.forms import network_people
from documents.models import ConfidentialityChange, Document, DocumentVersion, Dossier
from networks.api.fields import InputSerializer
from networks.api.privacy import hide_people
from networks.api.serializers import NetworkOrganisationField, OrganisationSummarySerializer
from networks.models import Organisation, WorkingGroup
from reference.models import GCMObjective


def download_url(network_slug: str, document_id: int, number: int) -> str:
    return reverse(
        "api:document-download",
        kwargs={"network": network_slug, "document_id": document_id, "number": number},
    )


class DocumentSerializer(serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="meeting_id", read_only=True, allow_null=True)
    agenda_item = serializers.IntegerField(source="agenda_item_id", read_only=True, allow_null=True)
    working_group = serializers.IntegerField(
        source="working_group_id", read_only=True, allow_null=True
    )
    decision = serializers.IntegerField(source="decision_id", read_only=True, allow_null=True)
    latest_version = serializers.IntegerField(
        source="latest_number", read_only=True, allow_null=True
    )
    filename = serializers.CharField(source="latest_filename", read_only=True, allow_null=True)
    size = serializers.IntegerField(
        source="latest_size", read_only=True, allow_null=True, help_text=_("In bytes.")
    )
    download = serializers.SerializerMethodField(
        help_text=_("Where the latest version's file is (this API).")
    )
    snippet = serializers.SerializerMethodField(
        help_text=_("Where a search matched («…» marks the words); null without `q`.")
    )

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "category",
            "language",
            "description",
            "confidentiality",
            "meeting",
            "agenda_item",
            "working_group",
            "decision",
            "latest_version",
            "filename",
            "size",
            "download",
            "snippet",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_download(self, document: Document) -> str | None:
        number = getattr(document, "latest_number", None)
        if number is None:
            return None
        return download_url(self.context["view"].network.slug, document.pk, number)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_snippet(self, document: Document) -> str | None:
        return getattr(document, "snippet", None)


class VersionSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.EmailField(
        source="uploaded_by.email", read_only=True, allow_null=True, default=None
    )
    download = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = [
            "number",
            "filename",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download",
        ]

    def get_download(self, version: DocumentVersion) -> str:
        return download_url(self.context["view"].network.slug, version.document_id, version.number)

    def to_representation(self, instance):
        return hide_people(super().to_representation(instance), self.context, ["uploaded_by"])


class ConfidentialityChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.EmailField(
        source="changed_by.email", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ConfidentialityChange
        fields = ["before", "after", "reason", "changed_by", "changed_at"]

    def to_representation(self, instance):
        return hide_people(super().to_representation(instance), self.context, ["changed_by"])


class DocumentDetailSerializer(DocumentSerializer):
    """`confidentiality_changes` (every change, latest first) is for the secretariat, who
    manages the library, as on the page; null for everyone else."""

    gcm_objectives = serializers.SerializerMethodField()
    versions = VersionSerializer(many=True, read_only=True, source="version_list")
    confidentiality_changes = ConfidentialityChangeSerializer(
        many=True, read_only=True, allow_null=True, source="change_list"
    )

    class Meta(DocumentSerializer.Meta):
        fields = [
            *DocumentSerializer.Meta.fields,
            "public_agreement",
            "gcm_objectives",
            "versions",
            "confidentiality_changes",
        ]

    def get_gcm_objectives(self, document: Document) -> list[int]:
        return [objective.number for objective in document.objective_list]


class ReaderSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    email = serializers.EmailField()


class ReaderRowSerializer(serializers.Serializer):
    """`readers` opened a version; `not_read` may open it and have not. Both are null for a
    caller who may not see people."""

    organisation = OrganisationSummarySerializer()
    readers = ReaderSerializer(many=True, allow_null=True)
    not_read = ReaderSerializer(many=True, allow_null=True)

    def to_representation(self, instance):
        return hide_people(
            super().to_representation(instance), self.context, ["readers", "not_read"]
        )


class DocumentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["id", "title", "category", "confidentiality", "updated_at"]


class DossierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dossier
        fields = ["id", "title", "call", "deadline", "required_items", "created_at"]


class RequirementSerializer(serializers.Serializer):
    name = serializers.CharField()
    documents = DocumentRefSerializer(many=True)


class DossierDetailSerializer(DossierSerializer):
    """Each required item with the documents that answer it (only those the caller may
    open), the supporting documents, and the items still missing (judged on every entry,
    also those the caller may not open)."""

    requirements = RequirementSerializer(many=True, read_only=True, source="rows")
    supporting = DocumentRefSerializer(many=True, read_only=True)
    missing = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "requirements", "supporting", "missing"]


# Writes ----------------------------------------------------------------------------------


class NetworkPersonField(serializers.EmailField):
    """The email address of a person holding a role in the entered network."""

    default_error_messages = {"unknown": _("Nobody in this network has that email address.")}

    def run_validation(self, data=serializers.empty):
        email = super().run_validation(data)
        person = network_people().filter(email__iexact=email).first()
        if person is None:
            self.fail("unknown")
        return person


def _related(name: str):
    """The model a document is attached to through its field `name` (meetings and decisions
    stand above documents: read from the foreign key, as the upload form does)."""
    return Document._meta.get_field(name).related_model


@extend_schema_field({"type": "integer", "minimum": 1, "nullable": True})
class _AttachedField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": _("Give the id of one of this network's records."),
        "incorrect_type": _("Give an id, a whole number."),
    }

    def __init__(self, name: str, **kwargs):
        self.model_name = name
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("default", None)
        super().__init__(**kwargs)

    def get_queryset(self):
        if self.model_name == "working_group":
            return WorkingGroup.objects.all()
        return _related(self.model_name).objects.all()


class ConfidentialityFields(InputSerializer):
    confidentiality = serializers.ChoiceField(choices=Document.Confidentiality.choices)
    public_agreement = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("For a public document: the decision or co-chairs' act that agreed it."),
    )
    organisations = serializers.ManyRelatedField(
        child_relation=NetworkOrganisationField(queryset=Organisation.objects.all()),
        required=False,
        default=list,
        help_text=_("For a restricted document: ids of organisations that may open it."),
    )
    people = serializers.ListField(
        child=NetworkPersonField(),
        required=False,
        default=list,
        max_length=200,
        help_text=_("For a restricted document: email addresses of people who may open it."),
    )


class UploadSerializer(ConfidentialityFields):
    """multipart/form-data: the file and the document's fields. A list (organisations,
    people, gcm_objectives) is the field repeated."""

    title = serializers.CharField(max_length=300)
    category = serializers.ChoiceField(choices=Document.Category.choices)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, default="en")
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=20000
    )
    file = serializers.FileField(
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text, PNG or JPEG.")
    )
    gcm_objectives = serializers.ManyRelatedField(
        child_relation=serializers.PrimaryKeyRelatedField(queryset=GCMObjective.objects.all()),
        required=False,
        default=list,
        help_text=_("Ids of GCM objectives (1–23)."),
    )
    meeting = _AttachedField("meeting", help_text=_("The id of a meeting (optional)."))
    agenda_item = _AttachedField(
        "agenda_item", help_text=_("The id of an agenda item (optional): its meeting too.")
    )
    working_group = _AttachedField("working_group", help_text=_("The id of a working group."))
    decision = _AttachedField("decision", help_text=_("The id of a decision (optional)."))
    confidentiality = serializers.ChoiceField(
        choices=Document.Confidentiality.choices, default=Document.Confidentiality.INTERNAL
    )


class VersionUploadSerializer(InputSerializer):
    file = serializers.FileField(help_text=_("The new version's file."))


class ConfidentialitySerializer(ConfidentialityFields):
    reason = serializers.CharField(max_length=500, help_text=_("Why it changes; recorded."))
