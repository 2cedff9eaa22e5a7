"""Writes on people's own accounts: personal access tokens."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccessToken, User, hash_token


def access_token_create(
    *, user: User, name: str, scope: str, expires_on: dt.date | None = None
) -> tuple[AccessToken, str]:
    """The person themself. Returns the token and its secret, which is never stored and is
    shown once."""
    if scope not in AccessToken.Scope.values:
        raise ValidationError(_("Choose read-only or read and write access."))
    raw = AccessToken.generate()
    expires_at = None
    if expires_on is not None:
        expires_at = dt.datetime.combine(expires_on, dt.time.max, tzinfo=dt.UTC)
    token = AccessToken.objects.create(
        user=user,
        name=name.strip(),
        scope=scope,
        key_prefix=raw[:10],
        key_hash=hash_token(raw),
        expires_at=expires_at,
    )
    return token, raw


@transaction.atomic
def access_token_revoke(*, token: AccessToken) -> AccessToken:
    """The token's owner. Revoking twice changes nothing."""
    locked = AccessToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked
