"""The calendars' answers: an Accept, Tentative or Decline that Outlook, Gmail or Apple
Calendar mails to the invitation's organiser (METHOD:REPLY, RFC 5546), read from the
portal's mailbox over IMAP (`IMAP_URL`) by the beat job `meetings.tasks.read_calendar_replies`.

Each message is recorded once (`CalendarReply`, keyed by its Message-ID) with what came of
it: the person's answer set, with the reply's time and comment; or the reply ignored with a
reason the secretariat reads on the replies page — a malformed calendar part, a meeting the
portal does not know, a cancelled meeting, an address that is not invited. Nothing in a
message ever raises out of here: a mailbox is written to by anyone.

Why here and not in an app of its own: the only mail the portal reads is these answers, and
what it does with them is the meetings' business (docs/meetings.md). The IMAP reading is a
small function of its own (`read_mailbox`) that moves to a shared place once another kind of
inbound mail exists.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import imaplib
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar

from meetings.ics import ANSWER_OF_PARTSTAT, one_line
from meetings.models import CalendarReply, Meeting, Participant
from networks.scoping import network_scope, scopes_disabled

log = logging.getLogger(__name__)
Reason = CalendarReply.Reason
UID_SUFFIX = re.compile(r"@.*$")


@dataclass
class Parsed:
    message_id: str
    sender: str
    client: str = ""
    uid: str = ""
    attendee: str = ""
    partstat: str = ""
    comment: str = ""
    stamp: datetime | None = None
    reason: str = ""


def _address(value: Any) -> str:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return email.utils.parseaddr(text)[1].lower() or text.lower()


def _calendar_parts(message: Message) -> list[bytes]:
    parts = []
    for part in message.walk():
        kind = part.get_content_type()
        name = (part.get_filename() or "").lower()
        if kind in {"text/calendar", "application/ics"} or name.endswith(".ics"):
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                parts.append(payload)
    return parts


def _plain_text(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.get_filename():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return payload.decode(part.get_content_charset() or "utf-8", "replace")
    return ""


def parse(raw: bytes) -> Parsed:
    """What a message says, or the reason it says nothing usable. Never raises."""
    try:
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception:  # noqa: BLE001 - a mailbox holds anything
        return Parsed(_digest(raw), "", reason=Reason.MALFORMED)
    message_id = one_line(str(message.get("Message-ID") or "")).strip()[:300] or _digest(raw)
    parsed = Parsed(message_id, _address(message.get("From"))[:320])
    parts = _calendar_parts(message)
    if not parts:
        parsed.reason = Reason.NOT_A_REPLY
        return parsed
    try:
        calendar = Calendar.from_ical(parts[0])
        parsed.client = one_line(str(calendar.get("PRODID", "")))[:200]
        method = str(calendar.get("METHOD", "")).upper()
        events = calendar.walk("VEVENT")
    except Exception:  # noqa: BLE001 - a malformed calendar part is a reason, not an error
        parsed.reason = Reason.MALFORMED
        return parsed
    if method != "REPLY":
        parsed.reason = Reason.NOT_A_REPLY if method else Reason.MALFORMED
        return parsed
    if len(events) != 1 or not events[0].get("UID") or not events[0].get("ATTENDEE"):
        parsed.reason = Reason.MALFORMED
        return parsed
    event = events[0]
    attendees = event.get("ATTENDEE")
    attendee = attendees[0] if isinstance(attendees, list) else attendees
    parsed.uid = UID_SUFFIX.sub("", str(event["UID"]).strip())
    parsed.attendee = _address(attendee)[:320]
    params = getattr(attendee, "params", {})
    parsed.partstat = str(params.get("PARTSTAT", "")).upper()[:40]
    # Outlook and Apple write the comment as COMMENT; Google as the attendee's
    # X-RESPONSE-COMMENT; an Outlook answer "with a comment" also carries it as the body.
    comment = str(event.get("COMMENT", "") or params.get("X-RESPONSE-COMMENT", "") or "")
    if not comment and "microsoft" in parsed.client.lower():
        comment = _plain_text(message)
    parsed.comment = one_line(comment)[:1000]
    try:
        stamp = event.decoded("DTSTAMP") if event.get("DTSTAMP") else None
    except Exception:  # noqa: BLE001
        stamp = None
    parsed.stamp = stamp if isinstance(stamp, datetime) and timezone.is_aware(stamp) else None
    return parsed


def _digest(raw: bytes) -> str:
    return f"<sha256-{hashlib.sha256(raw).hexdigest()}>"


def record(raw: bytes) -> CalendarReply | None:
    """Apply or ignore one message, once. None when it was recorded before."""
    parsed = parse(raw)
    with scopes_disabled():
        if CalendarReply.objects.filter(message_id=parsed.message_id).exists():
            return None
        meeting = None
        if parsed.uid:
            meeting = (
                Meeting.objects.filter(uid=_uuid(parsed.uid)).first() if _uuid(parsed.uid) else None
            )
    fields = {
        "message_id": parsed.message_id,
        "sender": parsed.sender,
        "attendee": parsed.attendee,
        "client": parsed.client,
        "partstat": parsed.partstat,
        "comment": parsed.comment,
    }
    if meeting is None:
        reason = parsed.reason or Reason.UNKNOWN_MEETING
        return _store(None, fields, CalendarReply.Outcome.IGNORED, reason)
    if parsed.reason:
        return _store(meeting, fields, CalendarReply.Outcome.IGNORED, parsed.reason)
    try:
        with network_scope(meeting.network_id), transaction.atomic():
            return _apply(meeting, parsed, fields)
    except IntegrityError:  # the same message read by two runs at once
        return None


def _uuid(text: str) -> str | None:
    import uuid

    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def _store(
    meeting: Meeting | None, fields: dict[str, Any], outcome: str, reason: str
) -> CalendarReply | None:
    try:
        if meeting is None:
            with scopes_disabled(), transaction.atomic():
                return CalendarReply.objects.create(
                    network=None, outcome=outcome, reason=reason, **fields
                )
        with network_scope(meeting.network_id), transaction.atomic():
            return CalendarReply.objects.create(
                network_id=meeting.network_id,
                meeting=meeting,
                outcome=outcome,
                reason=reason,
                **fields,
            )
    except IntegrityError:
        return None


def _apply(meeting: Meeting, parsed: Parsed, fields: dict[str, Any]) -> CalendarReply:
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    reply = CalendarReply(
        network_id=locked.network_id, meeting=locked, outcome=CalendarReply.Outcome.IGNORED
    )
    for name, value in fields.items():
        setattr(reply, name, value)
    participant = (
        Participant.objects.select_for_update()
        .filter(meeting=locked, user__email__iexact=parsed.attendee)
        .first()
    )
    answer = ANSWER_OF_PARTSTAT.get(parsed.partstat)
    stamp = parsed.stamp or timezone.now()
    if locked.is_cancelled:
        reply.reason = Reason.CANCELLED
    elif participant is None:
        reply.reason = Reason.NOT_INVITED
    elif answer not in {
        Participant.Answer.ACCEPTED,
        Participant.Answer.TENTATIVE,
        Participant.Answer.DECLINED,
    }:
        reply.reason = Reason.UNKNOWN_ANSWER
        reply.participant = participant
    elif participant.answered_at is not None and participant.answered_at > stamp:
        reply.reason = Reason.OLDER
        reply.participant = participant
    else:
        participant.answer = answer
        participant.delegate = None
        participant.answered_at = stamp
        participant.answer_comment = parsed.comment
        participant.save(update_fields=["answer", "delegate", "answered_at", "answer_comment"])
        reply.participant = participant
        reply.outcome = CalendarReply.Outcome.APPLIED
    reply.save()
    return reply


# The mailbox -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str
    folder: str
    processed: str
    ssl: bool


def mailbox_of(url: str) -> Mailbox:
    """imaps://user:pass@host:993/INBOX?processed=Processed (imap:// for no TLS)."""
    parts = urlsplit(url)
    if parts.scheme not in {"imap", "imaps"}:
        raise ValueError(f"IMAP_URL must start with imap:// or imaps://, not {parts.scheme}://")
    query = parse_qs(parts.query)
    return Mailbox(
        host=parts.hostname or "localhost",
        port=parts.port or (993 if parts.scheme == "imaps" else 143),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        processed=query.get("processed", ["Processed"])[0],
        ssl=parts.scheme == "imaps",
    )


