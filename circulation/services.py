"""Creating and resending mailings. The caller has checked the action; these functions
guarantee that what is stored is exactly what will be sent, and that nothing is sent unless
the caller's transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import make_msgid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from circulation.mail import OPEN_URL_PLACEHOLDER
from circulation.models import Attachment, Circulation, Delivery
from networks.models import Network
from networks.scoping import network_scope


@dataclass(frozen=True)
class Recipient:
    address: str
    language: str = "en"
    user: object | None = None

    @classmethod
    def of(cls, user) -> Recipient:
        return cls(address=user.email, language=user.language or "en", user=user)


@dataclass(frozen=True)
class File:
    filename: str
    content_type: str
    content: bytes


def _is_address(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def _render(template: str, context: dict, language: str) -> dict:
    base = f"circulation/email/{template}"
    with translation.override(language):
        return {
            "subject": " ".join(render_to_string(f"{base}_subject.txt", context).split()),
            "text": render_to_string(f"{base}.txt", context),
            "html": render_to_string(f"{base}.html", context),
        }


def circulation_create(
    *,
    network: Network,
    kind: str,
    sender,
    recipients: Iterable[Recipient],
    template: str,
    context: dict,
    about=None,
    link: str = "",
    attachments: Iterable[File] = (),
) -> Circulation:
    """Store a mailing and one delivery per distinct address, and send each delivery after
    the caller's transaction commits (a rollback leaves nothing and sends nothing).

    The subject and both bodies are rendered in every recipient language *before* anything
    is stored: a template that cannot render is a ValidationError and changes nothing."""
    if kind not in Circulation.Kind.values:
        raise ValidationError(_("Unknown kind of mailing."))
    unique: dict[str, Recipient] = {}
    for recipient in recipients:
        address = recipient.address.strip().lower()
        unique.setdefault(address, Recipient(address, recipient.language, recipient.user))
    if not unique:
        raise ValidationError(_("A mailing needs at least one recipient."))
    # Each delivery gets its own "opened" link; the bodies are rendered once per language
    # with a placeholder that the task replaces (circulation.mail.build_message).
    full_context = {**context, "network": network, "link": link, "open_url": OPEN_URL_PLACEHOLDER}
    languages = sorted(
        {r.language if r.language in dict(settings.LANGUAGES) else "en" for r in unique.values()}
    )
    try:
        rendered = {language: _render(template, full_context, language) for language in languages}
    except (
        TemplateDoesNotExist,
        TemplateSyntaxError,
        KeyError,
        AttributeError,
        TypeError,
        ValueError,
    ) as exc:
        raise ValidationError(
            _("The mailing could not be prepared (%(reason)s); nothing was stored or sent.")
            % {"reason": type(exc).__name__}
        ) from exc

    from circulation.tasks import deliver

    domain = settings.PORTAL_MAIL_DOMAIN
    with network_scope(network), transaction.atomic():
        circulation = Circulation.objects.create(
            network=network,
            kind=kind,
            about_type=ContentType.objects.get_for_model(about) if about is not None else None,
            about_id=about.pk if about is not None else None,
            sent_by=sender,
            template=template,
            link=link,
            rendered=rendered,
        )
        for file in attachments:
            Attachment.objects.create(
                network=network,
                circulation=circulation,
                filename=file.filename,
                content_type=file.content_type,
                content=file.content,
            )
        deliveries = Delivery.objects.bulk_create(
            Delivery(
                network=network,
                circulation=circulation,
                recipient=recipient.user,
                address=address,
                language=recipient.language if recipient.language in rendered else languages[0],
                message_id=make_msgid(idstring=f"c{circulation.pk}", domain=domain),
                # A malformed address is kept, failed with its reason, so the secretariat
                # sees it beside the others; it is never handed to the mail server.
                **(
                    {}
                    if _is_address(address)
                    else {
                        "status": Delivery.Status.FAILED,
                        "last_error": _("Not a valid email address."),
                    }
                ),
            )
            for address, recipient in unique.items()
        )
        ids = [delivery.pk for delivery in deliveries if delivery.status == Delivery.Status.QUEUED]
        transaction.on_commit(lambda: [deliver.delay(pk) for pk in ids])
    return circulation


def delivery_resend(*, delivery: Delivery) -> Delivery:
    """Secretariat: a new attempt on a failed delivery — same delivery, same Message-ID."""
    from circulation.tasks import deliver

    with network_scope(delivery.network_id), transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.status != Delivery.Status.FAILED:
            raise ValidationError(_("Only a failed delivery can be sent again."))
        if not _is_address(locked.address):
            raise ValidationError(_("Not a valid email address."))
        locked.status = Delivery.Status.QUEUED
        locked.last_error = ""
        locked.save(update_fields=["status", "last_error", "updated_at"])
        transaction.on_commit(lambda: deliver.delay(locked.pk))
        return locked


def delivery_mark_opened(*, delivery: Delivery) -> Delivery:
    """The recipient followed the link in their email: the first time is recorded."""
    with network_scope(delivery.network_id):
        Delivery.objects.filter(pk=delivery.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )
        delivery.refresh_from_db(fields=["opened_at"])
    return delivery
