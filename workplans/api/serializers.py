from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from networks.api.fields import InputSerializer
from networks.api.privacy import hide_people
from networks.signoff import signoff_people
from workplans import services
from workplans.flows import WORKPLAN
from workplans.models import Activity, ActivityUpdate, Indicator, Workplan
from workplans.services import MAX_MONEY

MONEY = {"max_digits": 16, "decimal_places": 2, "read_only": True}


class RollupSerializer(serializers.Serializer):
    """Figures computed from the activities, never typed: cancelled activities are counted
    in `activities` and `by_status` only."""

    activities = serializers.IntegerField()
    by_status = serializers.DictField(
        child=serializers.IntegerField(), help_text="Activities per status."
    )
    required = serializers.DecimalField(**MONEY)
    available = serializers.DecimalField(**MONEY)
    to_be_mobilised = serializers.DecimalField(**MONEY)
    spent = serializers.DecimalField(**MONEY)
    progress = serializers.IntegerField(help_text="Per cent, the mean of the activities'.")


class WorkplanSerializer(serializers.ModelSerializer):
    working_group = serializers.CharField(
        source="working_group.name", read_only=True, allow_null=True, default=None
    )
    end_year = serializers.IntegerField(read_only=True)

    class Meta:
        model = Workplan
        fields = [
            "id",
            "title",
            "working_group",
            "start_year",
            "end_year",
            "status",
            "endorsed_at",
            "created_at",
        ]


class ActivitySummarySerializer(serializers.ModelSerializer):
    lead_organisation = serializers.CharField(source="lead_organisation.display_name")
    gcm_objectives = serializers.SerializerMethodField()
    to_be_mobilised = serializers.DecimalField(**MONEY)
    progress = serializers.IntegerField(read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "code",
            "title",
            "lead_organisation",
            "status",
            "quarters",
            "budget_required",
            "budget_available",
            "to_be_mobilised",
            "budget_spent",
            "gcm_objectives",
            "progress",
        ]

    def get_gcm_objectives(self, activity) -> list[int]:
        return [objective.number for objective in activity.gcm_objectives.all()]


class OutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    rollup = RollupSerializer()
    activities = ActivitySummarySerializer(many=True, source="activity_list")


class OutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    rollup = RollupSerializer()
    outputs = OutputSerializer(many=True, source="output_list")


class WorkplanSignoffSerializer(serializers.Serializer):
    rule = serializers.ChoiceField(choices=["any_co_chair", "all_co_chairs"])
    complete = serializers.BooleanField()
    signed = serializers.ListField(child=serializers.CharField(), help_text="names, in order")
    awaited = serializers.ListField(child=serializers.CharField(), help_text="names")


class EndorsementSerializer(serializers.Serializer):
    """One co-chair's endorsement; `co_chair` (their address) is null for those who may not
    see people (networks.api.privacy), who read the organisation."""

    co_chair = serializers.EmailField(source="co_chair.email", allow_null=True)
    organisation = serializers.CharField(
        source="organisation.display_name", allow_null=True, default=None
    )
    signed_at = serializers.DateTimeField()
    content_sha256 = serializers.CharField()

    def to_representation(self, instance):
        return hide_people(super().to_representation(instance), self.context, ["co_chair"])


