"""Celery tasks of the decision register."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from decisions.models import Procedure
from decisions.services import procedure_close
from networks.scoping import network_scope, scopes_disabled


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
        with network_scope(network_id):
            procedure_close(procedure=Procedure.objects.get(pk=procedure_id))
    return len(due)
