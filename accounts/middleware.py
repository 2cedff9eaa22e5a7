"""When PORTAL_REQUIRE_MFA is on, secretariat and co-chairs must set up a second factor
before they can use anything but their account pages (where they set it up, change their
password, end sessions and sign out)."""

from __future__ import annotations

import time

from allauth.account.adapter import get_adapter
from allauth.usersessions.models import UserSession
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


# How stale a session's "last seen" may be. allauth's own middleware writes the session's row
# on every request (a transaction, two reads and an UPDATE); once a minute is as much as the
# sessions page needs.
ACTIVITY_INTERVAL_SECONDS = 60
_SEEN = "_portal_session_seen"


def _now() -> float:
    return time.time()  # wall-clock seconds: every web process reads the same session


class UserSessionActivityMiddleware:
    """allauth's session tracking (the person's list of places they are signed in), written
    when the session is new to it, when its address or browser changed, and otherwise at
    most once a minute. What was last written is kept in the session itself, so a request
    in between costs no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and session.session_key and user and user.is_authenticated:
            self._record(request, session)
        return self.get_response(request)

    @staticmethod
    def _record(request, session) -> None:
        client = [
            session.session_key,
            get_adapter().get_client_ip(request),
            request.META.get("HTTP_USER_AGENT", "")[:200],
        ]
        seen = session.get(_SEEN)
        now = _now()
        if seen and seen[:3] == client and now - seen[3] < ACTIVITY_INTERVAL_SECONDS:
            return
        UserSession.objects.create_from_request(request)
        session[_SEEN] = [*client, now]
