from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission


class NetworkActionPermission(BasePermission):
    """The view's `required_action` (or `required_actions[method]`) from the one permission
    table, for the person's roles in the entered network."""

    message = _("Your role in this network does not allow this.")
    code = "not_allowed"  # as a refused step of a service (workflow.Refusal)

    def has_permission(self, request, view) -> bool:
        action = view.action_for(request)
        if action is None:
            raise ImproperlyConfigured(f"{type(view).__name__} must declare its required_action.")
        return view.network_access.can_any(action)


class TokenScopeAllowsMethod(BasePermission):
    """A read-only personal access token may only read. The token (`request.auth`) says so
    itself (`allows_writes`, accounts.models.AccessToken); a session has no token."""

    message = _("This access token is read-only: make a read and write token to change things.")
    code = "read_only_token"

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return getattr(request.auth, "allows_writes", True)
