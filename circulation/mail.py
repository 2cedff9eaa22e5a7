"""Turning a stored delivery into an email, and telling temporary SMTP failures from
permanent ones."""

from __future__ import annotations

import smtplib
import socket
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation

from circulation.models import Circulation, Delivery

OPEN_URL_PLACEHOLDER = "https://portal.invalid/opened-link-of-this-delivery"
# Where an invitation's one-time link goes: the stored message never holds the link itself.
INVITATION_URL_PLACEHOLDER = "https://portal.invalid/invitation-link"
OPENED_SALT = "circulation.opened"


def opened_token(delivery: Delivery) -> str:
    return signing.dumps(delivery.pk, salt=OPENED_SALT)


def delivery_for_token(token: str) -> int | None:
    """The delivery id a link's signed token names, or None when it was tampered with or is
    older than OPENED_LINK_MAX_AGE_DAYS (counted from when the email was built)."""
    try:
        value = signing.loads(
            token,
            salt=OPENED_SALT,
            max_age=timedelta(days=settings.OPENED_LINK_MAX_AGE_DAYS),
        )
    except signing.BadSignature:  # SignatureExpired included
        return None
    return value if isinstance(value, int) else None


def opened_url(delivery: Delivery) -> str:
    path = reverse("circulation-opened", kwargs={"token": opened_token(delivery)})
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def item_url(link: str, network_slug: str) -> str:
    """Absolute address of the item a mailing is about (the network's home if none)."""
    path = link or reverse("networks:home", kwargs={"network": network_slug})
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def build_message(delivery: Delivery) -> EmailMultiAlternatives:
    """The email of one delivery, from what was stored: the delivery's own "opened" link and,
    for an invitation, its one-time link put in where the placeholders stand. Raises
    PermanentFailure when the mail must not go (an invitation no longer valid)."""
    circulation = delivery.circulation
    content = circulation.message_in(delivery.language)
    links = {OPEN_URL_PLACEHOLDER: opened_url(delivery)}
    if circulation.kind == Circulation.Kind.INVITATION:
        links[INVITATION_URL_PLACEHOLDER] = invitation_url(circulation)

    def fill(text: str) -> str:
        for placeholder, url in links.items():
            text = text.replace(placeholder, url)
        return text

    message = EmailMultiAlternatives(
        subject=content["subject"],
        body=fill(content["text"]),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        headers={"Message-ID": delivery.message_id},
    )
    message.attach_alternative(fill(content["html"]), "text/html")
    for attachment in circulation.attachments.all():
        if not attachment.goes_with(delivery.language):
            continue
        data = bytes(attachment.content)
        if attachment.content_type.startswith("text/calendar"):
            # The invitation as calendars read it: one per recipient, as the message's
            # calendar alternative (Outlook) and as the attached file (Gmail, Apple Mail).
            data = personal_calendar(data, delivery.address)
            message.attach_alternative(data.decode(), attachment.content_type)
        message.attach(attachment.filename, data, attachment.content_type)
    return message


def personal_calendar(data: bytes, address: str) -> bytes:
    """The stored invitation (every participant an ATTENDEE) as one recipient gets it: their
    own ATTENDEE line only, so nobody reads the others' addresses and each calendar answers
    for its own person. A file without attendees (or not a calendar) is sent as it is."""
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(data)
    except ValueError:
        return data
    changed = False
    wanted = f"mailto:{address}".lower()
    for event in calendar.walk("VEVENT"):
        attendees = event.get("ATTENDEE")
        if attendees is None:
            continue
        if not isinstance(attendees, list):
            attendees = [attendees]
        mine = [a for a in attendees if str(a).lower() == wanted]
        del event["ATTENDEE"]
        for attendee in mine:
            event.add("ATTENDEE", attendee, encode=0)
        changed = True
    return calendar.to_ical() if changed else data


def invitation_url(circulation: Circulation) -> str:
    """The one-time link of the invitation a circulation is about, rebuilt from its row."""
    from networks.models import Invitation
    from networks.services import invitation_link_token, invitation_problem

    invitation = Invitation.objects.filter(pk=circulation.about_id).first()
    if invitation is None:
        raise PermanentFailure("The invitation no longer exists; nothing was sent.")
    with translation.override(settings.LANGUAGE_CODE):
        problem = invitation_problem(invitation)
    if problem:
        raise PermanentFailure(f"Not sent: {problem}")
    token = invitation_link_token(invitation)
    if token is None:
        raise PermanentFailure(
            "The invitation's link cannot be rebuilt (the site's secret key changed): "
            "withdraw it and invite again."
        )
    path = reverse("invitation-accept", kwargs={"token": token})
    return settings.PORTAL_BASE_URL.rstrip("/") + path


class PermanentFailure(Exception):
    """The server refused for good (5xx, a bad address): retrying cannot help."""


class TemporaryFailure(Exception):
    """The server or the network may recover (4xx, refused connection, timeout)."""


def classify(exc: Exception) -> Exception:
    if isinstance(exc, (PermanentFailure, TemporaryFailure)):
        return exc
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        reason = "; ".join(
            f"{code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
            for code, message in exc.recipients.values()
        )
        return (
            PermanentFailure(reason)
            if any(code >= 500 for code in codes)
            else TemporaryFailure(reason)
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        text = (
            exc.smtp_error.decode(errors="replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        reason = f"{exc.smtp_code} {text}"
        return PermanentFailure(reason) if exc.smtp_code >= 500 else TemporaryFailure(reason)
    if isinstance(
        exc,
        (
            smtplib.SMTPServerDisconnected,
            smtplib.SMTPConnectError,
            ConnectionError,
            socket.timeout,
            TimeoutError,
            OSError,
        ),
    ):
        return TemporaryFailure(f"{type(exc).__name__}: {exc}")
    if isinstance(exc, (ValueError, UnicodeError)):
        return PermanentFailure(f"{type(exc).__name__}: {exc}")
    return TemporaryFailure(f"{type(exc).__name__}: {exc}")
