"""Celery tasks of the decision register."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from decisions.models import Procedure
from decisions.services import procedure_close, procedure_remind
from networks.scoping import network_entered, scopes_disabled


@shared_task
def close_due_procedures() -> int:
    """Beat, every minute: close each written procedure whose deadline has passed (never
    before it); closing twice changes nothing."""
    with scopes_disabled():
        due = list(
            Procedure.objects.filter(closed_at__isnull=True, deadline__lte=timezone.now())
            .order_by("deadline")
            .values_list("pk", "network_id")[:500]
        )
    for procedure_id, network_id in due:
        with network_entered(network_id):
            procedure_close(procedure=Procedure.objects.get(pk=procedure_id))
    return len(due)


@shared_task
def remind_before_deadlines() -> int:
    """Beat, hourly: remind the organisations that have not answered, once, when a
    procedure's deadline is less than DECISIONS_REMIND_HOURS away."""
    soon = timezone.now() + timedelta(hours=settings.DECISIONS_REMIND_HOURS)
    with scopes_disabled():
        due = list(
            Procedure.objects.filter(
                closed_at__isnull=True,
                reminded_at__isnull=True,
                deadline__gt=timezone.now(),
                deadline__lte=soon,
            ).values_list("pk", "network_id")[:500]
        )
    for procedure_id, network_id in due:
        with network_entered(network_id):
            procedure_remind(procedure=Procedure.objects.get(pk=procedure_id))
    return len(due)


@shared_task
def chase_overdue_action_points() -> int:
    """Beat, weekly: each network's overdue action points, to their owner organisations."""
    from decisions.services import action_points_chase
    from networks.models import Network

    chased = 0
    for network in Network.objects.all():
        with network_entered(network):
            chased += action_points_chase(network=network)
    return chased
