"""The one set of filters of the audit trail: the page, its CSV and the API read the same
parameters (person, organisation, object, step, kind, dates). Declared filters only, so that
nothing queries the scoped tables outside a network (networks/api/filters.py)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from networks.api.filters import IdFilter


class AuditFilter(django_filters.FilterSet):
    person = IdFilter(field_name="user_id", help_text=_("The id of the person who acted."))
    organisation = IdFilter(
        field_name="organisation_id", help_text=_("The id of the organisation they acted for.")
    )
    object_type = django_filters.CharFilter(
        max_length=100, help_text=_("The kind of object, e.g. meetings.minutes.")
    )
    object_id = django_filters.CharFilter(max_length=64, help_text=_("The object's id."))
    step = django_filters.CharFilter(
        method="by_step",
        max_length=80,
        help_text=_(
            "A step or event, e.g. minutes.approve; or what comes before its dot, e.g. minutes."
        ),
    )
    kind = django_filters.ChoiceFilter(choices=AuditEvent.Kind.choices, help_text=_("One kind."))
    since = django_filters.DateFilter(
        field_name="at__date", lookup_expr="gte", help_text=_("From this day (the network's).")
    )
    until = django_filters.DateFilter(
        field_name="at__date", lookup_expr="lte", help_text=_("Up to this day (the network's).")
    )

    def by_step(self, queryset: QuerySet[AuditEvent], name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(event=value) | Q(event__startswith=f"{value}."))
