from rest_framework import serializers

from networks.models import (
    Invitation,
    Membership,
    Network,
    Organisation,
    Participation,
    WorkingGroup,
)


class NetworkSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Network
        fields = [
            "slug",
            "name",
            "code",
            "country",
            "region",
            "time_zone",
            "languages",
            "meeting_cadence",
            "minutes_approval_rule",
            "national_policy",
            "designation_footnote",
            "un_team_name",
            "coordinator_title",
        ]


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "acronym", "kind", "website"]


class ParticipationSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer(read_only=True)

    class Meta:
        model = Participation
        fields = ["id", "organisation", "type", "is_national_authority", "started_at", "ended_at"]


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    organisation = serializers.CharField(source="organisation.acronym", read_only=True)
    organisation_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "full_name",
            "email",
            "organisation",
            "organisation_id",
            "role",
            "started_at",
            "ended_at",
        ]


class WorkingGroupSerializer(serializers.ModelSerializer):
    lead_organisation = serializers.CharField(
        source="lead_organisation.acronym", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = WorkingGroup
        fields = ["id", "name", "kind", "mandate", "lead_organisation", "created_at", "closed_at"]


class MyNetworkSerializer(serializers.Serializer):
    slug = serializers.CharField(source="network.slug")
    name = serializers.CharField(source="network.name")
    roles = serializers.ListField(child=serializers.CharField(), source="sorted_roles")


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    language = serializers.CharField()
    time_zone = serializers.CharField()
    networks = MyNetworkSerializer(many=True)


class MembershipEndSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class InvitationSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())

    class Meta:
        model = Invitation
        fields = ["id", "email", "full_name", "organisation", "role", "created_at", "expires_at"]
        read_only_fields = ["id", "created_at", "expires_at"]
