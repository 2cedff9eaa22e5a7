"""Pages of results: `?page=` (from 1) and `?page_size=` (1 to 500, 50 by default). A page
number or size that is not a whole number in range is a 400 naming the parameter; a page
past the last one is a 404 that says which page is the last."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination


def _whole_number(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        return None


class PortalPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    # DRF would also take `?page=last`; the schema says a page is a number, so it is one.
    last_page_strings = ()

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = _whole_number(raw)
        if size is None or not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        number = _whole_number(request.query_params.get(self.page_query_param, "1"))
        if number is None or number < 1:
            raise ValidationError(
                {self.page_query_param: [_("Give a page number: a whole number from 1.")]}
            )
        if number > paginator.num_pages:
            raise NotFound(
                _("There is no such page: the last page is %(last)d.")
                % {"last": paginator.num_pages}
            )
        self.page = paginator.page(number)
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": _("Page number, from 1."),
                "schema": {"type": "integer", "minimum": 1, "default": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": _("Results per page, from 1 to %(max)d.")
                % {"max": self.max_page_size},
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                },
            },
        ]
