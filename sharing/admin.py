"""Django admin for data sharing.

Topics and data authorities are configuration: edited here (topics through the service, with an
audit event). Resources, requests and agreements are written by the services only: the admin
lists and shows them; approving submitted resources is an action that calls the service.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.admin_mixins import ReadOnlyAdminMixin
from portal.audit.services import audit_record
from portal.errors import DomainError

from . import services
from .models import (
    Agreement,
    AgreementItem,
    DataAuthority,
    DataItem,
    DataRequest,
    DataResource,
    ResourceStatus,
    ResourceVersion,
    Topic,
)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def save_model(self, request, obj, form, change):
        data = {k: form.cleaned_data[k] for k in ("code", "name", "description")}
        try:
            saved = services.topic_save(actor=request.user, data=data, topic=obj if change else None)
        except DomainError as exc:
            messages.error(request, exc.message)
            return
        obj.pk = saved.pk


@admin.register(DataAuthority)
class DataAuthorityAdmin(admin.ModelAdmin):
    """Which units are data authorities: configuration, every change audited."""

    list_display = ["unit", "since"]
    autocomplete_fields = ["unit"]

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="data_authority.save",
                obj=obj,
                after={"unit": obj.unit_id, "since": obj.since},
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            pk = obj.pk
            super().delete_model(request, obj)
            obj.pk = pk  # the event names the row that was deleted
            audit_record(
                actor=request.user, action="data_authority.delete", obj=obj, before={"unit": obj.unit_id}
            )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class DataItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DataItem
    fields = ["order", "code", "name", "data_type", "is_key", "sharing_type"]


class ResourceVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ResourceVersion
    fields = ["number", "sharing_type", "published_at", "published_by"]


@admin.register(DataResource)
class DataResourceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "provider", "sharing_type", "open_attribute", "status", "published_on"]
    list_filter = ["status", "sharing_type", "open_attribute", "resource_class", "provider__level"]
    search_fields = ["code", "name", "provider__name"]
    list_select_related = ["provider"]
    inlines = [DataItemInline, ResourceVersionInline]
    actions = ["approve_selected"]

    @admin.action(description=gettext_lazy("Approve the selected submitted resources"))
    def approve_selected(self, request, queryset):
        done = 0
        for resource in queryset.filter(status=ResourceStatus.SUBMITTED):
            try:
                services.resource_approve(actor=request.user, resource=resource)
                done += 1
            except DomainError as exc:
                messages.error(request, f"{resource.code}: {exc.message}")
        messages.info(request, _("%(n)d resources approved.") % {"n": done})


@admin.register(DataRequest)
class DataRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "resource", "consumer", "route", "status", "submitted_on", "decided_on"]
    list_filter = ["status", "route", "direction"]
    search_fields = ["number", "resource__name", "consumer__name"]
    list_select_related = ["resource", "consumer"]


class AgreementItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AgreementItem
    fields = ["item"]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "version", "resource", "provider", "consumer", "status", "valid_until"]
    list_filter = ["status", "direction"]
    search_fields = ["number", "resource__name", "provider__name", "consumer__name"]
    list_select_related = ["resource", "provider", "consumer"]
    inlines = [AgreementItemInline]
