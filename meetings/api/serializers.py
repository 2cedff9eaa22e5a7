from rest_framework import serializers

from meetings.models import AgendaItem, Meeting, MinutesVersion, Participant


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    acronym = serializers.CharField()


class AgendaItemSerializer(serializers.ModelSerializer):
    presenter_organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    presenter = serializers.EmailField(
        source="presenter.email", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "position",
            "title",
            "description",
            "presenter_organisation",
            "presenter",
            "duration_minutes",
        ]


class ParticipantSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    delegate = serializers.EmailField(
        source="delegate.email", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Participant
        fields = ["email", "full_name", "organisation", "invited", "answer", "delegate"]


class MeetingSerializer(serializers.ModelSerializer):
    working_group = serializers.IntegerField(
        source="working_group_id", read_only=True, allow_null=True
    )
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "title",
            "working_group",
            "starts_at",
            "ends_at",
            "location",
            "online_url",
            "status",
            "cancel_reason",
            "agenda_status",
            "agenda_approved_at",
            "agenda_circulated_at",
            "item_count",
        ]


class MeetingDetailSerializer(MeetingSerializer):
    agenda_items = AgendaItemSerializer(many=True, read_only=True)
    participants = ParticipantSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "agenda_items", "participants"]


class MinutesApprovalSerializer(serializers.Serializer):
    co_chair = serializers.EmailField(source="co_chair.email")
    approved_at = serializers.DateTimeField()
    content_sha256 = serializers.CharField()


class MinutesVersionSerializer(serializers.ModelSerializer):
    approvals = MinutesApprovalSerializer(many=True, read_only=True)
    content = serializers.JSONField(read_only=True)

    class Meta:
        model = MinutesVersion
        fields = [
            "number",
            "content",
            "content_sha256",
            "pdf_sha256",
            "reason",
            "submitted_at",
            "approved_at",
            "returned_at",
            "approvals",
        ]
