"""The API of networks: the caller, their networks, and in a network its organisations,
members and working groups; the secretariat ends memberships and invites people.

Views stay thin: reads are querysets of the entered network, writes call networks.services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from networks import selectors, services
from networks.access import networks_of
from networks.api.filters import MemberFilter, ParticipationFilter
from networks.api.mixins import APIMethodsMixin, NetworkAPIMixin
from networks.api.serializers import (
    InvitationCreateSerializer,
    InvitationSerializer,
    MemberSerializer,
    MembershipEndSerializer,
    MeSerializer,
    NetworkSerializer,
    ParticipationSerializer,
    WorkingGroupDetailSerializer,
    WorkingGroupSerializer,
)
from networks.models import (
    Invitation,
    Membership,
    Network,
    Participation,
    WorkingGroupMember,
)
from networks.roles import Action

# Who grants and ends roles: the secretariat most of them, a serving co-chair the co-chair
# role (networks.roles.ROLE_MANAGED_BY). Either lets the caller in; the service decides.
MANAGING_ROLES = (Action.MEMBERS_MANAGE, Action.CO_CHAIRS_MANAGE)


class MeView(APIMethodsMixin, generics.GenericAPIView):
    """The caller, and the networks they hold a role in with those roles."""

    serializer_class = MeSerializer

    def get(self, request, *args, **kwargs):
        user = request.user
        data = {
            "email": user.email,
            "full_name": user.full_name,
            "language": user.language,
            "time_zone": user.time_zone,
            "networks": networks_of(user),
        }
        return Response(self.get_serializer(data).data)


class MyNetworksView(APIMethodsMixin, generics.ListAPIView):
    """The networks the caller holds a role in, by name."""

    serializer_class = NetworkSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Network.objects.none()
        ids = [item.network.pk for item in networks_of(self.request.user)]
        return Network.objects.filter(pk__in=ids).select_related("region").order_by("name", "pk")


class NetworkDetailView(NetworkAPIMixin, generics.GenericAPIView):
    """The network itself."""

    required_action = Action.NETWORK_VIEW
    serializer_class = NetworkSerializer

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.network).data)


class OrganisationListView(NetworkAPIMixin, generics.ListAPIView):
    """The organisations taking part in the network now, with how (member, observer,
    external partner) and which is the national authority; by type, then acronym."""

    required_action = Action.MEMBERS_VIEW
    serializer_class = ParticipationSerializer
    filterset_class = ParticipationFilter

    def network_queryset(self):
        return (
            Participation.objects.active()
            .select_related("organisation")
            .order_by("type", "organisation__acronym", "organisation__name", "pk")
        )


class MemberListView(NetworkAPIMixin, generics.ListAPIView):
    """The people holding a role in the network now, one row per role; by organisation,
    then name."""

    required_action = Action.MEMBERS_VIEW
    serializer_class = MemberSerializer
    filterset_class = MemberFilter

    def network_queryset(self):
        return (
            Membership.objects.active()
            .select_related("user", "organisation")
            .order_by(
                "organisation__acronym",
                "organisation__name",
                "user__full_name",
                "user__email",
                "role",
                "pk",
            )
        )


class MemberDetailView(NetworkAPIMixin, generics.RetrieveAPIView):
    """One membership, also after it has ended (`ended_at` says when)."""

    required_action = Action.MEMBERS_VIEW
    serializer_class = MemberSerializer

    def network_queryset(self):
        return Membership.objects.select_related("user", "organisation")


class WorkingGroupListView(NetworkAPIMixin, generics.ListAPIView):
    """The network's working groups, by name. External partners see only the groups they
    belong to."""

    required_action = Action.WORKING_GROUPS_VIEW
    serializer_class = WorkingGroupSerializer

    def network_queryset(self):
        return selectors.working_groups_visible(access=self.network_access)


class WorkingGroupDetailView(NetworkAPIMixin, generics.RetrieveAPIView):
    """One working group with its current members. A group an external partner does not
    belong to is a 404 for them."""

    required_action = Action.WORKING_GROUPS_VIEW
    serializer_class = WorkingGroupDetailSerializer

    def network_queryset(self):
        members = (
            WorkingGroupMember.objects.filter(ended_at__isnull=True)
            .select_related("user")
            .order_by("user__full_name", "user__email", "pk")
        )
        return selectors.working_groups_visible(access=self.network_access).prefetch_related(
            Prefetch("members", queryset=members, to_attr="current_members")
        )


class MembershipEndView(NetworkAPIMixin, generics.GenericAPIView):
    """End a membership: the secretariat any role but a co-chair's, a serving co-chair a
    co-chair's (403 otherwise). The row is kept with its end date and reason; the person
    loses the role on their next request. Ending an ended membership, or the network's last
    secretariat or last co-chair, is a 409."""

    required_action = MANAGING_ROLES
    serializer_class = MembershipEndSerializer
    schema_model = Membership
    extra_error_statuses = (status.HTTP_409_CONFLICT,)

    def network_queryset(self):
        return Membership.objects.select_related("user", "organisation")

    @extend_schema(responses={200: MemberSerializer})
    def post(self, request, *args, **kwargs):
        membership = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The service checks under a row lock, so two secretaries ending the same membership
        # at once get one 200 and one 409 (workflow.status_of, in the error handler).
        ended = services.membership_end(
            membership=membership,
            ended_by=request.user,
            reason=serializer.validated_data["reason"],
        )
        ended.user, ended.organisation = membership.user, membership.organisation
        return Response(MemberSerializer(ended).data)


class InvitationCreateView(NetworkAPIMixin, generics.GenericAPIView):
    """Invite a person by email into a role and organisation of the network: the secretariat
    into any role but co-chair, a serving co-chair into the co-chair role (403 otherwise).
    Nobody invites themselves, and nobody is both secretariat and co-chair (400). The link
    expires after seven days and works once; it goes out by email after the invitation is
    stored and is never part of the response."""

    required_action = MANAGING_ROLES
    serializer_class = InvitationCreateSerializer
    schema_model = Invitation

    @extend_schema(responses={201: InvitationSerializer})
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            invitation, _token = services.invitation_create(
                network=self.network,
                email=data["email"],
                full_name=data.get("full_name", ""),
                organisation=data["organisation"],
                role=data["role"],
                invited_by=request.user,
            )
            services.invitation_email(
                invitation=invitation,
                sender=request.user,
                language=get_language() or settings.LANGUAGE_CODE,
            )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)
