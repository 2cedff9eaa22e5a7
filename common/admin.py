"""What every ModelAdmin of the operators' admin shares."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.models import DELETION, LogEntry


class RecordedDeletions(admin.ModelAdmin):
    """Every deletion in the admin is an entry of its log saved on its own. Django writes the
    entries of a bulk delete ("Delete selected …") with one bulk_create, which sends no
    post_save, so the audit trail (audit.receivers.operator_action) would not see them;
    saved one by one, each deleted object is an operator action there too. Every admin of the
    portal stands on this class (tests/operators/test_privileged_access.py checks it)."""

    def log_deletions(self, request, queryset):
        return [
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=[obj],
                action_flag=DELETION,
                single_object=True,
            )
            for obj in queryset
        ]
