"""Celery tasks of the quarterly reports. Each works inside the network it is given (its rows
and its clock, entered by networks.tasks.NetworkTask) and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from common import quarters
from networks.models import Network
from networks.tasks import NetworkTask
from reports import services


@shared_task(base=NetworkTask)
def draft_ended_quarter(network_id: int) -> bool:
    """Draft the report of the network's last ended quarter and tell the secretariat and the
    co-chairs, once. Returns whether a draft was made by this run."""
    network = Network.objects.get(pk=network_id)
    period = quarters.last_ended_quarter(network)
    if network.created_at >= period.end:
        return False  # the network did not exist yet in that quarter
    _report, created = services.report_open(
        network=network, by=None, year=period.year, quarter=period.quarter, notify=True
    )
    return created


@shared_task
def draft_quarterly_reports() -> int:
    """Beat, hourly: for every network whose quarter has ended in its own time zone, the
    report of that quarter is drafted once (networks in later time zones get theirs when
    their quarter ends). Returns how many drafts this run made."""
    return sum(draft_ended_quarter.for_each_network())
