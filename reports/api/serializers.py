"""The quarterly report as the RCO pulls it: a submitted version, its figures exactly as they
were frozen (see reports.selectors for what each figure counts), and the list of versions."""

from rest_framework import serializers

from networks.api.privacy import hide_people

MONEY = {"max_digits": 16, "decimal_places": 2, "read_only": True}


class PeriodSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    label = serializers.CharField(help_text="e.g. 2026-Q3")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(help_text="The quarter's last day.")
    time_zone = serializers.CharField(help_text="The network's, in which the quarter is counted.")


class MeetingItemSerializer(serializers.Serializer):
    date = serializers.DateField()
    title = serializers.CharField()
    kind = serializers.CharField()
    organisations_present = serializers.IntegerField()
    represented = serializers.BooleanField(
        allow_null=True,
        help_text="Every member organisation had someone present; null when no attendance "
        "was recorded, or for a working group's meeting.",
    )


class MeetingsSerializer(serializers.Serializer):
    held = serializers.IntegerField()
    network_meetings = serializers.IntegerField(help_text="Held meetings not of a working group.")
    with_attendance = serializers.IntegerField()
    all_represented = serializers.IntegerField()
    member_organisations = serializers.IntegerField(help_text="At the quarter's end.")
    items = MeetingItemSerializer(many=True)


class AttendanceSerializer(serializers.Serializer):
    organisation = serializers.CharField()
    member = serializers.BooleanField()
    meetings_attended = serializers.IntegerField()


class DecisionItemSerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    date = serializers.DateField()


class DecisionsSerializer(serializers.Serializer):
    adopted = serializers.IntegerField()
    procedures = serializers.IntegerField(help_text="Written procedures open during the quarter.")
    consultations = serializers.IntegerField()
    silence_procedures = serializers.IntegerField()
    items = DecisionItemSerializer(many=True)


class OwnerSerializer(serializers.Serializer):
    organisation = serializers.CharField()
    opened = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField()


class ActionPointsSerializer(serializers.Serializer):
    opened = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text="At the quarter's end.")
    by_organisation = OwnerSerializer(many=True)


class StatusCountSerializer(serializers.Serializer):
    status = serializers.CharField()
    activities = serializers.IntegerField()


class ObjectiveSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="GCM objective, 1–23.")
    activities = serializers.IntegerField()
    completed = serializers.IntegerField()
    required = serializers.DecimalField(**MONEY)
    available = serializers.DecimalField(**MONEY)
    spent = serializers.DecimalField(**MONEY)


class BudgetSerializer(serializers.Serializer):
    required = serializers.DecimalField(**MONEY)
    available = serializers.DecimalField(**MONEY)
    to_be_mobilised = serializers.DecimalField(**MONEY)
    spent = serializers.DecimalField(**MONEY)


class WorkplanFiguresSerializer(serializers.Serializer):
    plans = serializers.ListField(child=serializers.CharField())
    activities = serializers.IntegerField()
    progress = serializers.IntegerField(help_text="Per cent.")
    by_status = StatusCountSerializer(many=True)
    by_objective = ObjectiveSerializer(many=True)
    budget = BudgetSerializer()


class DocumentsSerializer(serializers.Serializer):
    circulated = serializers.IntegerField(help_text="Distinct documents circulated.")
    mailings = serializers.IntegerField()


class PlannedSerializer(serializers.Serializer):
    date = serializers.DateField()
    title = serializers.CharField()
    kind = serializers.CharField()


class NextQuarterSerializer(serializers.Serializer):
    label = serializers.CharField()
    meetings_planned = serializers.IntegerField()
    items = PlannedSerializer(many=True)


class FiguresSerializer(serializers.Serializer):
    network = serializers.CharField()
    period = PeriodSerializer()
    meetings = MeetingsSerializer()
    attendance = AttendanceSerializer(many=True)
    decisions = DecisionsSerializer()
    action_points = ActionPointsSerializer()
    workplan = WorkplanFiguresSerializer()
    documents = DocumentsSerializer()
    next_quarter = NextQuarterSerializer()


class VersionSummarySerializer(serializers.Serializer):
    number = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    submitted_by = serializers.CharField(
        source="submitter_name", allow_null=True, help_text="null for a regional viewer"
    )
    reason = serializers.CharField(help_text="Why it was submitted again (empty for the first).")

    def to_representation(self, instance):
        return hide_people(super().to_representation(instance), self.context, ["submitted_by"])


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="report.pk")
    year = serializers.IntegerField(source="report.year")
    quarter = serializers.IntegerField(source="report.quarter")
    label = serializers.CharField(source="report.label")
    version = serializers.IntegerField(source="number")
    submitted_at = serializers.DateTimeField()


class ReportVersionSerializer(ReportSerializer):
    submitted_by = serializers.CharField(
        source="submitter_name", allow_null=True, help_text="null for a regional viewer"
    )
    reason = serializers.CharField()
    narrative = serializers.CharField()
    figures = FiguresSerializer()
    versions = VersionSummarySerializer(many=True, source="all_versions")

    def to_representation(self, instance):
        return hide_people(super().to_representation(instance), self.context, ["submitted_by"])
