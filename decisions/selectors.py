"""Reads on the decision register, each in a fixed number of queries."""

from __future__ import annotations

from django.utils import timezone

from decisions.models import Position, Procedure
from networks.models import Membership, Participation
from networks.roles import Role

SPEAKING_ROLES = (Role.SECRETARIAT, Role.CO_CHAIR, Role.MEMBER, Role.EXTERNAL_PARTNER)


def awaiting_my_position(*, access, limit: int = 10) -> list:
    """Open procedures on which an organisation the person speaks for has not answered yet:
    4 queries."""
    mine = set(
        Membership.objects.active()
        .filter(user_id=access.user_id, role__in=SPEAKING_ROLES)
        .values_list("organisation_id", flat=True)
    )
    if not mine:
        return []
    participations = list(
        Participation.objects.active()
        .filter(organisation_id__in=mine)
        .values_list("organisation_id", "type", "is_national_authority")
    )
    members = {
        org for org, type_, _authority in participations if type_ == Participation.Type.MEMBER
    }
    authorities = {org for org, _type, authority in participations if authority}
    procedures = list(
        Procedure.objects.filter(closed_at__isnull=True, deadline__gt=timezone.now())
        .select_related("decision")
        .order_by("deadline")[:200]
    )
    answered = set(
        Position.objects.filter(procedure__in=procedures, organisation_id__in=mine).values_list(
            "procedure_id", "organisation_id"
        )
    )
    waiting = []
    for procedure in procedures:
        consulted = members | (authorities if procedure.decision.concerns_state else set())
        if any((procedure.pk, org) not in answered for org in consulted):
            waiting.append(procedure)
        if len(waiting) == limit:
            break
    return waiting
