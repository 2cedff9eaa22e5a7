from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from networks import selectors, services
from networks.access import networks_of
from networks.api.errors import Conflict
from networks.api.filters import MemberFilter, ParticipationFilter
from networks.api.mixins import NetworkAPIMixin
from networks.api.serializers import (
    InvitationSerializer,
    MemberSerializer,
    MembershipEndSerializer,
    MeSerializer,
    NetworkSerializer,
    ParticipationSerializer,
    WorkingGroupSerializer,
)
from networks.models import Invitation, Membership, Network, Participation
from networks.roles import Action
from networks.tasks import send_invitation_email


class MyNetworksView(generics.ListAPIView):
    """The networks the caller holds a role in."""

    serializer_class = NetworkSerializer
    queryset = Network.objects.none()

    def get_queryset(self):
        ids = [item.network.pk for item in networks_of(self.request.user)]
        return Network.objects.filter(pk__in=ids).select_related("region").order_by("name")


class NetworkDetailView(NetworkAPIMixin, generics.GenericAPIView):
    """The network itself."""

    required_action = Action.NETWORK_VIEW
    serializer_class = NetworkSerializer

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.network).data)


class OrganisationListView(NetworkAPIMixin, generics.ListAPIView):
    required_action = Action.MEMBERS_VIEW
    serializer_class = ParticipationSerializer
    filterset_class = ParticipationFilter

    def network_queryset(self):
        return Participation.objects.active().select_related("organisation")


class MemberListView(NetworkAPIMixin, generics.ListAPIView):
    required_action = Action.MEMBERS_VIEW
    serializer_class = MemberSerializer
    filterset_class = MemberFilter

    def network_queryset(self):
        return Membership.objects.active().select_related("user", "organisation")


class MemberDetailView(NetworkAPIMixin, generics.RetrieveAPIView):
    required_action = Action.MEMBERS_VIEW
    serializer_class = MemberSerializer

    def network_queryset(self):
        return Membership.objects.select_related("user", "organisation")


class WorkingGroupListView(NetworkAPIMixin, generics.ListAPIView):
    required_action = Action.WORKING_GROUPS_VIEW
    serializer_class = WorkingGroupSerializer

    def network_queryset(self):
        return selectors.working_groups_visible(access=self.network_access)


class WorkingGroupDetailView(NetworkAPIMixin, generics.RetrieveAPIView):
    required_action = Action.WORKING_GROUPS_VIEW
    serializer_class = WorkingGroupSerializer

    def network_queryset(self):
        return selectors.working_groups_visible(access=self.network_access)


class MeView(generics.GenericAPIView):
    """The caller, and the networks they hold a role in."""

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


class MembershipEndView(NetworkAPIMixin, generics.GenericAPIView):
    """End a membership (secretariat). The row is kept with its end date and reason."""

    required_action = Action.MEMBERS_MANAGE
    serializer_class = MembershipEndSerializer
    extra_error_statuses = (409,)

    def network_queryset(self):
        return Membership.objects.select_related("user", "organisation")

    @extend_schema(responses={200: MemberSerializer})
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = self.get_object()
        if membership.ended_at is not None:
            raise Conflict(_("This membership has already ended."))
        ended = services.membership_end(
            membership=membership, ended_by=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(MemberSerializer(ended).data)


class InvitationCreateView(NetworkAPIMixin, generics.GenericAPIView):
    """Invite a person into a role and organisation of the network (secretariat). The email
    with the link goes out after the invitation is stored."""

    required_action = Action.MEMBERS_MANAGE
    serializer_class = InvitationSerializer

    def network_queryset(self):
        return Invitation.objects.all()

    @extend_schema(responses={201: InvitationSerializer})
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            invitation, token = services.invitation_create(
                network=self.network,
                email=data["email"],
                full_name=data.get("full_name", ""),
                organisation=data["organisation"],
                role=data["role"],
                invited_by=request.user,
            )
            language = get_language() or "en"
            transaction.on_commit(
                lambda: send_invitation_email.delay(invitation.pk, token, language)
            )
        return Response(InvitationSerializer(invitation).data, status=201)
