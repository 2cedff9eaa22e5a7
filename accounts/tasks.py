"""The person's data over time: the retention beat job."""

from __future__ import annotations

from celery import shared_task


@shared_task
def apply_retention() -> dict[str, int]:
    """Beat, daily: remove what is older than its kind's retention period
    (accounts.privacy.apply_retention, PORTAL_RETENTION_DAYS). Safe to run twice: the second
    run finds nothing due."""
    from accounts.privacy import apply_retention as apply

    return apply()
