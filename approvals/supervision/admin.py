"""Supervision notices in Django admin: read-only (statuses move only through the services)."""

from django.contrib import admin

from .models import SupervisionNotice


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(admin.ModelAdmin):
    list_display = ["number", "status", "department", "application", "task", "issued_on", "issued_by"]
    list_filter = ["status", "issued_on"]
    search_fields = ["number", "application__number", "department__name"]
    list_select_related = ["department", "application", "task", "task__item", "issued_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
