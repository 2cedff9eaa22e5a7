"""Reads of the audit trail, each a fixed number of queries whatever the page holds."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from audit.models import AuditEvent
from networks.models import Organisation


def network_events() -> QuerySet[AuditEvent]:
    """The entered network's events, newest first, with who and for whom (one query a page)."""
    return AuditEvent.objects.select_related("user", "organisation").order_by("-at", "-pk")


def security_events() -> QuerySet[AuditEvent]:
    """The platform's security events (sign-in, second factors, tokens, operators' actions),
    for the operators: no network's content."""
    return (
        AuditEvent.every_chain.filter(kind=AuditEvent.Kind.SECURITY, network__isnull=True)
        .select_related("user")
        .order_by("-at", "-pk")
    )


def choices_in_network() -> dict[str, list]:
    """What the page's filters offer: the steps, kinds of object, people and organisations
    that occur in the network's trail (four queries)."""
    events = AuditEvent.objects.order_by()
    steps = sorted(set(events.values_list("event", flat=True).distinct()))
    object_types = sorted(set(events.values_list("object_type", flat=True).distinct()) - {""})
    people = list(
        User.objects.filter(pk__in=events.filter(user__isnull=False).values("user_id"))
        .order_by("full_name", "email")
        .only("pk", "full_name", "email")
    )
    organisations = list(
        Organisation.objects.filter(
            pk__in=events.filter(organisation__isnull=False).values("organisation_id")
        ).order_by("acronym", "name")
    )
    return {
        "steps": steps,
        "object_types": object_types,
        "people": people,
        "organisations": organisations,
    }
