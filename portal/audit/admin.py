"""The audit trail in Django admin: to look at, never to change (not even for superusers)."""

from __future__ import annotations

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from portal.admin_mixins import ReadOnlyAdminMixin
from portal.audit.actions import ACTION_LABELS, action_label
from portal.audit.models import AuditEvent


class ActionFilter(admin.SimpleListFilter):
    """Registered action codes (no SELECT DISTINCT over a table of millions of rows)."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return sorted(((code, f"{label} ({code})") for code, label in ACTION_LABELS.items()), key=str)

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(action=self.value())
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["sequence", "created_at", "actor", "action_display", "content_type", "object_repr", "ip"]
    list_display_links = ["sequence"]
    list_filter = [ActionFilter, "content_type", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["object_repr", "=request_id", "=actor__username", "actor__full_name"]
    list_select_related = ["actor", "content_type"]
    ordering = ["-sequence"]
    show_full_result_count = False
    fields = [
        "sequence",
        "created_at",
        "actor",
        "on_behalf_of",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "changes",
        "reason",
        "request_id",
        "ip",
        "before",
        "after",
        "prev_hash",
        "hash",
    ]
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, obj):
        return action_label(obj.action)

    @admin.display(description=_("changes"))
    def changes(self, obj):
        return render_to_string("audit/_timeline.html", {"events": [obj]})
