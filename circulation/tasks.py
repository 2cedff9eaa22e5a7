"""Sending deliveries. Tasks take ids, enter the network, and are safe to run twice: the row
lock and the status guard let only one run send a queued delivery."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from circulation.mail import PermanentFailure, build_message, classify
from circulation.models import Delivery
from networks.scoping import network_scope, scopes_disabled


def backoff(attempts: int) -> int:
    """Seconds before the next attempt: 30 s, 1 min, 2 min… capped at CIRCULATION_RETRY_MAX."""
    return min(
        settings.CIRCULATION_RETRY_BASE * 2 ** max(attempts - 1, 0), settings.CIRCULATION_RETRY_MAX
    )


def _claim(delivery_id: int) -> Delivery | None:
    """Lock the delivery and move it from queued to sending; None when another run has it,
    or it is done."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status != Delivery.Status.QUEUED:
            return None
        delivery.status = Delivery.Status.SENDING
        delivery.attempts += 1
        delivery.save(update_fields=["status", "attempts", "updated_at"])
        return delivery


def _finish(delivery: Delivery, status: str, error: str = "") -> None:
    fields = {"status": status, "last_error": error[:2000], "updated_at": timezone.now()}
    if status == Delivery.Status.SENT:
        fields["sent_at"] = timezone.now()
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(**fields)


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver(self, delivery_id: int) -> str:
    with scopes_disabled():
        network_id = (
            Delivery.objects.filter(pk=delivery_id).values_list("network_id", flat=True).first()
        )
    if network_id is None:
        return "missing"
    with network_scope(network_id):
        delivery = _claim(delivery_id)
        if delivery is None:
            return "skipped"
        delivery = Delivery.objects.select_related("circulation").get(pk=delivery.pk)
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
            _finish(delivery, Delivery.Status.QUEUED, str(failure))
            raise self.retry(countdown=backoff(delivery.attempts), exc=None) from None
        _finish(delivery, Delivery.Status.SENT)
        return "sent"


@shared_task
def sweep_stuck_deliveries() -> int:
    """Beat: deliveries left queued or sending past CIRCULATION_STUCK_AFTER (a killed worker,
    a lost message) are queued again. A delivery that was in flight may then go twice — with
    the same Message-ID."""
    limit = timezone.now() - timedelta(seconds=settings.CIRCULATION_STUCK_AFTER)
    with scopes_disabled():
        stuck = list(
            Delivery.objects.filter(
                status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING], updated_at__lt=limit
            ).values_list("pk", flat=True)[:5000]
        )
        Delivery.objects.filter(pk__in=stuck, status=Delivery.Status.SENDING).update(
            status=Delivery.Status.QUEUED, updated_at=timezone.now()
        )
        Delivery.objects.filter(pk__in=stuck, status=Delivery.Status.QUEUED).update(
            updated_at=timezone.now()
        )
    for pk in stuck:
        deliver.delay(pk)
    return len(stuck)
