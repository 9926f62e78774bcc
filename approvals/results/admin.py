"""Django admin: certificate specifications per item and seals per implementing body are edited
here (reference data, like the catalogue). Publications, certificates and deliveries are shown
read-only: they change only through approvals.results.services."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin_mixins import masked_column

from . import documents
from .models import Certificate, CertificateSpec, Delivery, Publication, Seal


@admin.register(CertificateSpec)
class CertificateSpecAdmin(admin.ModelAdmin):
    list_display = ["title", "item", "validity_years"]
    search_fields = ["title", "item__name", "item__code"]
    autocomplete_fields = ["item"]


@admin.register(Seal)
class SealAdmin(admin.ModelAdmin):
    list_display = ["unit", "legend", "updated_at"]
    search_fields = ["unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["preview"]

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if obj is None or not obj.unit_id:
            return "—"
        return format_html(
            '<img src="{}" width="120" height="120" alt="">', documents.seal_image_uri(obj.unit)
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["number", "subject_name", "holder", "decided_on", "status", "revoked_on"]
    list_filter = ["status", "department"]
    search_fields = ["number", "serials", "subject_name"]
    show_full_result_count = False


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["serial", "title", "holder_masked", "state", "valid_from", "valid_until", "issued_on"]
    list_filter = ["state", "implementing_body"]
    search_fields = ["serial", "item_name"]
    exclude = ["holder_code"]
    show_full_result_count = False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["application", "method", "state", "tracking_number", "delivered_on"]
    list_filter = ["method", "state"]
    exclude = ["phone"]
    readonly_fields = ["phone_masked"]

    phone_masked = staticmethod(masked_column("phone", _("phone")))
