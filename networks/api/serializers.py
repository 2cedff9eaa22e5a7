from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from networks.api.fields import InputSerializer, LinkField
from networks.models import (
    Invitation,
    Membership,
    Network,
    Organisation,
    Participation,
    WorkingGroup,
    WorkingGroupMember,
)
from networks.roles import MEMBERSHIP_ROLES, Role
from portal import clock


class NetworkSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    time_zone_name = serializers.SerializerMethodField(
        help_text=_("How the network's people name their local time, e.g. “Pristina time”.")
    )

    class Meta:
        model = Network
        fields = [
            "slug",
            "name",
            "code",
            "country",
            "region",
            "time_zone",
            "time_zone_name",
            "languages",
            "meeting_cadence",
            "minutes_approval_rule",
            "national_policy",
            "designation_footnote",
            "un_team_name",
            "coordinator_title",
        ]

    def get_time_zone_name(self, network: Network) -> str:
        return clock.clock_of(network).name


class OrganisationSerializer(serializers.ModelSerializer):
    website = LinkField(help_text=_("Null when the organisation has none."))

    class Meta:
        model = Organisation
        fields = ["id", "name", "acronym", "kind", "website"]


class OrganisationSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "acronym"]


class ParticipationSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer(read_only=True)

    class Meta:
        model = Participation
        fields = ["id", "organisation", "type", "is_national_authority", "started_at", "ended_at"]


class MemberSerializer(serializers.ModelSerializer):
    """One role held by one person for one organisation."""

    full_name = serializers.CharField(source="user.full_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    organisation = OrganisationSummarySerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "full_name", "email", "organisation", "role", "started_at", "ended_at"]


class WorkingGroupSerializer(serializers.ModelSerializer):
    lead_organisation = OrganisationSummarySerializer(read_only=True, allow_null=True)
    member_count = serializers.IntegerField(read_only=True, help_text=_("Current members."))

    class Meta:
        model = WorkingGroup
        fields = [
            "id",
            "name",
            "kind",
            "mandate",
            "lead_organisation",
            "member_count",
            "created_at",
            "closed_at",
        ]


class WorkingGroupMemberSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = WorkingGroupMember
        fields = ["full_name", "started_at"]


class WorkingGroupDetailSerializer(WorkingGroupSerializer):
    members = WorkingGroupMemberSerializer(many=True, read_only=True, source="current_members")

    class Meta(WorkingGroupSerializer.Meta):
        fields = [*WorkingGroupSerializer.Meta.fields, "members"]


class MyNetworkSerializer(serializers.Serializer):
    slug = serializers.CharField(source="network.slug")
    name = serializers.CharField(source="network.name")
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), source="sorted_roles"
    )


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    language = serializers.CharField()
    time_zone = serializers.CharField(help_text=_("Empty: the network's own time zone."))
    networks = MyNetworkSerializer(many=True)


class MembershipEndSerializer(InputSerializer):
    reason = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Kept in the membership history, e.g. “left the agency”."),
    )


class NetworkOrganisationField(serializers.PrimaryKeyRelatedField):
    """The id of an organisation taking part in the entered network."""

    default_error_messages = {
        "does_not_exist": _("Choose an organisation that takes part in this network."),
        "incorrect_type": _("Give the id of the organisation, a whole number."),
    }

    def get_queryset(self):
        return Organisation.objects.filter(
            pk__in=Participation.objects.active().values("organisation_id")
        )


class InvitationCreateSerializer(InputSerializer):
    email = serializers.EmailField(max_length=254)
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    organisation = NetworkOrganisationField(
        queryset=Organisation.objects.all(),
        help_text=_("The id of an organisation taking part in the network."),
    )
    role = serializers.ChoiceField(choices=MEMBERSHIP_ROLES)


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation as stored. The link's token is never shown: it only goes by email."""

    organisation = OrganisationSummarySerializer(read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "full_name", "organisation", "role", "created_at", "expires_at"]
