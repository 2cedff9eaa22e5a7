"""The person's data over time: the retention beat job."""

from __future__ import annotations

from celery import shared_task

from privacy import services


@shared_task
def apply_retention() -> dict[str, int]:
    """Beat, daily: remove what is older than its kind's retention period
    (privacy.services.apply_retention, PORTAL_RETENTION_DAYS). Safe to run twice: the second
    run finds nothing due."""
    return services.apply_retention()
