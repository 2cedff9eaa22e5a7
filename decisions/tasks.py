"""Celery tasks of the decision register. The beat jobs find what is due across networks and
call a task on networks.tasks.NetworkTask for each, which works inside that network (its
rows and its clock)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from decisions.models import Procedure
from decisions.services import action_points_chase, procedure_close, procedure_remind
from networks.models import Network
from networks.scoping import scopes_disabled
from networks.tasks import NetworkTask


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
        close_procedure(procedure_id=procedure_id, network_id=network_id)
    return len(due)


@shared_task(base=NetworkTask)
def close_procedure(procedure_id: int, network_id: int) -> None:
    procedure_close(procedure=Procedure.objects.get(pk=procedure_id))


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
        remind_procedure(procedure_id=procedure_id, network_id=network_id)
    return len(due)


@shared_task(base=NetworkTask)
def remind_procedure(procedure_id: int, network_id: int) -> None:
    procedure_remind(procedure=Procedure.objects.get(pk=procedure_id))


@shared_task
def chase_overdue_action_points() -> int:
    """Beat, weekly: each network's overdue action points, to their owner organisations."""
    return sum(chase_action_points.for_each_network())


@shared_task(base=NetworkTask)
def chase_action_points(network_id: int) -> int:
    return action_points_chase(network=Network.objects.get(pk=network_id))
