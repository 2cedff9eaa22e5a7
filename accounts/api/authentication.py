"""Personal access tokens: `Authorization: Bearer np_…`. A revoked, expired or unknown token
is a 401 with the API's error body; a read-only token may only read
(networks.api.permissions.TokenScopeAllowsMethod)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts.models import AccessToken, hash_token
from accounts.signals import access_token_used
from networks.api.authentication import refuse_without_second_factor

# Longer than any token the portal makes; a longer one is not looked up at all.
MAX_TOKEN_LENGTH = 200


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
