"""How the API knows who calls: a personal access token (`Authorization: Bearer np_…`) or the
browser's session. A revoked, expired or unknown token is a 401 with the API's error body; a
read-only token may only read (networks.api.permissions.TokenScopeAllowsMethod asks the
token's `allows_writes`)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import (
    BaseAuthentication,
    CSRFCheck,
    SessionAuthentication,
    get_authorization_header,
)

from accounts.middleware import mfa_required_message, needs_mfa
from accounts.models import AccessToken, hash_token
from accounts.signals import access_token_used

# Longer than any token the portal makes; a longer one is not looked up at all.
MAX_TOKEN_LENGTH = 200


def refuse_without_second_factor(user) -> None:
    """With PORTAL_REQUIRE_MFA on, the secretariat and co-chairs use nothing but their
    account pages until they have a second factor. A browser session is stopped by
    accounts.middleware.RequireMFAMiddleware; a token (perhaps made before the rule applied)
    is stopped here."""
    if needs_mfa(user):
        raise exceptions.PermissionDenied(mfa_required_message(), code="mfa_required")


class AccessTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as “Authorization: Bearer <token>”.")
            )
        invalid = exceptions.AuthenticationFailed(
            _("This access token is not valid: it is unknown, revoked or expired.")
        )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise invalid from exc
        if not raw.startswith(AccessToken.PREFIX) or len(raw) > MAX_TOKEN_LENGTH:
            raise invalid
        token = AccessToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
        if token is None or not token.is_usable or not token.user.is_active:
            raise invalid
        refuse_without_second_factor(token.user)
        now = timezone.now()
        # At most one write a minute per token, so a busy script does not write on every call.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        # The audit trail keeps the first use of each day, not every call.
        if token.last_used_at is None or token.last_used_at.date() != now.date():
            access_token_used.send(sender=AccessToken, token=token, request=request)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


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
