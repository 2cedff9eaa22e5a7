from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from decisions.models import (
    ActionNote,
    ActionPoint,
    Decision,
    JointStatement,
    Position,
    Procedure,
    StatementClearance,
    StatementPublication,
    StatementVersion,
)
from meetings.api.serializers import OrganisationRefSerializer, SignoffSerializer
from networks.api.fields import InputSerializer
from networks.api.privacy import hide_people
from networks.api.serializers import NetworkOrganisationField
from networks.models import Membership, Organisation
from reference.models import GCMObjective

# Reads ---------------------------------------------------------------------------------------


class PositionSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.display_name", read_only=True)
    recorded_by = serializers.EmailField(
        source="recorded_by.email", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Position
        fields = ["organisation", "stance", "reason", "recorded_by", "recorded_at"]

    def to_representation(self, instance):
        # Who recorded it is a person: null for those who may not see people.
        return hide_people(super().to_representation(instance), self.context, ["recorded_by"])


class ProcedureSerializer(serializers.ModelSerializer):
    positions = PositionSerializer(many=True, read_only=True)
    decision = serializers.IntegerField(source="decision_id", read_only=True, allow_null=True)
    joint_statement = serializers.IntegerField(
        source="joint_statement_id", read_only=True, allow_null=True
    )

    class Meta:
        model = Procedure
        fields = [
            "id",
            "decision",
            "joint_statement",
            "kind",
            "deadline",
            "opened_at",
            "closed_at",
            "outcome",
            "statement",
            "outcome_at",
            "positions",
        ]


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = [
            "id",
            "number",
            "title",
            "text",
            "status",
            "concerns_state",
            "adopted_at",
            "created_at",
        ]


class DecisionDetailSerializer(DecisionSerializer):
    procedures = ProcedureSerializer(many=True, read_only=True)

    class Meta(DecisionSerializer.Meta):
        fields = [*DecisionSerializer.Meta.fields, "procedures"]


class ActionNoteSerializer(serializers.ModelSerializer):
    written_by = serializers.EmailField(
        source="written_by.email", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ActionNote
        fields = ["text", "status", "progress", "written_by", "written_at"]


class ActionPointSerializer(serializers.ModelSerializer):
    owner_organisation = OrganisationRefSerializer(read_only=True)
    owner = serializers.EmailField(
        source="owner.email", read_only=True, allow_null=True, default=None
    )
    decision = serializers.IntegerField(source="decision_id", read_only=True, allow_null=True)

    class Meta:
        model = ActionPoint
        fields = [
            "id",
            "text",
            "owner_organisation",
            "owner",
            "due_date",
            "status",
            "progress",
            "decision",
            "created_at",
            "updated_at",
        ]


class ActionPointDetailSerializer(ActionPointSerializer):
    notes = ActionNoteSerializer(many=True, read_only=True)

    class Meta(ActionPointSerializer.Meta):
        fields = [*ActionPointSerializer.Meta.fields, "notes"]


class ClearanceSerializer(serializers.ModelSerializer):
    co_chair = serializers.EmailField(source="co_chair.email", read_only=True)

    class Meta:
        model = StatementClearance
        fields = ["co_chair", "cleared_at", "content_sha256"]


class PublicationSerializer(serializers.ModelSerializer):
    published_by = serializers.EmailField(source="published_by.email", read_only=True)

    class Meta:
        model = StatementPublication
        fields = ["agreement", "published_by", "published_at"]


class StatementVersionSerializer(serializers.ModelSerializer):
    clearances = ClearanceSerializer(many=True, read_only=True)
    publication = serializers.SerializerMethodField()

    class Meta:
        model = StatementVersion
        fields = [
            "number",
            "title",
            "text",
            "content_sha256",
            "reason",
            "submitted_at",
            "cleared_at",
            "returned_at",
            "return_note",
            "clearances",
            "publication",
        ]

    @extend_schema_field(PublicationSerializer(allow_null=True))
    def get_publication(self, version):
        publication = getattr(version, "publication", None)
        return PublicationSerializer(publication).data if publication else None


class StatementSerializer(serializers.ModelSerializer):
    """A statement as its reader may see it: `title` and `text` are the draft for the
    secretariat and the co-chairs, the latest cleared version for everyone else."""

    issued_version = serializers.IntegerField(
        source="issued_version.number", read_only=True, allow_null=True, default=None
    )
    title = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()

    class Meta:
        model = JointStatement
        fields = ["id", "title", "text", "status", "issued_at", "issued_version", "created_at"]

    def _shown(self, statement):
        return getattr(statement, "shown", None) or statement

    def get_title(self, statement) -> str:
        return self._shown(statement).title

    def get_text(self, statement) -> str:
        return self._shown(statement).text


class StatementDetailSerializer(StatementSerializer):
    """`steps` are the steps the caller may take now (the shared workflow's answer, the
    buttons the page shows); `clearance` says, while a version awaits the co-chairs, who has
    cleared it and who is awaited under the network's rule for statements."""

    versions = StatementVersionSerializer(many=True, read_only=True, source="visible_versions")
    procedures = ProcedureSerializer(many=True, read_only=True, source="procedures_list")
    steps = serializers.ListField(child=serializers.CharField(), read_only=True)
    clearance = SignoffSerializer(read_only=True, allow_null=True)

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "versions", "procedures", "steps", "clearance"]


# Writes --------------------------------------------------------------------------------------


class DecisionCreateSerializer(InputSerializer):
    title = serializers.CharField(max_length=300)
    text = serializers.CharField(max_length=20000)
    concerns_state = serializers.BooleanField(
        default=False,
        help_text=_("The national authority's position must be on record before adoption."),
    )
    gcm_objectives = serializers.ManyRelatedField(
        child_relation=serializers.PrimaryKeyRelatedField(queryset=GCMObjective.objects.all()),
        required=False,
        default=list,
        help_text=_("Ids of GCM objectives (1–23)."),
    )


class ProcedureOpenSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=Procedure.Kind.choices)
    deadline = serializers.DateTimeField(
        help_text=_("In the future; ISO 8601 with an offset, e.g. 2026-09-15T10:00:00+06:00.")
    )


