"""When PORTAL_REQUIRE_MFA is on, secretariat and co-chairs must set up a second factor
before they can use anything but their account pages (where they set it up, change their
password, end sessions and sign out)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from networks.roles import MFA_REQUIRED_ROLES

ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/readyz", "/i18n/", "/jsi18n/")
# Account pages that would let a script act for the person without the second factor.
GUARDED_PREFIXES = ("/accounts/tokens/", "/accounts/calendar/")


def needs_mfa(user) -> bool:
    """True when the requirement is on, the person holds a role that needs a second factor
    in any network right now, and has no authenticator app set up."""
    if not settings.PORTAL_REQUIRE_MFA or not user.is_authenticated:
        return False
    from allauth.mfa.models import Authenticator

    from networks.models import Membership
    from networks.scoping import scopes_disabled

    with scopes_disabled():
        holds_role = (
            Membership.objects.active().filter(user=user, role__in=MFA_REQUIRED_ROLES).exists()
        )
    if not holds_role:
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_required_message() -> str:
    return _(
        "Your role in a network requires two-factor authentication: set up an authenticator "
        "app to continue."
    )


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        exempt = path.startswith(ALLOWED_PREFIXES) and not path.startswith(GUARDED_PREFIXES)
        if not exempt and needs_mfa(request.user):
            if path.startswith("/api/"):
                # A browser session on the API; access tokens are refused by their own
                # authentication (accounts.api.authentication).
                return JsonResponse(
                    {
                        "error": {
                            "status": 403,
                            "code": "mfa_required",
                            "message": mfa_required_message(),
                        }
                    },
                    status=403,
                )
            messages.warning(request, mfa_required_message())
            return redirect("mfa_activate_totp")
        return self.get_response(request)
