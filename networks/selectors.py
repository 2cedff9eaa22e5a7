"""Reads on networks. Each returns in a fixed number of queries whatever the data size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from networks.models import Membership, Network, Organisation, Participation
from networks.roles import SPEAKING_ROLES

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User
    from networks.access import NetworkAccess
    from networks.models import Invitation, WorkingGroup


def people_speaking_for(organisations: Iterable[Organisation]) -> list[User]:
    """The active people who speak for any of `organisations` in the entered network (each
    once), in one query: whom a mailing to an organisation goes to."""
    ids = [organisation.pk for organisation in organisations]
    return list(
        {
            m.user_id: m.user
            for m in Membership.objects.active()
            .filter(organisation_id__in=ids, role__in=SPEAKING_ROLES, user__is_active=True)
            .select_related("user")
        }.values()
    )


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
        Participation.objects.active()
        .select_related("organisation")
        .order_by("type", "organisation__acronym", "organisation__name")
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


def working_groups_visible(*, access: NetworkAccess) -> QuerySet[WorkingGroup]:
    """Working groups the person may see: all of them, except for external partners, who see
    only the groups they belong to."""
    from django.db.models import Count, Q

    from networks.models import WorkingGroup, WorkingGroupMember
    from networks.roles import Action

    groups = WorkingGroup.objects.select_related("lead_organisation").annotate(
        member_count=Count("members", filter=Q(members__ended_at__isnull=True))
    )
    if not access.can(Action.WORKING_GROUPS_VIEW_ALL):
        mine = WorkingGroupMember.objects.filter(user=access.user_id, ended_at__isnull=True)
        groups = groups.filter(pk__in=mine.values("working_group_id"))
    return groups.order_by("name")


@dataclass
class WorkingGroupPerson:
    user: User
    memberships: list[Membership]

    @property
    def organisations(self) -> list[Organisation]:
        """The organisations the person takes part for, each once, in a stable order."""
        seen: dict[int, Organisation] = {}
        for membership in self.memberships:
            seen.setdefault(membership.organisation_id, membership.organisation)
        return sorted(seen.values(), key=lambda org: (org.acronym, org.name))


def working_group_members(*, working_group: WorkingGroup) -> list[WorkingGroupPerson]:
    """The group's current members, each with the organisation(s) they act for in the
    network: 2 queries."""
    from networks.models import WorkingGroupMember

    members = list(
        WorkingGroupMember.objects.filter(working_group=working_group, ended_at__isnull=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    memberships: dict[int, list[Membership]] = defaultdict(list)
    for membership in (
        Membership.objects.active()
        .filter(user_id__in=[member.user_id for member in members])
        .select_related("organisation")
        .order_by("organisation__acronym", "role")
    ):
        memberships[membership.user_id].append(membership)
    return [WorkingGroupPerson(member.user, memberships[member.user_id]) for member in members]


def invitations_pending() -> QuerySet[Invitation]:
    """Invitations of the entered network that can still be accepted."""
    from django.utils import timezone

    from networks.models import Invitation

    return (
        Invitation.objects.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("organisation", "invited_by")
        .order_by("-created_at")
    )
