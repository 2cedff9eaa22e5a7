"""Declared filters (no Meta.fields): django-filter's field introspection would query the
scoped managers outside a network, and declared filters say exactly what the API accepts."""

import django_filters
from django.db.models import Q

from networks.models import Participation
from networks.roles import MEMBERSHIP_ROLES


class ParticipationFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=Participation.Type.choices)
    is_national_authority = django_filters.BooleanFilter()


class MemberFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=MEMBERSHIP_ROLES)
    organisation = django_filters.NumberFilter(
        field_name="organisation_id", min_value=1, max_value=2**63 - 1
    )
    q = django_filters.CharFilter(method="search", max_length=100, label="Name or email contains")

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(user__full_name__icontains=value) | Q(user__email__icontains=value)
        )
