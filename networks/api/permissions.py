from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework.permissions import SAFE_METHODS, BasePermission


class NetworkActionPermission(BasePermission):
    """The view's `required_action` (or `required_actions[method]`) from the one permission table."""

    message = "You are not allowed to do this in this network."

    def has_permission(self, request, view) -> bool:
        action = view.action_for(request)
        if action is None:
            raise ImproperlyConfigured(f"{type(view).__name__} must declare its required_action.")
        return view.network_access.can(action)


class TokenScopeAllowsMethod(BasePermission):
    """A read-only personal access token may only read."""

    message = "This access token is read-only."

    def has_permission(self, request, view) -> bool:
        token = getattr(request, "auth", None)
        scope = getattr(token, "scope", None)
        return request.method in SAFE_METHODS or scope in (None, "read_write")
