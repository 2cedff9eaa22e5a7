from rest_framework import serializers

from decisions.models import Decision, Position, Procedure


class PositionSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.display_name", read_only=True)
    recorded_by = serializers.EmailField(
        source="recorded_by.email", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Position
        fields = ["organisation", "stance", "reason", "recorded_by", "recorded_at"]


class ProcedureSerializer(serializers.ModelSerializer):
    positions = PositionSerializer(many=True, read_only=True)

    class Meta:
        model = Procedure
        fields = [
            "id",
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
