"""The network's audit trail for the secretariat and the co-chairs: filtered, paginated, and
as CSV. The operators' security events are in the operators' admin (audit/admin.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.views import View
from django.views.generic import TemplateView

from audit import exports, selectors
from audit.filters import AuditFilter
from audit.models import AuditEvent
from networks.mixins import NetworkPageMixin
from networks.roles import Action
from portal import clock

PAGE_SIZE = 50
# The CSV holds at most this many rows (the newest); narrow the filters for older ones.
CSV_LIMIT = 50_000


class AuditMixin(NetworkPageMixin):
    required_action = Action.AUDIT_VIEW

    def filtered(self) -> AuditFilter:
        return AuditFilter(self.request.GET, queryset=selectors.network_events())


class AuditTrailView(AuditMixin, TemplateView):
    template_name = "audit/trail.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not self.filters.is_valid():
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.filters = self.filtered()
        events = self.filters.qs if self.filters.is_valid() else AuditEvent.objects.none()
        chosen = {
            key: value
            for key, value in self.request.GET.items()
            if key in self.filters.filters and value
        }
        context.update(
            filters=self.filters,
            chosen=chosen,
            choices=selectors.choices_in_network(),
            kinds=AuditEvent.Kind.choices,
            page=Paginator(events, PAGE_SIZE).get_page(self.request.GET.get("page")),
            pager_query=urlencode(chosen),
            csv_query=urlencode(chosen),
        )
        return context


class AuditCSVView(AuditMixin, View):
    def get(self, request, network):
        filters = self.filtered()
        if not filters.is_valid():
            return HttpResponse(
                " ".join(str(m) for errors in filters.errors.values() for m in errors),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        today = clock.network_today(self.network).isoformat()
        return exports.csv_response(
            filters.qs[:CSV_LIMIT], f"audit-{self.network.slug}-{today}.csv"
        )
