"""Creating and resending mailings. The caller has checked the action; these functions
guarantee that what is stored is exactly what will be sent, and that nothing is sent unless
the caller's transaction commits."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from circulation.mail import OPEN_URL_PLACEHOLDER, opened_url
from circulation.models import Attachment, Circulation, Delivery, MailPreference
from networks.models import Network
from networks.scoping import network_scope
from portal.clock import network_time
from portal.queues import enqueue_on_commit

if TYPE_CHECKING:
    from django.db.models import Model

    from accounts.models import User

# Up to this many recipients, deliveries are created in the caller's transaction; a larger
# mailing stores its recipient list and the worker creates them right after the commit, so
# that the request that circulates returns quickly whatever the number of recipients.
INLINE_RECIPIENTS = 200


@dataclass(frozen=True)
class Recipient:
    address: str
    language: str = "en"
    user: User | None = None

    @classmethod
    def of(cls, user: User) -> Recipient:
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


def _render(
    template: str, context: dict[str, Any], language: str, network: Network
) -> dict[str, str]:
    """Subject and bodies in `language`, every time in them on the network's clock: a mail
    is the same for everyone who gets it, so it carries the network's time and its label."""
    base = f"circulation/email/{template}"
    with translation.override(language), network_time(network):
        return {
            "subject": " ".join(render_to_string(f"{base}_subject.txt", context).split()),
            "text": render_to_string(f"{base}.txt", context),
            "html": render_to_string(f"{base}.html", context),
        }


def circulation_create(
    *,
    network: Network,
    kind: str,
    sender: User | None,
    recipients: Iterable[Recipient],
    template: str,
    context: dict[str, Any],
    about: Model | None = None,
    link: str = "",
    attachments: Iterable[File] = (),
    digest_until: datetime | None = None,
    attachments_in: Callable[[str], Iterable[File]] | None = None,
) -> Circulation:
    """Store a mailing and one delivery per distinct address, and send each delivery after
    the caller's transaction commits (a rollback leaves nothing and sends nothing). Beyond
    INLINE_RECIPIENTS the recipient list is stored with the mailing and the worker creates
    the deliveries right after the commit.

    The subject and both bodies are rendered in every recipient language *before* anything
    is stored: a template that cannot render is a ValidationError and changes nothing.

    `attachments` go with every mail; `attachments_in(language)` gives the files of the
    recipients who read that language (a PDF in their words), called once per language.

    `digest_until`: optional mail that is no use after that moment (a meeting's reminder)
    waits for a person's daily digest only when the next digest leaves by then; otherwise
    it goes at once to everyone."""
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
        rendered = {
            language: _render(template, full_context, language, network) for language in languages
        }
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

    files = [(file, "") for file in attachments]
    if attachments_in is not None:
        files += [(file, lang) for lang in languages for file in attachments_in(lang)]

    from circulation.tasks import send_circulation

    immediate = digest_until is not None and next_digest_at(timezone.now()) > digest_until
    people = [
        {
            "address": address,
            "language": recipient.language if recipient.language in rendered else languages[0],
            "user": recipient.user.pk if recipient.user is not None else None,
            **({"immediate": True} if immediate else {}),
        }
        for address, recipient in unique.items()
    ]
    inline = len(people) <= INLINE_RECIPIENTS
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
            pending=None if inline else people,
        )
        for file, language in files:
            Attachment.objects.create(
                network=network,
                circulation=circulation,
                filename=file.filename,
                content_type=file.content_type,
                content=file.content,
                language=language,
            )
        queued = _create_deliveries(circulation, people) if inline else len(people)
        if queued:
            # One message whatever the number of recipients keeps the caller's request fast;
            # the worker fans out one task per delivery.
            enqueue_on_commit(send_circulation, circulation.pk)
    return circulation


def circulation_expand(*, circulation_id: int) -> None:
    """The worker, right after a large mailing's commit: create its deliveries. Safe to run
    twice: the circulation row is locked and its pending recipients are taken once."""
    with transaction.atomic():
        circulation = Circulation.objects.select_for_update().filter(pk=circulation_id).first()
        if circulation is None or circulation.pending is None:
            return
        _create_deliveries(circulation, circulation.pending)
        circulation.pending = None
        circulation.save(update_fields=["pending"])


def _create_deliveries(circulation: Circulation, people: list[dict[str, Any]]) -> int:
    """One delivery per recipient, with its Message-ID fixed for every attempt to come.
    Returns how many are queued for sending now."""
    daily = _daily_digest_readers(
        circulation.kind, [p["user"] for p in people if p["user"] and not p.get("immediate")]
    )
    domain = settings.PORTAL_MAIL_DOMAIN
    deliveries = [
        Delivery(
            network_id=circulation.network_id,
            circulation=circulation,
            recipient_id=person["user"],
            address=person["address"],
            language=person["language"],
            message_id=message_id(circulation.pk, domain),
            **_initial_state(person["address"], person["user"], daily),
        )
        for person in people
    ]
    Delivery.objects.bulk_create(deliveries, batch_size=500)
    return sum(delivery.status == Delivery.Status.QUEUED for delivery in deliveries)


