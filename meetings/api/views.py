"""Read-only API of meetings, their agendas and participants, with the pages' permissions:
external partners see only the meetings they are invited to."""

from django.db.models import Prefetch
from rest_framework import generics

from meetings import selectors
from meetings.api.filters import MeetingFilter
from meetings.api.serializers import MeetingDetailSerializer, MeetingSerializer
from meetings.models import AgendaItem, Participant
from networks.api.mixins import NetworkAPIMixin
from networks.roles import Action


class MeetingListView(NetworkAPIMixin, generics.ListAPIView):
    """The network's meetings, latest first (or as `when` orders them)."""

    required_action = Action.MEETINGS_VIEW
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter

    def network_queryset(self):
        return selectors.meetings_visible(access=self.network_access).order_by("-starts_at", "-pk")


class MeetingDetailView(NetworkAPIMixin, generics.RetrieveAPIView):
    """One meeting with its agenda items in order and its participants with their answers."""

    required_action = Action.MEETINGS_VIEW
    serializer_class = MeetingDetailSerializer

    def network_queryset(self):
        return selectors.meetings_visible(access=self.network_access).prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("presenter", "presenter_organisation"),
            ),
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related(
                    "user", "organisation", "delegate"
                ).order_by("user__full_name", "user__email"),
            ),
        )
