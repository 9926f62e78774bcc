"""The exchange in Django admin: to look at, never to change — every write goes through a service."""

from django.contrib import admin

from portal.admin_mixins import ReadOnlyAdminMixin

from .models import AccessLog, ApiCredential, DataRecord, Objection, ReturnFlowRun


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "sequence",
        "time_in",
        "status",
        "outcome",
        "consumer",
        "provider",
        "resource_code",
        "records",
    ]
    list_filter = ["status", "outcome"]
    search_fields = ["request_id", "purpose", "end_user", "resource_code"]
    list_select_related = ["consumer", "provider"]
    show_full_result_count = False


@admin.register(ApiCredential)
class ApiCredentialAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["label", "prefix", "agreement", "expires_on", "revoked_at"]
    search_fields = ["label", "prefix", "agreement__number"]
    exclude = ["secret_hash"]
    list_select_related = ["agreement"]


@admin.register(DataRecord)
class DataRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["key", "resource", "version", "source", "updated_at"]
    search_fields = ["key", "resource__code"]
    list_select_related = ["resource"]
    show_full_result_count = False


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["record", "agreement", "item_code", "state", "created_at"]
    list_filter = ["state"]
    list_select_related = ["record", "agreement"]


@admin.register(ReturnFlowRun)
class ReturnFlowRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["agreement", "started_at", "finished_at", "rows", "status", "trigger"]
    list_filter = ["status"]
    list_select_related = ["agreement"]
