"""When PORTAL_REQUIRE_MFA is on, secretariat, co-chairs and the platform operators must set up
a second factor before they can use anything but their account pages (where they set it up,
change their password, end sessions and sign out) — unless this session's sign-in at their
agency's identity provider proved one (its `amr`/`acr` claims, accounts.identity).

Sessions end after a time without activity (shorter for operators) and after an absolute
lifetime (SessionLifetimeMiddleware)."""

from __future__ import annotations

import time

from allauth.account.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from networks.roles import MFA_REQUIRED_ROLES

ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/readyz", "/i18n/", "/jsi18n/")
# Account pages that make something that goes on working after this session (a personal
# access token, a calendar feed's address): without the second factor they would let a script
# act for the person. Here the identity provider's proof does not count, since it belongs to
# this sign-in only and a token is later used without it (accounts.api.authentication asks
# needs_mfa without a session): these need the portal's own authenticator app.
GUARDED_PREFIXES = ("/accounts/tokens/", "/accounts/calendar/")


def needs_mfa(user, request=None) -> bool:
    """True when the requirement is on, the person is a platform operator or holds a role
    that needs a second factor in any network right now, has no authenticator app set up,
    and (with a request) did not sign in this session through an identity provider that
    proved a second factor."""
    if not settings.PORTAL_REQUIRE_MFA or not user.is_authenticated:
        return False
    from allauth.mfa.models import Authenticator

    from accounts.identity import IDP_MFA_SESSION_KEY
    from networks.models import Membership
    from networks.scoping import scopes_disabled

    if request is not None and request.session.get(IDP_MFA_SESSION_KEY):
        return False
    if not user.is_staff:
        if request is not None and request.user is user:
            # The person's networks, computed once for the request (the page and its header
            # reuse them): no query of its own.
            from networks.access import my_networks

            holds_role = any(mine.roles & MFA_REQUIRED_ROLES for mine in my_networks(request))
        else:
            with scopes_disabled():
                holds_role = (
                    Membership.objects.active()
                    .filter(user=user, role__in=MFA_REQUIRED_ROLES)
                    .exists()
                )
        if not holds_role:
            return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def token_mfa_message() -> str:
    return _(
        "Personal access tokens and calendar feeds need an authenticator app in the portal: "
        "they go on working after your sign-in at your organisation ends. Set one up to "
        "continue."
    )


def mfa_required_message(user=None) -> str:
    if user is not None and user.is_staff:
        return _(
            "Platform operators must use two-factor authentication: set up an authenticator "
            "app to continue."
        )
    return _(
        "Your role in a network requires two-factor authentication: set up an authenticator "
        "app to continue."
    )


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        guarded = path.startswith(GUARDED_PREFIXES)
        exempt = path.startswith(ALLOWED_PREFIXES) and not guarded
        if guarded and not needs_mfa(request.user, request) and needs_mfa(request.user):
            # Signed in with the provider's proof of a second factor, but no app of the portal.
            messages.warning(request, token_mfa_message())
            return redirect("mfa_activate_totp")
        if not exempt and needs_mfa(request.user, request):
            if path.startswith("/api/"):
                # A browser session on the API; access tokens are refused by their own
                # authentication (accounts.api.authentication).
                return JsonResponse(
                    {
                        "error": {
                            "status": 403,
                            "code": "mfa_required",
                            "message": mfa_required_message(request.user),
                        }
                    },
                    status=403,
                )
            messages.warning(request, mfa_required_message(request.user))
            return redirect("mfa_activate_totp")
        return self.get_response(request)


# How stale a session's "last seen" may be (settings.SESSION_ACTIVITY_RESOLUTION, seconds).
# allauth's own middleware writes the session's row on every request (a transaction, two reads
# and an UPDATE), and a session whose "last seen" changes is saved again: a plain GET within the
# resolution of the last write writes nothing.
def activity_resolution() -> int:
    return settings.SESSION_ACTIVITY_RESOLUTION


_SEEN = "_portal_session_seen"


