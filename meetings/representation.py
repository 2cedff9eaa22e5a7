"""Is every member organisation of the network represented at a meeting?

One rule for both moments: before the meeting from the answers (meetings.selectors.meeting_page),
after it from the attendance the minutes record (meetings.services.minutes_content)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from networks.models import Organisation, Participation


def representation(present: Iterable[int | None]) -> dict[str, Any]:
    """Of the network's member organisations today, how many the organisations `present`
    (ids) represent and which are missing, by name, sorted: one query."""
    members = {
        org.pk: org.display_name
        for org in Organisation.objects.filter(
            pk__in=Participation.objects.active()
            .filter(type=Participation.Type.MEMBER)
            .values("organisation_id")
        )
    }
    here = set(present) & members.keys()
    return {
        "member_organisations": len(members),
        "represented": len(here),
        "missing": sorted(name for pk, name in members.items() if pk not in here),
    }
