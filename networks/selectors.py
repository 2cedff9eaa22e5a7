"""Reads on networks. Each returns in a fixed number of queries whatever the data size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from networks.models import Membership, Network, Organisation, Participation


@dataclass
class MemberRow:
    participation: Participation
    focal_points: list[Membership]

    @property
    def organisation(self) -> Organisation:
        return self.participation.organisation


def member_list(*, network: Network) -> dict[str, list[MemberRow]]:
    """Organisations taking part, by participation type, each with its people: 2 queries."""
    participations = list(
        Participation.objects.active().select_related("organisation").order_by(
            "type", "organisation__acronym", "organisation__name"
        )
    )
    people: dict[int, list[Membership]] = defaultdict(list)
    for membership in (
        Membership.objects.active()
        .select_related("user")
        .order_by("user__full_name", "user__email", "role")
    ):
        people[membership.organisation_id].append(membership)
    grouped: dict[str, list[MemberRow]] = {t: [] for t in Participation.Type.values}
    for participation in participations:
        grouped[participation.type].append(
            MemberRow(participation, people.get(participation.organisation_id, []))
        )
    return grouped
