"""The operators' view of the audit trail: security events only (the platform's chain), never
a network's steps or documents. Read-only; filtered by person, step and date; as CSV."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import exports, selectors
from audit.models import SecurityEvent
from common.admin import RecordedDeletions

CSV_LIMIT = 50_000


class StepFilter(admin.SimpleListFilter):
    title = _("step")
    parameter_name = "step"

    def lookups(self, request, model_admin):
        steps = selectors.security_events().order_by().values_list("event", flat=True).distinct()
        return [(step, step) for step in sorted(set(steps))]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(event=self.value())
        return queryset


@admin.register(SecurityEvent)
class SecurityEventAdmin(RecordedDeletions):
    list_display = ["at", "event", "person", "object_type", "object_id", "object_label"]
    list_filter = [StepFilter, ("at", admin.DateFieldListFilter)]
    search_fields = ["user__email", "user__full_name", "object_id"]
    date_hierarchy = "at"
    list_select_related = ["user"]
    list_per_page = 50
    show_full_result_count = False
    ordering = ["-at", "-pk"]
    change_list_template = "audit/admin_change_list.html"

    def get_queryset(self, request: HttpRequest):
        return selectors.security_events()

    @admin.display(description=_("person"), ordering="user__email")
    def person(self, event: SecurityEvent) -> str:
        return exports.person_of(event) or "—"

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_csv)
        return [path("export.csv", export, name="audit_securityevent_csv"), *super().get_urls()]

    def export_csv(self, request: HttpRequest) -> HttpResponse:
        """The events the list's filters select, as CSV (times in UTC, ISO 8601)."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        events = changelist.get_queryset(request)[:CSV_LIMIT]
        today = timezone.now().date().isoformat()
        return exports.csv_response(events, f"security-events-{today}.csv")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
