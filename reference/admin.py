"""Reference data is loaded by data migration and never edited in the portal: operators can
look it up here, nothing more."""

from django.contrib import admin

from common.admin import RecordedDeletions
from reference.models import GCMObjective, GuidingPrinciple, SDGTarget


class ReadOnlyAdmin(RecordedDeletions):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff


@admin.register(GCMObjective)
class GCMObjectiveAdmin(ReadOnlyAdmin):
    list_display = ["number", "short_label", "short_label_ru", "title"]
    search_fields = ["short_label", "short_label_ru", "title", "title_ru"]


@admin.register(GuidingPrinciple)
class GuidingPrincipleAdmin(ReadOnlyAdmin):
    list_display = ["letter", "name", "name_ru"]


@admin.register(SDGTarget)
class SDGTargetAdmin(ReadOnlyAdmin):
    list_display = ["code", "title"]
    list_filter = ["goal"]
    search_fields = ["code", "title", "title_ru"]
