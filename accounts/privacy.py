"""What the lower apps need to know of an erased person: the pseudonym, recognising a former
address in a frozen record, and a frozen minutes' attendance as pages show it. The export,
the erasure itself and retention read and change rows of every app, so they are the top
layer's app `privacy` (privacy/services.py; docs/adr/0005-personal-data.md).

A person is not tenant-owned: their rows lie in every network they take part in, so these
functions read under `scopes_disabled()`, always filtered by the person."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from accounts.models import Erasure, User
from networks.scoping import scopes_disabled

MAX_REASON = 500
# RFC 2606: a name under .invalid is never delivered anywhere.
PLACEHOLDER_DOMAIN = "erased.invalid"


def address_digest(address: str) -> str:
    """A keyed SHA-256 of an email address: recognises a former address in a frozen record
    without keeping the address. Keyed with SECRET_KEY so that it cannot be looked up from a
    list of addresses by someone who has the database only."""
    key = hashlib.sha256(b"portal.privacy.address:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, address.strip().lower().encode(), hashlib.sha256).hexdigest()


# --- Erasure -----------------------------------------------------------------------------


def pseudonym_for(user: User) -> str:
    """“a former focal point of UNDP”: the organisation of the person's latest role, which
    is what the network's records need to say about who acted."""
    from networks.models import Membership

    with scopes_disabled():
        latest = (
            Membership.objects.filter(user=user)
            .select_related("organisation")
            .order_by("-started_at", "-pk")
            .first()
        )
    if latest is None:
        return "a former user of the portal"
    organisation = latest.organisation
    return f"a former focal point of {organisation.acronym or organisation.name}"


def erasure_preview(user: User) -> dict[str, Any]:
    """What `person_erase` would do, for the operator's confirmation page and the command."""
    from networks.models import Membership

    with scopes_disabled():
        memberships = list(
            Membership.objects.active()
            .filter(user=user)
            .select_related("network", "organisation")
            .order_by("network__name", "role")
        )
    return {"pseudonym": pseudonym_for(user), "memberships": memberships}


def masked_attendance(content: dict[str, Any]) -> dict[str, Any]:
    """A frozen minutes content as the pages show it: an erased person in its attendance is
    shown by their pseudonym, without their former address. The stored content is never
    changed (its SHA-256 is what the co-chairs signed). One query."""
    rows = content.get("attendance") or []
    if not rows:
        return content
    digests = {address_digest(row.get("email", "")): i for i, row in enumerate(rows)}
    erased = dict(
        Erasure.objects.filter(address_digest__in=digests).values_list(
            "address_digest", "pseudonym"
        )
    )
    if not erased:
        return content
    shown = []
    for row in rows:
        pseudonym = erased.get(address_digest(row.get("email", "")))
        shown.append({**row, "email": "", "name": pseudonym} if pseudonym else row)
    return {**content, "attendance": shown}


# The erasure itself changes rows of every app, so it is the top layer's (privacy.services);
# the privacy app registers it here in its ready() for the operators' admin action.
_eraser: Callable[..., Erasure] | None = None


def register_eraser(eraser: Callable[..., Erasure]) -> None:
    global _eraser
    _eraser = eraser


def person_erase(*, user: User, by: User | None, reason: str) -> Erasure:
    """Erase a person on their request (privacy.services.person_erase)."""
    if _eraser is None:
        raise ImproperlyConfigured("The privacy app is not installed: nothing can erase.")
    return _eraser(user=user, by=by, reason=reason)
