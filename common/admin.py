"""What every ModelAdmin of the operators' admin shares."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import admin
from django.contrib.admin.models import DELETION, LogEntry
from django.db.models import Model
from django.http import HttpRequest


class RecordedDeletions(admin.ModelAdmin):
    """Every deletion in the admin is an entry of its log saved on its own. Django writes the
    entries of a bulk delete ("Delete selected …") with one bulk_create, which sends no
    post_save, so the audit trail (audit.receivers.operator_action) would not see them;
    saved one by one, each deleted object is an operator action there too. Every admin of the
    portal stands on this class (tests/audit/test_trail.py checks it)."""

    def log_deletions(self, request: HttpRequest, queryset: Iterable[Model]) -> list[LogEntry]:
        operator = request.user.pk
        assert operator is not None  # the admin is for signed-in operators only
        return [
            LogEntry.objects.log_actions(
                user_id=operator,
                queryset=[obj],
                action_flag=DELETION,
                single_object=True,
            )
            for obj in queryset
        ]
