"""Sending deliveries. Tasks take ids and are safe to run twice: the row lock and the status
guard let only one run send a queued delivery. Each works inside the network of its row,
entered by its base (networks.tasks.NetworkTask: its rows and its clock). A delivery sends
what was rendered and stored when the mailing was made, on the network's clock
(circulation.services); only the digest renders anything here."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from circulation.mail import PermanentFailure, build_message, classify
from circulation.models import Circulation, Delivery
from networks.models import Invitation, Network
from networks.scoping import scopes_disabled
from networks.tasks import NetworkTask
from portal.queues import enqueue

logger = logging.getLogger(__name__)


def backoff(attempts: int) -> int:
    """Seconds before the next attempt: 30 s, 1 min, 2 min… capped at CIRCULATION_RETRY_MAX."""
    return min(
        settings.CIRCULATION_RETRY_BASE * 2 ** max(attempts - 1, 0), settings.CIRCULATION_RETRY_MAX
    )


@shared_task(base=NetworkTask, network_model=Circulation, missing=0)
def send_circulation(circulation_id: int) -> int:
    """After the mailing's transaction commits: the deliveries of a large mailing are
    created, then one delivery task per queued delivery is enqueued."""
    from circulation.services import circulation_expand

    circulation_expand(circulation_id=circulation_id)
    ids = list(
        Delivery.objects.filter(
            circulation_id=circulation_id, status=Delivery.Status.QUEUED
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        deliver.delay(pk)
    return len(ids)


def _claim(delivery_id: int) -> Delivery | None:
    """Lock the delivery and move it from queued to sending; None when another run has it,
    or it is done."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("circulation")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != Delivery.Status.QUEUED:
            return None
        delivery.status = Delivery.Status.SENDING
        delivery.attempts += 1
        delivery.retry_at = None
        delivery.save(update_fields=["status", "attempts", "retry_at", "updated_at"])
        return delivery


def _finish(delivery: Delivery, status: str, error: str = "", retry_in: int = 0) -> None:
    now = timezone.now()
    fields = {"status": status, "last_error": error[:2000], "updated_at": now}
    if status == Delivery.Status.SENT:
        fields["sent_at"] = now
    if retry_in:
        fields["retry_at"] = now + timedelta(seconds=retry_in)
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
            **fields
        )
        kind = delivery.circulation.kind
        if (
            updated
            and kind == Circulation.Kind.DIGEST
            and status in (Delivery.Status.SENT, Delivery.Status.FAILED)
        ):
            _finish_bundled(delivery, status, error, now)
        if updated and kind == Circulation.Kind.INVITATION and status == Delivery.Status.SENT:
            # The secretariat's list of pending invitations shows when the email went.
            Invitation.objects.filter(
                pk=delivery.circulation.about_id, emailed_at__isnull=True
            ).update(emailed_at=now)


def _finish_bundled(digest: Delivery, status: str, error: str, now) -> None:
    """The items a daily digest carried share its fate."""
    bundled = Delivery.objects.filter(
        bundled_in=digest, status__in=[Delivery.Status.DIGEST, Delivery.Status.FAILED]
    )
    if status == Delivery.Status.SENT:
        bundled.update(status=status, sent_at=now, last_error="", updated_at=now)
    else:
        bundled.update(
            status=status, last_error=f"The daily digest failed: {error}"[:2000], updated_at=now
        )


def _drop_connection() -> None:
    """A broken database connection is dropped, so the next query opens a new one."""
    if not connection.in_atomic_block:
        connection.close()


def _record_sent(delivery_id: int) -> bool:
    """The mail server has accepted the message: the delivery is sent, whatever run had it
    (sending, or queued again by the sweeper meanwhile). False if it is neither. Runs
    inside the delivery's network (the task's base entered it)."""
    delivery = (
        Delivery.objects.select_related("circulation")
        .filter(pk=delivery_id, status__in=[Delivery.Status.SENDING, Delivery.Status.QUEUED])
        .first()
    )
    if delivery is None:
        return False
    Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.SENDING
    )
    _finish(delivery, Delivery.Status.SENT)
    return True


