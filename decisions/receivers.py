"""What decisions does when something happens below it: connected in DecisionsConfig.ready()
to the domain signals of the apps it stands on."""

from __future__ import annotations

from typing import Any

from decisions.services import action_points_from_minutes, decisions_from_minutes
from meetings.models import MinutesVersion


def minutes_approved(sender: Any, *, minutes_version: MinutesVersion, **kwargs: Any) -> None:
    """Approved minutes bring their decisions into the register and their action points into
    follow-up — inside the approval's transaction."""
    decisions_from_minutes(minutes_version=minutes_version)
    action_points_from_minutes(minutes_version=minutes_version)
