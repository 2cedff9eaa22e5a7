from rest_framework import generics

from networks.access import networks_of
from networks.api.mixins import NetworkAPIMixin
from networks.api.serializers import (
    MemberSerializer,
    NetworkSerializer,
    ParticipationSerializer,
    WorkingGroupSerializer,
)
from networks.models import Membership, Network, Participation, WorkingGroup
from networks.roles import Action


class MyNetworksView(generics.ListAPIView):
    """The networks the caller holds a role in."""

    serializer_class = NetworkSerializer
    queryset = Network.objects.none()

    def get_queryset(self):
        ids = [item.network.pk for item in networks_of(self.request.user)]
        return Network.objects.filter(pk__in=ids).select_related("region").order_by("name")


class NetworkDetailView(NetworkAPIMixin, generics.GenericAPIView):
    action = Action.NETWORK_VIEW
    serializer_class = NetworkSerializer

    def get(self, request, *args, **kwargs):
        from rest_framework.response import Response

        return Response(self.get_serializer(self.network).data)


class OrganisationListView(NetworkAPIMixin, generics.ListAPIView):
    action = Action.MEMBERS_VIEW
    serializer_class = ParticipationSerializer
    filterset_fields = ["type", "is_national_authority"]

    def get_queryset(self):
        return Participation.objects.active().select_related("organisation")


class MemberListView(NetworkAPIMixin, generics.ListAPIView):
    action = Action.MEMBERS_VIEW
    serializer_class = MemberSerializer
    filterset_fields = ["role", "organisation"]

    def get_queryset(self):
        return Membership.objects.active().select_related("user", "organisation")


class MemberDetailView(NetworkAPIMixin, generics.RetrieveAPIView):
    action = Action.MEMBERS_VIEW
    serializer_class = MemberSerializer

    def get_queryset(self):
        return Membership.objects.select_related("user", "organisation")


class WorkingGroupListView(NetworkAPIMixin, generics.ListAPIView):
    action = Action.WORKING_GROUPS_VIEW
    serializer_class = WorkingGroupSerializer

    def get_queryset(self):
        return WorkingGroup.objects.select_related("lead_organisation")


class WorkingGroupDetailView(NetworkAPIMixin, generics.RetrieveAPIView):
    action = Action.WORKING_GROUPS_VIEW
    serializer_class = WorkingGroupSerializer

    def get_queryset(self):
        return WorkingGroup.objects.select_related("lead_organisation")
