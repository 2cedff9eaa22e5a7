"""Session authentication for the browser, and the second-factor rule for access tokens."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import CSRFCheck, SessionAuthentication


def refuse_without_second_factor(user) -> None:
    """With PORTAL_REQUIRE_MFA on, the secretariat and co-chairs use nothing but their
    account pages until they have a second factor. A browser session is stopped by
    accounts.middleware.RequireMFAMiddleware; a token (perhaps made before the rule applied)
    is stopped here."""
    from accounts.middleware import mfa_required_message, needs_mfa

    if needs_mfa(user):
        raise exceptions.PermissionDenied(mfa_required_message(), code="mfa_required")


class PortalSessionAuthentication(SessionAuthentication):
    """The browser's session. Requests that change something must carry the CSRF token
    (cookie `csrftoken`, header `X-CSRFToken`); scripts use access tokens instead.

    Its `WWW-Authenticate` header makes DRF answer 401 (not 403) to anonymous requests, so
    an anonymous caller always gets the same 401."""

    def enforce_csrf(self, request) -> None:
        check = CSRFCheck(lambda request: None)
        check.process_request(request)
        if check.process_view(request, None, (), {}):
            raise exceptions.PermissionDenied(
                _(
                    "The CSRF token is missing or wrong. A browser sends the csrftoken cookie "
                    "in the X-CSRFToken header; a script uses a personal access token."
                ),
                code="csrf_failed",
            )

    def authenticate_header(self, request) -> str:
        return 'Session realm="api"'
