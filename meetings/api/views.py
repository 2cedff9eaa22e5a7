"""Read-only API of meetings, their agendas and participants, with the pages' permissions:
external partners see only the meetings they are invited to."""

from django.db.models import Prefetch
from rest_framework import generics

from meetings import selectors
from meetings.api.filters import MeetingFilter
from meetings.api.serializers import (
    MeetingDetailSerializer,
    MeetingSerializer,
    MinutesVersionSerializer,
)
from meetings.models import AgendaItem, MinutesApproval, MinutesVersion, Participant
from networks.access import not_found
from networks.api.mixins import NetworkAPIMixin
from networks.roles import Action


class MeetingListView(NetworkAPIMixin, generics.ListAPIView):
    """The network's meetings, latest first (or as `when` orders them)."""

    required_action = Action.MEETINGS_VIEW
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "access": self.network_access}

    def network_queryset(self):
        return selectors.meetings_visible(access=self.network_access).order_by("-starts_at", "-pk")


class MeetingDetailView(NetworkAPIMixin, generics.RetrieveAPIView):
    """One meeting with its agenda items in order and its participants with their answers."""

    required_action = Action.MEETINGS_VIEW
    serializer_class = MeetingDetailSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "access": self.network_access}

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


class MinutesVersionListView(NetworkAPIMixin, generics.ListAPIView):
    """The versions of a meeting's minutes, newest first, each with its content, the SHA-256
    of its content and PDF, and its approvals. Approved versions for everyone who may read
    minutes; submitted and returned ones too for the secretariat and the co-chairs. Read
    only: an approved version never changes."""

    required_action = Action.MINUTES_VIEW
    serializer_class = MinutesVersionSerializer

    def network_queryset(self):
        meeting = (
            selectors.meetings_visible(access=self.network_access)
            .filter(pk=self.kwargs["meeting_id"])
            .first()
        )
        if meeting is None:
            raise not_found()
        versions = (
            MinutesVersion.objects.filter(minutes__meeting=meeting)
            .defer("pdf")
            .prefetch_related(
                Prefetch("approvals", queryset=MinutesApproval.objects.select_related("co_chair"))
            )
            .order_by("-number")
        )
        if not self.network_access.can(Action.MINUTES_DRAFT_VIEW):
            versions = versions.filter(approved_at__isnull=False)
        return versions
