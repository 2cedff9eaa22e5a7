"""Base for every API view under /api/v1/networks/<network>/."""

from __future__ import annotations

from django.http import Http404
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated

from networks.access import NOT_FOUND_MESSAGE, network_access_or_404
from networks.api.permissions import NetworkActionPermission, TokenScopeAllowsMethod
from networks.roles import Action


class NetworkAPIMixin:
    """Authentication first (401 for anyone anonymous, whatever the network), then the
    network (404 for anyone outside it), then the view's action (403)."""

    action: Action | None = None
    # Per-method actions, e.g. {"GET": Action.MEMBERS_VIEW, "POST": Action.MEMBERS_MANAGE}.
    actions: dict[str, Action] | None = None
    permission_classes = [IsAuthenticated, TokenScopeAllowsMethod]

    def required_action(self, request) -> Action | None:
        if self.actions:
            return self.actions.get(request.method, self.actions.get("*", self.action))
        return self.action

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
