from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.privacy import masked_attendance
from meetings import flows, selectors, services
from meetings.models import AgendaItem, Meeting, Minutes, MinutesVersion, Participant
from networks import signoff
from networks.api.fields import LinkField
from networks.api.privacy import hide_people, may_see_people


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

    def to_representation(self, instance):
        # An external partner sees the presenting organisation, not the person's address.
        return hide_people(super().to_representation(instance), self.context, ["presenter"])


class ParticipantSerializer(serializers.ModelSerializer):
    """`email`, `full_name` and `delegate` are null for a caller who may not see people
    (Action.PEOPLE_CONTACT_VIEW: an external partner sees organisations), except in their
    own row."""

    email = serializers.EmailField(source="user.email", read_only=True, allow_null=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True, allow_null=True)
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    delegate = serializers.EmailField(
        source="delegate.email", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Participant
        fields = ["email", "full_name", "organisation", "invited", "answer", "delegate"]

    def to_representation(self, instance):
        access = self.context.get("access")
        own = access is not None and instance.user_id == access.user_id
        return hide_people(
            super().to_representation(instance),
            self.context,
            ["email", "full_name", "delegate"],
            own=own,
        )


class MeetingSerializer(serializers.ModelSerializer):
    """`agenda_status`, `agenda_approved_at` and `item_count` are null (and a meeting's
    `agenda_items` empty) while the agenda is with the secretariat and the co-chairs, for
    a caller who may not read drafts (`agendas.draft_view`: members and partners read the
    agenda once the co-chairs approved it, meetings.selectors.agenda_shown)."""

    working_group = serializers.IntegerField(
        source="working_group_id", read_only=True, allow_null=True
    )
    item_count = serializers.IntegerField(read_only=True, allow_null=True)
    agenda_status = serializers.ChoiceField(
        choices=Meeting.AgendaStatus.choices, read_only=True, allow_null=True
    )
    online_url = LinkField(help_text=_("Null for a meeting without an online link."))

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

    DRAFT_FIELDS = ("agenda_status", "agenda_approved_at", "item_count")

    def agenda_shown(self, meeting: Meeting) -> bool:
        access = self.context.get("access")
        return access is not None and selectors.agenda_shown(meeting, access)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.agenda_shown(instance):
            data.update(dict.fromkeys(self.DRAFT_FIELDS))
            if "agenda_items" in data:
                data["agenda_items"] = []
                data["agenda_signoff"] = None
        return data


class SignoffSerializer(serializers.Serializer):
    rule = serializers.ChoiceField(choices=["any_co_chair", "all_co_chairs"])
    complete = serializers.BooleanField()
    signed = serializers.ListField(child=serializers.CharField(), help_text="names, in order")
    awaited = serializers.ListField(child=serializers.CharField(), help_text="names")


STEPS = serializers.ListField(child=serializers.CharField())


class MeetingDetailSerializer(MeetingSerializer):
    """`agenda_steps` and `minutes_steps` are the steps the caller may take now (the shared
    workflow's answer, the same the pages show as buttons); `agenda_signoff` says, while the
    agenda awaits approval, who has signed and who is awaited — null for callers who may not
    see people's names (partners, regional viewers: networks.api.privacy)."""

    agenda_items = AgendaItemSerializer(many=True, read_only=True)
    participants = ParticipantSerializer(many=True, read_only=True)
    agenda_steps = serializers.SerializerMethodField()
    agenda_signoff = serializers.SerializerMethodField()
    minutes_steps = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [
            *MeetingSerializer.Meta.fields,
            "agenda_items",
            "participants",
            "agenda_steps",
            "agenda_signoff",
            "minutes_steps",
        ]

    @extend_schema_field(STEPS)
    def get_agenda_steps(self, meeting: Meeting) -> list[str]:
        return flows.AGENDA.steps_for(meeting, self.context["access"])

    @extend_schema_field(SignoffSerializer(allow_null=True))
    def get_agenda_signoff(self, meeting: Meeting):
        if meeting.agenda_status != Meeting.AgendaStatus.SUBMITTED:
            return None
        if not may_see_people(self.context):
            return None
        return vars(signoff.signoff_people(services.agenda_signoff(meeting)))

    @extend_schema_field(STEPS)
    def get_minutes_steps(self, meeting: Meeting) -> list[str]:
        minutes = Minutes.objects.filter(meeting=meeting).first()
        return flows.MINUTES.steps_for(minutes, self.context["access"]) if minutes else []


class MinutesApprovalSerializer(serializers.Serializer):
    co_chair = serializers.EmailField(source="co_chair.email")
    approved_at = serializers.DateTimeField()
    content_sha256 = serializers.CharField()


class MinutesVersionSerializer(serializers.ModelSerializer):
    approvals = MinutesApprovalSerializer(many=True, read_only=True)
    # As stored, but an erased person is shown by their pseudonym (accounts.privacy); the
    # SHA-256 is of the stored content.
    content = serializers.SerializerMethodField()

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

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_content(self, version: MinutesVersion) -> dict:
        return masked_attendance(version.content)
