"""Read-only API of the network's mailings, for the secretariat."""

from django.db.models import Prefetch
from rest_framework import generics

from circulation import selectors
from circulation.api.serializers import CirculationDetailSerializer, CirculationSerializer
from circulation.models import Delivery
from networks.api.mixins import NetworkAPIMixin
from networks.roles import Action


class CirculationListView(NetworkAPIMixin, generics.ListAPIView):
    """Every mailing of the network, newest first, with delivery counts by status."""

    required_action = Action.CIRCULATIONS_VIEW
    serializer_class = CirculationSerializer

    def network_queryset(self):
        return selectors.circulations_with_counts()


class CirculationDetailView(NetworkAPIMixin, generics.RetrieveAPIView):
    """One mailing with every delivery and its state."""

    required_action = Action.CIRCULATIONS_VIEW
    serializer_class = CirculationDetailSerializer

    def network_queryset(self):
        return selectors.circulations_with_counts().prefetch_related(
            Prefetch("deliveries", queryset=Delivery.objects.order_by("address"))
        )