class WorkplanDetailSerializer(WorkplanSerializer):
    """`steps` are the steps the caller may take now (the shared workflow's answer, the same
    the page shows as buttons). `content_sha256` is the SHA-256 of the plan as it stands:
    what an endorsement signs, sent back to endorse it. `endorsement` says, while the plan
    is a draft, who has endorsed it and who is awaited under the network's rule;
    `endorsements` are the endorsements that count (of an endorsed plan: its record)."""

    rollup = RollupSerializer(read_only=True)
    outcomes = OutcomeSerializer(many=True, read_only=True, source="outcome_list")
    steps = serializers.SerializerMethodField()
    content_sha256 = serializers.CharField(read_only=True)
    endorsement = serializers.SerializerMethodField()
    endorsements = EndorsementSerializer(many=True, read_only=True, source="endorsement_list")

    class Meta(WorkplanSerializer.Meta):
        fields = [
            *WorkplanSerializer.Meta.fields,
            "steps",
            "content_sha256",
            "endorsement",
            "endorsements",
            "rollup",
            "outcomes",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_steps(self, workplan: Workplan) -> list[str]:
        return WORKPLAN.steps_for(workplan, self.context["access"])

    @extend_schema_field(WorkplanSignoffSerializer(allow_null=True))
    def get_endorsement(self, workplan: Workplan):
        if not workplan.is_draft:
            return None
        return vars(signoff_people(services.workplan_signoff(workplan)))


class EndorseSerializer(InputSerializer):
    content_sha256 = serializers.CharField(
        max_length=64,
        help_text="The `content_sha256` of the plan as you read it (GET the workplan).",
    )


class CoverageRowSerializer(serializers.Serializer):
    objective = serializers.IntegerField(source="objective.number", help_text="1–23")
    label = serializers.CharField(source="objective.label")
    activities = serializers.IntegerField()
    completed = serializers.IntegerField()
    required = serializers.DecimalField(**MONEY)
    available = serializers.DecimalField(**MONEY)
    to_be_mobilised = serializers.DecimalField(**MONEY)
    spent = serializers.DecimalField(**MONEY)


class CoverageSerializer(serializers.Serializer):
    workplan = serializers.IntegerField(source="workplan.pk")
    objectives = CoverageRowSerializer(many=True)


class IndicatorActualSerializer(serializers.Serializer):
    quarter = serializers.CharField()
    value = serializers.DecimalField(max_digits=16, decimal_places=2)


class IndicatorSerializer(serializers.ModelSerializer):
    actuals = IndicatorActualSerializer(many=True, source="actual_list", read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "name", "unit", "baseline", "target", "actuals"]


class ActivityUpdateSerializer(serializers.ModelSerializer):
    """`written_by` is null for a caller who may not see people (a regional viewer)."""

    written_by = serializers.EmailField(
        source="written_by.email", read_only=True, allow_null=True, default=None
    )

    def to_representation(self, instance):
        return hide_people(super().to_representation(instance), self.context, ["written_by"])

    class Meta:
        model = ActivityUpdate
        fields = [
            "id",
            "quarter",
            "status",
            "narrative",
            "spent_to_date",
            "actuals",
            "written_by",
            "written_at",
        ]


class ActivityDetailSerializer(ActivitySummarySerializer):
    workplan = serializers.IntegerField(source="workplan_id")
    output = serializers.CharField(source="output.code")
    participating_organisations = serializers.SerializerMethodField()
    indicators = IndicatorSerializer(many=True, read_only=True)
    updates = ActivityUpdateSerializer(many=True, read_only=True, source="update_list")

    class Meta(ActivitySummarySerializer.Meta):
        fields = [
            *ActivitySummarySerializer.Meta.fields,
            "workplan",
            "output",
            "description",
            "participating_organisations",
            "geographic_scope",
            "gender_marker",
            "human_rights_marker",
            "indicators",
            "updates",
        ]

    def get_participating_organisations(self, activity) -> list[str]:
        return [o.display_name for o in activity.participating_organisations.all()]


class UpdateCreateSerializer(InputSerializer):
    quarter = serializers.CharField(max_length=7, help_text="e.g. 2026-Q3")
    status = serializers.ChoiceField(choices=Activity.Status.choices)
    narrative = serializers.CharField(max_length=10000)
    spent_to_date = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, max_value=MAX_MONEY
    )
    actuals = serializers.DictField(
        child=serializers.DecimalField(max_digits=14, decimal_places=2),
        required=False,
        help_text="Indicator id → its actual at the end of the quarter.",
    )