class PositionRecordSerializer(InputSerializer):
    organisation = NetworkOrganisationField(
        queryset=Organisation.objects.all(),
        help_text=_("The id of the organisation you speak for."),
    )
    stance = serializers.ChoiceField(choices=Position.Stance.choices)
    reason = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required to object or to break silence."),
    )


class ExtensionSerializer(InputSerializer):
    deadline = serializers.DateTimeField(help_text=_("Later than the current deadline."))
    reason = serializers.CharField(max_length=500)


class OutcomeSerializer(InputSerializer):
    outcome = serializers.ChoiceField(choices=Procedure.Outcome.choices)
    statement = serializers.CharField(max_length=5000, help_text=_("The co-chairs' statement."))


@extend_schema_field({"type": "integer", "minimum": 1})
class NetworkDecisionField(serializers.PrimaryKeyRelatedField):
    """The id of a decision of the entered network."""

    default_error_messages = {
        "does_not_exist": _("Choose a decision of this network."),
        "incorrect_type": _("Give the id of the decision, a whole number."),
    }

    def get_queryset(self):
        return Decision.objects.all()


class ActionPointCreateSerializer(InputSerializer):
    text = serializers.CharField(max_length=500)
    owner_organisation = NetworkOrganisationField(queryset=Organisation.objects.all())
    owner = serializers.EmailField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The email of a person of the owner organisation (optional)."),
    )
    due_date = serializers.DateField()
    decision = NetworkDecisionField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The id of a decision of the network (optional)."),
    )

    def validate_owner(self, email):
        if email is None:
            return None
        membership = (
            Membership.objects.active()
            .filter(user__email__iexact=email)
            .select_related("user")
            .first()
        )
        if membership is None:
            raise serializers.ValidationError(_("Nobody in this network has that email address."))
        return membership.user


class ActionNoteCreateSerializer(InputSerializer):
    status = serializers.ChoiceField(choices=ActionPoint.Status.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(max_length=5000, help_text=_("What was done."))


class NoBodySerializer(InputSerializer):
    """A step that takes nothing: an empty JSON object."""


class StatementWriteSerializer(InputSerializer):
    title = serializers.CharField(max_length=300)
    text = serializers.CharField(max_length=20000)


class ClearSerializer(InputSerializer):
    content_sha256 = serializers.CharField(
        max_length=64, help_text=_("The SHA-256 of the version you read (`content_sha256`).")
    )


class ReturnSerializer(InputSerializer):
    note = serializers.CharField(max_length=5000, help_text=_("What should change."))


class SilenceSerializer(InputSerializer):
    deadline = serializers.DateTimeField(help_text=_("In the future."))


class PublishSerializer(InputSerializer):
    agreement = serializers.CharField(
        max_length=500, help_text=_("The decision or the co-chairs' act that allows it.")
    )


class ReviseSerializer(InputSerializer):
    reason = serializers.CharField(max_length=500, help_text=_("Why the statement is corrected."))
