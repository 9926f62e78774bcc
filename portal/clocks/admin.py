"""Clocks in admin: read-only. Clocks change only through their services (start, pause ...)."""

from django.contrib import admin

from portal.admin_mixins import ReadOnlyAdminMixin

from .models import Clock, ClockEvent, RecomputeRequest


class ClockEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ClockEvent
    extra = 0
    fields = ["kind", "on", "at", "actor", "reason", "legal_basis", "expected_days", "days", "approved_by"]
    readonly_fields = fields


@admin.register(Clock)
class ClockAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "label",
        "purpose",
        "state",
        "signal",
        "started_on",
        "due_date",
        "due_provisional",
        "consumed_days",
        "limit_days",
        "extension_days",
        "paused_days",
    ]
    list_filter = ["signal", "state", "due_provisional", "purpose", "subject_type"]
    search_fields = ["label", "subject_id"]
    date_hierarchy = "due_date"
    inlines = [ClockEventInline]
    list_select_related = ["subject_type"]


@admin.register(RecomputeRequest)
class RecomputeRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "years", "created_at", "done_at", "clocks_changed"]
