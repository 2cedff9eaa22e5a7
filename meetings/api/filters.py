import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting
from networks.api.filters import IdFilter


class MeetingFilter(django_filters.FilterSet):
    when = django_filters.ChoiceFilter(
        choices=[("upcoming", _("Upcoming")), ("past", _("Past"))],
        method="filter_when",
        help_text=_("upcoming: not yet ended, soonest first; past: ended, latest first."),
    )
    kind = django_filters.ChoiceFilter(choices=Meeting.Kind.choices, help_text=_("One type."))
    working_group = IdFilter(
        field_name="working_group_id", help_text=_("The id of a working group of the network.")
    )

    def filter_when(self, queryset, name, value: str):
        now = timezone.now()
        if value == "past":
            return queryset.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
        return queryset.filter(ends_at__gte=now).order_by("starts_at", "pk")
