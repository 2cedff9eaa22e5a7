"""The network's audit trail, read-only, for the secretariat and the co-chairs."""

from rest_framework import generics

from audit import selectors
from audit.api.serializers import AuditEventSerializer
from audit.filters import AuditFilter
from networks.api.mixins import NetworkAPIMixin
from networks.roles import Action


class AuditEventListView(NetworkAPIMixin, generics.ListAPIView):
    """Every recorded step, role change and restricted download of the network, newest
    first; filter by person, organisation, object, step, kind and dates."""

    required_action = Action.AUDIT_VIEW
    serializer_class = AuditEventSerializer
    filterset_class = AuditFilter

    def network_queryset(self):
        return selectors.network_events()