def read_mailbox(url: str | None = None) -> int:
    """Read every message of the mailbox, record it, move it to the processed folder.
    Returns how many were recorded now. Without IMAP_URL (the embedded default), nothing.
    Safe to run twice: a message already recorded is only moved."""
    url = settings.IMAP_URL if url is None else url
    if not url:
        return 0
    box = mailbox_of(url)
    client_class = imaplib.IMAP4_SSL if box.ssl else imaplib.IMAP4
    recorded = 0
    with client_class(box.host, box.port, timeout=30) as client:
        client.login(box.user, box.password)
        client.create(_quoted(box.processed))  # "already exists" is a NO: fine
        status, _data = client.select(_quoted(box.folder))
        if status != "OK":
            raise imaplib.IMAP4.error(f"Cannot open the folder {box.folder!r}")
        status, data = client.uid("SEARCH", None, "ALL")
        uids = data[0].split() if status == "OK" and data and data[0] else []
        # The capabilities after login (imaplib keeps those of the greeting).
        _status, capabilities = client.capability()
        can_move = b"MOVE" in b" ".join(c for c in capabilities if isinstance(c, bytes)).split()
        for uid in uids:
            status, fetched = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((item[1] for item in fetched or [] if isinstance(item, tuple)), None)
            if status != "OK" or not isinstance(raw, bytes):
                continue
            try:
                if record(raw) is not None:
                    recorded += 1
            except Exception:  # noqa: BLE001 - one bad message must not stop the others
                log.exception("A calendar reply could not be recorded; it stays in the folder")
                continue
            if can_move:
                status, _data = client.uid("MOVE", uid, _quoted(box.processed))
            else:
                status, _data = client.uid("COPY", uid, _quoted(box.processed))
                if status == "OK":
                    client.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")
            if status != "OK":
                # Recorded all the same: the next run finds it recorded and tries again.
                log.warning("Could not move a message to %r: %s", box.processed, _data)
        if not can_move:
            client.expunge()
        client.logout()
    return recorded


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
