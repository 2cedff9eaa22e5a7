"""The library's filters in the API: the page's, declared (networks.api.filters)."""

import django_filters
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from documents.models import Document
from networks.api.filters import IdFilter


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        max_length=200,
        help_text=_(
            "Words to find in the title, description or text (at most 200 characters): the "
            "library's full-text search, best match first, each result with a snippet."
        ),
    )
    category = django_filters.ChoiceFilter(
        choices=Document.Category.choices, help_text=_("One category.")
    )
    meeting = IdFilter(field_name="meeting_id", help_text=_("The id of a meeting."))
    confidentiality = django_filters.ChoiceFilter(
        choices=Document.Confidentiality.choices, help_text=_("Who may open it.")
    )
    language = django_filters.ChoiceFilter(
        choices=settings.LANGUAGES, help_text=_("The document's language.")
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=_("Changed at or after this time: ISO 8601 with an offset."),
    )

    def search(self, queryset, name, value: str):
        # The view reads `q` itself, to start from the search selector (documents.selectors
        # .search) rather than the library; here it is only declared and validated.
        return queryset
