"""Reads on mailings, each in a fixed number of queries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q

from circulation.models import Attachment, Circulation, Delivery

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User


def circulations_with_counts() -> QuerySet[Circulation]:
    """The entered network's mailings, newest first, with delivery counts by status."""
    status = Delivery.Status
    return (
        Circulation.objects.select_related("sent_by")
        .defer("pending")
        .annotate(
            total=Count("deliveries"),
            queued=Count(
                "deliveries",
                filter=Q(deliveries__status__in=[status.QUEUED, status.SENDING, status.DIGEST]),
            ),
            sent=Count("deliveries", filter=Q(deliveries__status=status.SENT)),
            failed=Count("deliveries", filter=Q(deliveries__status=status.FAILED)),
            opened=Count("deliveries", filter=Q(deliveries__opened_at__isnull=False)),
        )
        .order_by("-created_at", "-pk")
    )


def deliveries_of(circulation: Circulation, *, status: str = "") -> QuerySet[Delivery]:
    deliveries = Delivery.objects.filter(circulation=circulation).select_related("recipient")
    if status in Delivery.Status.values:
        deliveries = deliveries.filter(status=status)
    return deliveries.order_by("status", "address")


def mail_of(user: User) -> QuerySet[Delivery]:
    """The deliveries addressed to this person in the entered network."""
    return (
        Delivery.objects.filter(recipient=user)
        .select_related("circulation")
        .order_by("-circulation__created_at")
    )


def delivery_with_message(delivery_id: int) -> Delivery | None:
    """One delivery of the entered network with what is needed to show its message."""
    return (
        Delivery.objects.filter(pk=delivery_id)
        .select_related("circulation", "recipient")
        .prefetch_related(
            Prefetch("circulation__attachments", queryset=Attachment.objects.defer("content"))
        )
        .first()
    )
