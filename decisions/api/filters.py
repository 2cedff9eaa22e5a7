import django_filters
from django.utils.translation import gettext_lazy as _

from decisions.models import ActionPoint, Procedure
from networks.api.filters import IdFilter, StrictBooleanFilter


class ActionPointFilter(django_filters.FilterSet):
    organisation = IdFilter(
        field_name="owner_organisation_id",
        help_text=_("The id of the owner organisation: that organisation's board."),
    )
    status = django_filters.ChoiceFilter(
        choices=[("open_or_in_progress", _("Open or in progress")), *ActionPoint.Status.choices],
        method="filter_status",
        help_text=_("One status, or open_or_in_progress."),
    )
    decision = IdFilter(field_name="decision_id", help_text=_("The id of a decision."))

    def filter_status(self, queryset, name, value: str):
        if value == "open_or_in_progress":
            return queryset.filter(
                status__in=[ActionPoint.Status.OPEN, ActionPoint.Status.IN_PROGRESS]
            )
        return queryset.filter(status=value)


class ProcedureFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=Procedure.Kind.choices, help_text=_("Consultation or silence procedure.")
    )
    open = StrictBooleanFilter(
        method="filter_open", help_text=_("true: still open; false: closed.")
    )
    decision = IdFilter(field_name="decision_id", help_text=_("The id of a decision."))

    def filter_open(self, queryset, name, value: bool):
        return queryset.filter(closed_at__isnull=value)
