import django_filters
from django.utils.translation import gettext_lazy as _

from decisions.models import ActionPoint
from networks.api.filters import IdFilter


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
