"""Base for every API view under /api/v1/networks/<network>/."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated

from networks.access import NOT_FOUND_MESSAGE, network_access_or_404
from networks.api.permissions import NetworkActionPermission, TokenScopeAllowsMethod
from networks.roles import Action


class NetworkAPIMixin:
    """Authentication first (401 for anyone anonymous, whatever the network), then the
    network (404 for anyone outside it), then the view's action (403)."""

    # Not called `action`: DRF and drf-spectacular give that name a meaning of their own.
    required_action: Action | None = None
    # Per-method, e.g. {"GET": Action.MEMBERS_VIEW, "POST": Action.MEMBERS_MANAGE}.
    required_actions: dict[str, Action] | None = None
    permission_classes = [IsAuthenticated, TokenScopeAllowsMethod]

    def get_queryset(self):
        # Schema generation has no network entered: hand drf-spectacular an empty queryset
        # of the model rather than querying (which would rightly raise).
        if getattr(self, "swagger_fake_view", False):
            return self.serializer_class.Meta.model.objects.none()
        return self.network_queryset()

    def network_queryset(self):
        raise ImproperlyConfigured(f"{type(self).__name__} must define network_queryset().")

    def action_for(self, request) -> Action | None:
        if self.required_actions:
            return self.required_actions.get(request.method, self.required_action)
        return self.required_action

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if getattr(self, "swagger_fake_view", False):
            return
        try:
            self.network_access = network_access_or_404(request.user, kwargs["network"])
        except Http404 as exc:
            raise NotFound(NOT_FOUND_MESSAGE) from exc
        self.network = self.network_access.network
        permission = NetworkActionPermission()
        if not permission.has_permission(request, self):
            self.permission_denied(request, message=permission.message)
