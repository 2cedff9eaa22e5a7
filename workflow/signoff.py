"""Who must sign, who has signed, who is still awaited — and the check every signature
passes: the signer saw the content whose hash is current, and has not signed it already."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from workflow.core import Refusal


class Rule(StrEnum):
    """The two rules a network chooses from (the values of networks' ApprovalRule)."""

    ALL_CO_CHAIRS = "all_co_chairs"
    ANY_CO_CHAIR = "any_co_chair"


@dataclass(frozen=True)
class Signoff:
    """Where a sign-off stands. `signed` keeps the order people signed in; `awaited` is who
    the rule still waits for (empty once complete)."""

    rule: Rule
    in_office: frozenset[int]
    signed: tuple[int, ...]

    @property
    def complete(self) -> bool:
        if not self.signed:
            return False
        if self.rule == Rule.ANY_CO_CHAIR:
            return True
        # Every co-chair in office now; one who left after signing still counts as signed.
        return self.in_office <= set(self.signed)

    @property
    def awaited(self) -> list[int]:
        if self.complete:
            return []
        return sorted(self.in_office - set(self.signed))


def evaluate(*, rule: str, in_office: Iterable[int], signed: Iterable[int]) -> Signoff:
    """The sign-off under `rule` of the people `in_office` (user ids of the co-chairs now)
    once `signed` (user ids, in signing order) have signed."""
    order = tuple(dict.fromkeys(signed))
    return Signoff(rule=Rule(rule), in_office=frozenset(in_office), signed=order)


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 of a record's content as canonical JSON: what a signer is shown and signs."""
    # default=str: figures may hold dates or decimals; plain JSON hashes as it always did.
    canonical = json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_signature(
    *,
    current_sha256: str,
    seen_sha256: str,
    signer_id: int,
    signed: Iterable[int],
    stale_message: StrOrPromise = "",
) -> None:
    """Refuse a signature on content the signer did not see (stale) or a second one by the
    same person (already_signed); nothing is recorded either way. Call it under the record's
    row lock. `stale_message` says it in the record's own words."""
    if seen_sha256 != current_sha256:
        raise Refusal(
            stale_message
            or _("This changed since you opened it: read the current version and sign again."),
            code=Refusal.STALE,
        )
    if signer_id in set(signed):
        raise Refusal(_("You have already approved this version."), code=Refusal.ALREADY_SIGNED)
