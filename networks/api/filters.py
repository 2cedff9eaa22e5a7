"""Declared filters (no Meta.fields): django-filter's field introspection would query the
scoped managers outside a network, and declared filters say exactly what the API accepts.
A value a filter cannot understand is a 400 naming the parameter, never ignored."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from networks.models import Participation
from networks.roles import MEMBERSHIP_ROLES

# The largest id a database column holds; a larger one cannot exist.
MAX_ID = 2**63 - 1


class StrictBooleanField(forms.NullBooleanField):
    """`true`/`false` (or `1`/`0`); anything else is an error rather than "no filter"."""

    VALUES = {"true": True, "1": True, "false": False, "0": False}
    # NullBooleanSelect would turn an unknown value into None before it is checked.
    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(_("Give true or false."), code="invalid") from None

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class ParticipationFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(
        choices=Participation.Type.choices, help_text=_("Member, observer or external partner.")
    )
    is_national_authority = StrictBooleanFilter(
        help_text=_("true: only the national authority; false: everyone else.")
    )


class MemberFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=MEMBERSHIP_ROLES, help_text=_("One role."))
    organisation = IdFilter(
        field_name="organisation_id", help_text=_("The id of an organisation in the network.")
    )
    q = django_filters.CharFilter(
        method="search",
        max_length=100,
        help_text=_("Part of the person's name or email address (at most 100 characters)."),
    )

    def search(self, queryset, name, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(user__full_name__icontains=value) | Q(user__email__icontains=value)
        )
