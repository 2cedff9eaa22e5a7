"""When PORTAL_REQUIRE_MFA is on, secretariat and co-chairs must set up a second factor
before they can use anything but the MFA set-up pages and sign-out."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect

from networks.roles import MFA_REQUIRED_ROLES

ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/readyz", "/i18n/", "/jsi18n/")


def needs_mfa(user) -> bool:
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


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.PORTAL_REQUIRE_MFA
            and request.user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and not request.path.startswith("/api/")
            and needs_mfa(request.user)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
