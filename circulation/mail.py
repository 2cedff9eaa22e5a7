"""Turning a stored delivery into an email, and telling temporary SMTP failures from
permanent ones."""

from __future__ import annotations

import smtplib
import socket

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from circulation.models import Delivery

OPEN_URL_PLACEHOLDER = "https://portal.invalid/opened-link-of-this-delivery"
OPENED_SALT = "circulation.opened"


def opened_token(delivery: Delivery) -> str:
    return signing.dumps(delivery.pk, salt=OPENED_SALT)


def delivery_for_token(token: str) -> int | None:
    """The delivery id a link's signed token names, or None when it was tampered with."""
    try:
        value = signing.loads(token, salt=OPENED_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def opened_url(delivery: Delivery) -> str:
    path = reverse("circulation-opened", kwargs={"token": opened_token(delivery)})
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def build_message(delivery: Delivery) -> EmailMultiAlternatives:
    circulation = delivery.circulation
    content = circulation.message_in(delivery.language)
    url = opened_url(delivery)
    message = EmailMultiAlternatives(
        subject=content["subject"],
        body=content["text"].replace(OPEN_URL_PLACEHOLDER, url),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        headers={"Message-ID": delivery.message_id},
    )
    message.attach_alternative(content["html"].replace(OPEN_URL_PLACEHOLDER, url), "text/html")
    for attachment in circulation.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    return message


class PermanentFailure(Exception):
    """The server refused for good (5xx, a bad address): retrying cannot help."""


class TemporaryFailure(Exception):
    """The server or the network may recover (4xx, refused connection, timeout)."""


def classify(exc: Exception) -> Exception:
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
