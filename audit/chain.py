"""Writing the audit trail and checking it.

`record()` appends one row to its chain inside the caller's transaction: the chain's head is
locked, the row takes the next place and hashes its own fields with the head's hash, and the
head moves on. `verify()` walks a chain from its anchor (its first row, or where retention
cut it) and says where it breaks. `apply_retention()` removes the platform chain's oldest
security events and moves its anchor on; the networks' chains are never cut.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from audit import triggers
from audit.models import GENESIS, AuditChain, AuditEvent
from workflow import content_hash

logger = logging.getLogger(__name__)
PLATFORM = "platform"  # the key of the platform's own chain (network NULL)

LABEL_LENGTH = AuditEvent._meta.get_field("object_label").max_length or 200


def chain_key(network_id: int | None) -> str:
    return f"network:{network_id}" if network_id else "platform"


def record(
    *,
    kind: str,
    event: str,
    network_id: int | None = None,
    user_id: int | None = None,
    organisation_id: int | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    label: str | None = None,
    summary: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Call it inside the transaction of what it records: it is kept or
    rolled back with it. `obj` names the object (its type and id; its label unless `label`
    is given), or `object_type` and `object_id` do. `summary`: plain values only — never a
    secret, a document's contents or a person's name."""
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = "" if obj.pk is None else str(obj.pk)
    with transaction.atomic():
        key = chain_key(network_id)
        chain, _created = AuditChain.objects.select_for_update().get_or_create(
            key=key, defaults={"network_id": network_id}
        )
        row = AuditEvent(
            network_id=network_id,
            seq=chain.length + 1,
            at=timezone.now(),
            kind=kind,
            event=event,
            user_id=user_id,
            organisation_id=organisation_id,
            object_type=object_type,
            object_id=object_id,
            object_label=(label if label is not None else str(obj) if obj is not None else "")[
                :LABEL_LENGTH
            ],
            summary=summary or {},
            previous_sha256=chain.head,
        )
        row.sha256 = content_hash(row.canonical())
        row.save(force_insert=True)
        chain.length, chain.head = row.seq, row.sha256
        chain.save(update_fields=["length", "head"])
    return row


@dataclass(frozen=True)
class Break:
    """Where a chain stops proving itself."""

    chain: str
    seq: int | None
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"row #{self.seq} (id {self.event_id})" if self.seq is not None else "its end"
        return f"{self.chain}: {where}: {self.problem}"


@dataclass
class Checked:
    chain: str
    rows: int
    breaks: list[Break]


def chains(network_id: int | None = None) -> list[str]:
    """Every chain that has a head or a row (or just the one of `network_id`)."""
    if network_id is not None:
        return [chain_key(network_id)]
    keys = set(AuditChain.objects.values_list("key", flat=True))
    networks = AuditEvent.every_chain.order_by().values_list("network_id", flat=True).distinct()
    keys |= {chain_key(n) for n in networks}
    return sorted(keys, key=lambda k: (k != "platform", len(k), k))


def _rows(key: str) -> Iterator[AuditEvent]:
    events = AuditEvent.every_chain.order_by("seq", "pk")
    if key == "platform":
        events = events.filter(network__isnull=True)
    else:
        events = events.filter(network_id=int(key.split(":", 1)[1]))
    return events.iterator(chunk_size=2000)


def _cut_recorded(key: str, start: int, anchor: str) -> bool:
    """Whether a kept row of the chain records the cut its anchor says (retention's own)."""
    return any(
        row.summary.get("through") == start and row.summary.get("through_sha256") == anchor
        for row in AuditEvent.every_chain.filter(
            network__isnull=True, event="audit.retention", seq__gt=start
        )
        if key == PLATFORM
    )


