"""Django admin for the intermediary market: read-only. Every change goes through the services
(the regulator's pages at /market/regulate/, the owners' and intermediaries' pages)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin_mixins import masked_column

from .models import Bid, BlacklistEntry, Complaint, Intermediary, Need, Qualification, Rating, StaffMember


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0
    fields = ["service_type", "certificate", "certificate_no", "level", "valid_from", "valid_until", "status"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class StaffInline(admin.TabularInline):
    model = StaffMember
    extra = 0
    readonly_fields = ["name", "title", "certificate_no"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Intermediary)
class IntermediaryAdmin(ReadOnlyAdmin):
    list_display = ["unit", "status", "credit_score", "regulator_grade", "enterprise_credit_grade"]
    list_filter = ["status"]
    search_fields = ["unit__name", "unit__uscc"]
    list_select_related = ["unit"]
    inlines = [QualificationInline, StaffInline]
    exclude = ["contact_phone"]
    readonly_fields = ["contact_phone_masked"]

    contact_phone_masked = staticmethod(masked_column("contact_phone", _("contact phone")))


@admin.register(Need)
class NeedAdmin(ReadOnlyAdmin):
    list_display = ["number", "project_name", "owner", "mode", "status", "public_funds", "winner"]
    list_filter = ["status", "mode", "public_funds", "service_type"]
    search_fields = ["number", "project_name"]
    list_select_related = ["owner", "winner__unit"]
    exclude = ["sealed_seed"]


@admin.register(Bid)
class BidAdmin(ReadOnlyAdmin):
    list_display = ["need", "intermediary", "price", "merit_total", "created_at"]
    list_select_related = ["need", "intermediary__unit"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["need", "intermediary", "stars", "created_at"]
    list_select_related = ["need", "intermediary__unit"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["need", "intermediary", "status", "created_at", "handled_at"]
    list_filter = ["status"]
    list_select_related = ["need", "intermediary__unit"]


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(ReadOnlyAdmin):
    list_display = ["intermediary", "start", "end", "created_by"]
    list_select_related = ["intermediary__unit", "created_by"]
