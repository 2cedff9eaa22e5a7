"""The network's side of the shared workflow: which rule each kind of record follows here, and
who is in office to sign. `workflow.signoff` evaluates; this module supplies the values.

Kept beside the models rather than in networks/services.py because every sign-off of every app
reads it, and it holds only the rule rows (no membership rule lives here).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from networks.models import Membership, Network, SignoffRule
from networks.roles import Role
from portal import clock
from workflow import Signoff, evaluate

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from accounts.models import User

ANY = Network.ApprovalRule.ANY_CO_CHAIR
ALL = Network.ApprovalRule.ALL_CO_CHAIRS

MINUTES = "minutes"
# Every kind a network signs, in the order the settings page lists them.
KINDS: dict[str, StrOrPromise] = {
    SignoffRule.Kind.AGENDA: SignoffRule.Kind.AGENDA.label,
    MINUTES: gettext_lazy("Minutes"),
    SignoffRule.Kind.STATEMENT: SignoffRule.Kind.STATEMENT.label,
    SignoffRule.Kind.REPORT: SignoffRule.Kind.REPORT.label,
    SignoffRule.Kind.WORKPLAN: SignoffRule.Kind.WORKPLAN.label,
}

# The defaults: the agenda needs one co-chair (the others are told at once and may
# return it until it is circulated); the quarterly report goes to the UN team only with every
# co-chair. A workplan keeps today's rule (one co-chair endorses). The minutes follow
# Network.minutes_approval_rule, and a joint statement follows the minutes' rule until the
# network sets its own — as it always has.
DEFAULTS: dict[str, str] = {
    SignoffRule.Kind.AGENDA: ANY,
    SignoffRule.Kind.REPORT: ALL,
    SignoffRule.Kind.WORKPLAN: ANY,
}


def rules_of(network: Network) -> dict[str, str]:
    """Every kind's rule in `network` now (the network must be entered)."""
    rows = dict(SignoffRule.objects.values_list("kind", "rule"))
    rules = {}
    for kind in KINDS:
        if kind == MINUTES:
            rules[kind] = network.minutes_approval_rule
        elif kind in rows:
            rules[kind] = rows[kind]
        else:
            rules[kind] = DEFAULTS.get(kind, network.minutes_approval_rule)
    return rules


def rule_for(network: Network, kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"No sign-off of kind {kind!r}.")
    return rules_of(network)[kind]


def co_chairs_in_office() -> set[int]:
    """User ids of the entered network's co-chairs now."""
    return set(
        Membership.objects.active().filter(role=Role.CO_CHAIR).values_list("user_id", flat=True)
    )


def signoff_of(network: Network, kind: str, signed: Iterable[int]) -> Signoff:
    """Where the sign-off of a `kind` record stands once `signed` (user ids, in order)."""
    return evaluate(rule=rule_for(network, kind), in_office=co_chairs_in_office(), signed=signed)


def rules_set(*, network: Network, by: User | None, rules: Mapping[str, str]) -> dict[str, str]:
    """A co-chair (page) or the platform operator (admin) sets who signs each kind; kinds not
    named keep their rule. A record awaiting sign-off is judged by the rule when the next
    person signs. Unknown kinds or rules change nothing."""
    for kind, rule in rules.items():
        if kind not in KINDS or rule not in Network.ApprovalRule.values:
            raise ValidationError(_("Choose who signs each kind of record."), code="invalid")
    with transaction.atomic():
        for kind, rule in rules.items():
            if kind == MINUTES:
                if network.minutes_approval_rule != rule:
                    network.minutes_approval_rule = rule
                    network.save(update_fields=["minutes_approval_rule"])
                continue
            SignoffRule.objects.update_or_create(
                network=network, kind=kind, defaults={"rule": rule, "changed_by": by}
            )
    return rules_of(network)


@dataclass
class SignoffPeople:
    """A pending sign-off as a page names it: who has signed, who is still awaited."""

    rule: str
    complete: bool
    signed: list[str]
    awaited: list[str]


def signoff_people(signoff: Signoff) -> SignoffPeople:
    """The names behind a sign-off's user ids, in one query."""
    ids = {*signoff.signed, *signoff.awaited}
    names = {
        user.pk: user.get_full_name() or user.email
        for user in get_user_model().objects.filter(pk__in=ids)
    }
    return SignoffPeople(
        rule=signoff.rule.value,
        complete=signoff.complete,
        signed=[names[pk] for pk in signoff.signed if pk in names],
        awaited=sorted(names[pk] for pk in signoff.awaited if pk in names),
    )


def approval_record(
    network: Network,
    signatures: Sequence[Any],
    *,
    at: str,
    organisations: Mapping[int, str] | None = None,
) -> list[dict[str, str]]:
    """Each co-chair's signature as an approved or cleared record prints it (minutes,
    statement, report, workplan): name, role, organisation, the moment in UTC and in the
    network's time, and the SHA-256 they signed. `signatures` are rows with `co_chair`,
    `co_chair_id`, `content_sha256` and the moment named by `at`; the organisations are
    each co-chair's in the network (one query) unless the rows carry their own."""
    if organisations is None:
        organisations = {
            m.user_id: m.organisation.display_name
            for m in Membership.objects.filter(
                user_id__in=[s.co_chair_id for s in signatures], role=Role.CO_CHAIR
            )
            .select_related("organisation")
            .order_by("started_at", "pk")
        }
    record = []
    for signature in signatures:
        moment = getattr(signature, at)
        record.append(
            {
                "name": signature.co_chair.get_full_name() or signature.co_chair.email,
                "role": str(Role.CO_CHAIR.label),
                "organisation": organisations.get(signature.co_chair_id, ""),
                # Formatted here: a template's date filter would move both back to its zone.
                "utc": moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
                "local": clock.network_local(moment, network).strftime("%Y-%m-%d %H:%M"),
                "time_zone": clock.zone_label(network, at=moment),
                "content_sha256": signature.content_sha256,
            }
        )
    return record