def verify(key: str) -> Checked:
    """Walk one chain from its anchor (its first row, or the first kept after retention cut
    it, a cut that a kept "audit.retention" row must record): each row must sit at the next
    place, point at the hash of the row before it, and hash to what it says; the last must
    be the head."""
    breaks: list[Break] = []
    head = AuditChain.objects.filter(key=key).first()
    # From the anchor: a chain whose oldest rows retention removed starts after them.
    start, anchor = (head.start, head.start_sha256) if head is not None else (0, GENESIS)
    expected_seq, previous, count = start + 1, anchor, 0
    for row in _rows(key):
        count += 1
        if row.seq != expected_seq:
            if row.seq == expected_seq + 1:
                problem = f"follows a gap: row #{expected_seq} is missing (removed)"
            elif row.seq > expected_seq:
                problem = (
                    f"follows a gap: rows #{expected_seq}–#{row.seq - 1} are missing (removed)"
                )
            else:
                problem = f"is out of order (expected #{expected_seq})"
            breaks.append(Break(key, row.seq, row.pk, problem))
        elif row.previous_sha256 != previous:
            breaks.append(
                Break(
                    key,
                    row.seq,
                    row.pk,
                    "does not follow the row before it (a row was removed, replaced or moved)",
                )
            )
        if content_hash(row.canonical()) != row.sha256:
            breaks.append(
                Break(key, row.seq, row.pk, "was altered: its contents do not hash to its SHA-256")
            )
        expected_seq, previous = row.seq + 1, row.sha256
    if start and not _cut_recorded(key, start, anchor):
        breaks.append(
            Break(
                key,
                None,
                None,
                f"the chain starts after row #{start}, but no audit.retention row records "
                "that cut (rows were removed from its start)",
            )
        )
    if head is not None and (head.length != expected_seq - 1 or head.head != previous):
        if head.length > expected_seq - 1:
            problem = f"the chain should end at row #{head.length}: its last rows were removed"
        else:
            problem = (
                f"the chain's head says row #{head.length}, but the rows end at #{expected_seq - 1}"
            )
        breaks.append(Break(key, None, None, problem))
    return Checked(chain=key, rows=count, breaks=breaks)


def apply_retention(before: datetime) -> int:
    """Remove the platform chain's rows (sign-ins, second factors, tokens, operators'
    actions: security events, network NULL) recorded before `before`, oldest first, and
    return how many went. Only a prefix of the chain goes — rows #start+1…#n, where #n+1 is
    the first row recorded on or after `before` — so what stays is still one unbroken
    chain; the head's anchor moves to row #n and its SHA-256, from which `verify()` walks.
    A row "audit.retention" appended to the same chain records the cut (through which row,
    its hash, how many rows), so the anchor is itself in the chain's hashed record.

    One transaction, with the head locked (no row is appended meanwhile): the chain is
    verified first — a chain already broken is left as it is for an operator to look at,
    never cut (that would hide the break) — then the append-only trigger is lifted for the
    one DELETE and put back before the transaction ends. No network's chain is touched."""
    with transaction.atomic():
        head = AuditChain.objects.select_for_update().filter(key=PLATFORM).first()
        if head is None:
            return 0
        platform = AuditEvent.every_chain.filter(network__isnull=True)
        kept_from = platform.filter(at__gte=before).order_by("seq").values_list("seq", flat=True)
        first_kept = kept_from.first()
        through = head.length if first_kept is None else first_kept - 1
        if through <= head.start:
            return 0
        checked = verify(PLATFORM)
        if checked.breaks:
            logger.error(
                "audit retention: the platform chain is broken, nothing removed: %s",
                "; ".join(str(problem) for problem in checked.breaks),
            )
            return 0
        last = platform.get(seq=through)
        with triggers.lifted(connection), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {triggers.TABLE} WHERE network_id IS NULL AND seq <= %s", [through]
            )
            removed = cursor.rowcount
        AuditChain.objects.filter(pk=head.pk).update(start=through, start_sha256=last.sha256)
        record(
            kind=AuditEvent.Kind.SECURITY,
            event="audit.retention",
            object_type="audit.auditchain",
            object_id=PLATFORM,
            summary={
                "removed": removed,
                "through": through,
                "through_sha256": last.sha256,
                "before": before.isoformat(),
            },
        )
    return removed
