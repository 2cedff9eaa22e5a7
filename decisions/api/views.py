"""Read-only API of the decision register, with the pages' permissions: external partners
see the decisions that concern the state."""

from django.db.models import Prefetch
from rest_framework import generics

from decisions.api.serializers import DecisionDetailSerializer, DecisionSerializer
from decisions.models import Decision, Position, Procedure
from networks.api.mixins import NetworkAPIMixin
from networks.roles import Action, Role


class DecisionAPIMixin(NetworkAPIMixin):
    required_action = Action.DECISIONS_VIEW
    schema_model = Decision

    def visible(self):
        decisions = Decision.objects.all()
        if self.network_access.roles <= {Role.EXTERNAL_PARTNER, Role.REGIONAL_VIEWER}:
            decisions = decisions.filter(concerns_state=True)
        return decisions


class DecisionListView(DecisionAPIMixin, generics.ListAPIView):
    """The register, latest first."""

    serializer_class = DecisionSerializer

    def network_queryset(self):
        return self.visible().order_by("-year", "-sequence", "-created_at", "-pk")


class DecisionDetailView(DecisionAPIMixin, generics.RetrieveAPIView):
    """One decision with its written procedures and each organisation's position."""

    serializer_class = DecisionDetailSerializer

    def network_queryset(self):
        positions = Position.objects.select_related("organisation", "recorded_by")
        return self.visible().prefetch_related(
            Prefetch(
                "procedures",
                queryset=Procedure.objects.prefetch_related(
                    Prefetch("positions", queryset=positions)
                ),
            )
        )
