"""Matters and meetings in Django admin: read-mostly (changes go through the services and pages)."""

from django.contrib import admin

from .models import Matter, MatterEscalation, Meeting


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Matter)
class MatterAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "lead_unit", "status", "progress"]
    list_filter = ["status"]
    search_fields = ["number", "title"]
    list_select_related = ["lead_unit"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "date", "status"]
    list_filter = ["status"]


@admin.register(MatterEscalation)
class MatterEscalationAdmin(ReadOnlyAdmin):
    list_display = ["matter", "level", "due_date", "escalated_on"]