def message_id(circulation_id: int, domain: str) -> str:
    """A unique Message-ID short enough that "Message-ID: <…>" stays on one header line
    (a longer one is folded, and some mail software then reads it with a leading space)."""
    return f"<{secrets.token_hex(10)}.c{circulation_id}@{domain}>"


def next_digest_at(now: datetime) -> datetime:
    """When the daily digests next leave after `now`: the beat's "send-daily-digests"
    crontab (its hours and minutes, in CELERY_TIMEZONE), 06:00 UTC when it has none."""
    import zoneinfo

    schedule = settings.CELERY_BEAT_SCHEDULE.get("send-daily-digests", {}).get("schedule")
    hours = sorted(getattr(schedule, "hour", None) or {6})
    minutes = sorted(getattr(schedule, "minute", None) or {0})
    zone = zoneinfo.ZoneInfo(getattr(settings, "CELERY_TIMEZONE", None) or "UTC")
    local = now.astimezone(zone)
    for days in range(2):
        day = (local + timedelta(days=days)).date()
        for hour in hours:
            for minute in minutes:
                moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
                if moment > local:
                    return moment
    return local + timedelta(days=1)  # pragma: no cover - a crontab always fires within a day


def _daily_digest_readers(kind: str, user_ids: list[int]) -> set[int]:
    """Ids of the recipients who get this mailing in their daily digest."""
    if kind in Circulation.ALWAYS_IMMEDIATE or not user_ids:
        return set()
    return set(
        MailPreference.objects.filter(
            user_id__in=user_ids, optional_mail=MailPreference.Frequency.DAILY
        ).values_list("user_id", flat=True)
    )


def _initial_state(address: str, user_id: int | None, daily: set[int]) -> dict[str, str]:
    if not _is_address(address):
        # A malformed address is kept, failed with its reason, so the secretariat sees it
        # beside the others; it is never handed to the mail server.
        return {"status": Delivery.Status.FAILED, "last_error": _("Not a valid email address.")}
    if user_id is not None and user_id in daily:
        return {"status": Delivery.Status.DIGEST}
    return {"status": Delivery.Status.QUEUED}


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
        locked.retry_at = None
        locked.save(update_fields=["status", "last_error", "retry_at", "updated_at"])
        enqueue_on_commit(deliver, locked.pk)
        return locked


def delivery_mark_opened(*, delivery: Delivery) -> Delivery:
    """The recipient followed the link in their email: the first time is recorded."""
    with network_scope(delivery.network_id):
        Delivery.objects.filter(pk=delivery.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )
        delivery.refresh_from_db(fields=["opened_at"])
    return delivery


def mail_preference_set(*, user: User, optional_mail: str) -> MailPreference:
    """The person themselves: optional mail at once or in a daily digest."""
    if optional_mail not in MailPreference.Frequency.values:
        raise ValidationError(_("Choose how you want to receive optional mail."))
    preference, _created = MailPreference.objects.update_or_create(
        user=user, defaults={"optional_mail": optional_mail}
    )
    return preference


def mail_preference_of(user: User) -> str:
    preference = MailPreference.objects.filter(user=user).values_list("optional_mail", flat=True)
    return preference.first() or MailPreference.Frequency.IMMEDIATE


def digests_send(*, network: Network) -> int:
    """The daily job: one digest per person of `network` with mail waiting for it, listing
    each item with its own "opened" link. The items are marked sent (or failed) with their
    digest. Safe to run twice: an item already in a digest is not taken again."""
    with network_scope(network), transaction.atomic():
        waiting = list(
            Delivery.objects.select_for_update()
            .filter(status=Delivery.Status.DIGEST, bundled_in__isnull=True, recipient__isnull=False)
            .order_by("recipient_id", "circulation__created_at", "pk")
        )
        if not waiting:
            return 0
        circulations = {
            c.pk: c for c in Circulation.objects.filter(pk__in={d.circulation_id for d in waiting})
        }
        # Keyed by recipient_id, which the query above says is never None.
        people: dict[int | None, User] = {
            u.pk: u
            for u in get_user_model().objects.filter(pk__in={d.recipient_id for d in waiting})
        }
        by_person: dict[int | None, list[Delivery]] = {}
        for delivery in waiting:
            by_person.setdefault(delivery.recipient_id, []).append(delivery)
        for person_id, items in by_person.items():
            person = people[person_id]
            digest = circulation_create(
                network=network,
                kind=Circulation.Kind.DIGEST,
                sender=None,
                recipients=[Recipient.of(person)],
                template="digest",
                context={
                    "items": [
                        {
                            "subject": circulations[item.circulation_id]
                            .message_in(item.language)
                            .get("subject", ""),
                            # Lazy: rendered in the person's language.
                            "kind": Circulation.Kind(circulations[item.circulation_id].kind).label,
                            "url": opened_url(item),
                        }
                        for item in items
                    ]
                },
                link=reverse("circulation:mine", kwargs={"network": network.slug}),
            )
            carrier = Delivery.objects.get(circulation=digest)
            Delivery.objects.filter(pk__in=[item.pk for item in items]).update(bundled_in=carrier)
        return len(by_person)