def _now() -> float:
    return time.time()  # wall-clock seconds: every web process reads the same session


class UserSessionActivityMiddleware:
    """allauth's session tracking (the person's list of places they are signed in), written
    when the session is new to it, when its address or browser changed, and otherwise at
    most once every SESSION_ACTIVITY_RESOLUTION seconds. What was last written is kept in the session itself, so a request
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
        if seen and seen[:3] == client and now - seen[3] < activity_resolution():
            return
        UserSession.objects.create_from_request(request)
        session[_SEEN] = [*client, now]


SIGNED_IN_AT = "_portal_signed_in_at"
LAST_SEEN_AT = "_portal_last_seen_at"


def idle_limit_seconds(user) -> int:
    minutes = (
        settings.PORTAL_OPERATOR_SESSION_IDLE_MINUTES
        if user.is_staff
        else settings.PORTAL_SESSION_IDLE_MINUTES
    )
    return minutes * 60


class SessionLifetimeMiddleware:
    """Signs a person out after PORTAL_SESSION_IDLE_MINUTES without a request (operators:
    PORTAL_OPERATOR_SESSION_IDLE_MINUTES), and PORTAL_SESSION_MAX_DAYS after they signed in
    whatever they do. The request then goes on as anonymous (a page sends them to sign in,
    the API answers 401). The last activity is written at most once every
    SESSION_ACTIVITY_RESOLUTION seconds, so the idle limit counts from a time up to that much
    before the last request: a person may be signed out up to the resolution early (never
    late); the limit is checked against every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request, user)
        return self.get_response(request)

    @staticmethod
    def _check(request, user) -> None:
        session = request.session
        now = _now()
        signed_in = session.get(SIGNED_IN_AT)
        seen = session.get(LAST_SEEN_AT)
        if signed_in is None:
            # A session from before these limits: its lifetime starts now.
            session[SIGNED_IN_AT] = signed_in = now
        if seen is not None and now - seen > idle_limit_seconds(user):
            logout(request)
            messages.info(request, _("You were signed out after a time without activity."))
            return
        if now - signed_in > settings.PORTAL_SESSION_MAX_DAYS * 24 * 3600:
            logout(request)
            messages.info(request, _("Your session reached its time limit: sign in again."))
            return
        if seen is None or now - seen >= activity_resolution():
            session[LAST_SEEN_AT] = now


PROVIDER_ORIGINS_KEY = "accounts:identity-provider-origins"


def provider_origins() -> list[str]:
    """The origins of the active identity providers (scheme://host[:port]), cached until a
    provider changes (accounts.signals)."""
    from urllib.parse import urlsplit

    from django.core.cache import cache

    from accounts.models import IdentityProvider

    origins = cache.get(PROVIDER_ORIGINS_KEY)
    if origins is None:
        origins = sorted(
            {
                f"{parts.scheme}://{parts.netloc}"
                for parts in (
                    urlsplit(issuer)
                    for issuer in IdentityProvider.objects.filter(is_active=True).values_list(
                        "issuer", flat=True
                    )
                )
                if parts.scheme == "https" or parts.hostname in ("127.0.0.1", "localhost")
            }
        )
        cache.set(PROVIDER_ORIGINS_KEY, origins, 300)
    return origins


class ProviderFormActionMiddleware:
    """The CSP's `form-action 'self'` also governs where a submitted form's redirects may go:
    signing in (or accepting an invitation) with an agency's account posts a form that
    redirects to its provider. So HTML pages allow the active providers' origins as form
    targets, and nothing else. Listed after csp's middleware, so that its answer is set before
    the policy is written."""

    def __init__(self, get_response):
        self.get_response = get_response

    # The pages whose forms can lead to a provider: sign-in (allauth's and the provider's
    # own confirmation page) and accepting an invitation.
    PATHS = ("/accounts/",)

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.PATHS) and response.get("Content-Type", "").startswith(
            "text/html"
        ):
            origins = provider_origins()
            if origins:
                response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]
        return response