@shared_task(
    bind=True, max_retries=None, base=NetworkTask, network_model=Delivery, missing="missing"
)
def deliver(self, delivery_id: int, accepted: bool = False) -> str:
    """Send one delivery, then record it sent. `accepted`: the mail server already has the
    message and only recording it failed (the database dropped the connection): record it,
    never send again."""
    if accepted:
        try:
            _record_sent(delivery_id)
        except DatabaseError:
            _drop_connection()
            raise self.retry(countdown=min(2**self.request.retries, 5), exc=None) from None
        return "sent"
    try:
        delivery = _claim(delivery_id)
    except DatabaseError:
        # Nothing was sent: try again shortly on a new connection (the sweeper would too).
        _drop_connection()
        raise self.retry(countdown=2, exc=None) from None
    if delivery is None:
        return "skipped"
    try:
        build_message(delivery).send()
    except Exception as exc:  # classified below; nothing escapes unrecorded
        failure = classify(exc)
        if isinstance(failure, PermanentFailure):
            _finish(delivery, Delivery.Status.FAILED, str(failure))
            return "failed"
        if delivery.attempts >= settings.CIRCULATION_MAX_ATTEMPTS:
            _finish(
                delivery,
                Delivery.Status.FAILED,
                f"Gave up after {delivery.attempts} attempts: {failure}",
            )
            return "failed"
        countdown = backoff(delivery.attempts)
        _finish(delivery, Delivery.Status.QUEUED, str(failure), retry_in=countdown)
        raise self.retry(countdown=countdown, exc=None) from None
    try:
        _finish(delivery, Delivery.Status.SENT)
    except DatabaseError:
        # The message is with the mail server: sending it again would be a duplicate. On a
        # new connection, record it now or in a second (before the sweeper's turn).
        logger.warning(
            "delivery %s accepted by the mail server; recording it failed, retrying",
            delivery_id,
        )
        _drop_connection()
        try:
            _record_sent(delivery_id)
        except DatabaseError:
            _drop_connection()
            raise self.retry(kwargs={"accepted": True}, countdown=1, exc=None) from None
    return "sent"


@shared_task
def sweep_stuck_deliveries() -> int:
    """Beat: deliveries left queued or sending past CIRCULATION_STUCK_AFTER (a killed worker,
    a lost message, a broker that restarted empty) are queued again, and so are large
    mailings whose deliveries were never created. A delivery waiting for its retry counts
    from the time of that retry, so the sweeper never cuts a back-off short. A delivery that
    was in flight may then go twice — with the same Message-ID."""
    now = timezone.now()
    limit = now - timedelta(seconds=settings.CIRCULATION_STUCK_AFTER)
    status = Delivery.Status
    stuck_filter = (
        Q(status=status.SENDING, updated_at__lt=limit)
        | Q(status=status.QUEUED, retry_at__isnull=True, updated_at__lt=limit)
        | Q(status=status.QUEUED, retry_at__lt=limit)
    )
    with scopes_disabled(), transaction.atomic():
        locked = Delivery.objects.select_for_update(
            skip_locked=connection.features.has_select_for_update_skip_locked
        ).filter(stuck_filter)
        stuck = list(locked.values_list("pk", flat=True)[:5000])
        Delivery.objects.filter(pk__in=stuck).update(
            status=status.QUEUED, retry_at=None, updated_at=now
        )
        transaction.on_commit(lambda: [enqueue(deliver, pk) for pk in stuck])
        # A large mailing whose deliveries were never created (its first task was lost).
        unexpanded = list(
            Circulation.objects.filter(pending__isnull=False, created_at__lt=limit).values_list(
                "pk", flat=True
            )[:500]
        )
    for pk in unexpanded:
        enqueue(send_circulation, pk)
    return len(stuck) + len(unexpanded)


@shared_task
def send_digests() -> int:
    """Beat, daily: each person's waiting optional mail, one digest per network."""
    with scopes_disabled():
        network_ids = list(
            Delivery.objects.filter(status=Delivery.Status.DIGEST, bundled_in__isnull=True)
            .order_by("network_id")
            .values_list("network_id", flat=True)
            .distinct()
        )
    return sum(send_network_digests.for_each_network(network_ids))


@shared_task(base=NetworkTask)
def send_network_digests(network_id: int) -> int:
    """One network's digests (send_digests)."""
    from circulation.services import digests_send

    return digests_send(network=Network.objects.get(pk=network_id))
