"""Admin: the outbox for operators. Read-only; the only write is "resend", through the service."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.admin_mixins import PiiAdminMixin, ReadOnlyAdminMixin, masked_column
from portal.errors import DomainError
from portal.notifications import services
from portal.notifications.models import (
    ChannelPreference,
    Delivery,
    DeliveryStatus,
    FailedDelivery,
    Notification,
    SmsMessage,
)


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ["channel", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "key", "recipient__username", "recipient__full_name"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]
    readonly_fields = [
        "recipient",
        "kind",
        "title",
        "body",
        "body_html",
        "url",
        "subject_type",
        "subject_id",
        "key",
        "created_at",
        "read_at",
    ]


@admin.action(description=_("Resend the selected failed deliveries"), permissions=["resend"])
def resend(modeladmin, request, queryset):
    done, refused = 0, 0
    for delivery in queryset.filter(status=DeliveryStatus.FAILED):
        try:
            services.delivery_resend(actor=request.user, delivery=delivery)
        except (DomainError, PermissionDenied):
            refused += 1
        else:
            done += 1
    skipped = queryset.exclude(status=DeliveryStatus.FAILED).count()
    if done:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d delivery will be sent again.", "%(count)d deliveries will be sent again.", done
            )
            % {"count": done},
            messages.SUCCESS,
        )
    if skipped or refused:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d selected delivery was not resent (only failed deliveries can be).",
                "%(count)d selected deliveries were not resent (only failed deliveries can be).",
                skipped + refused,
            )
            % {"count": skipped + refused},
            messages.WARNING,
        )


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "pk",
        "recipient",
        "title",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["idempotency_key", "notification__title", "notification__recipient__username"]
    list_select_related = ["notification__recipient"]
    readonly_fields = [
        "notification",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "idempotency_key",
        "sent_at",
        "created_at",
        "updated_at",
    ]
    actions = [resend]

    def has_resend_permission(self, request):
        return request.user.has_perm("notifications.change_delivery")

    @admin.display(description=_("recipient"), ordering="notification__recipient")
    def recipient(self, obj):
        return obj.notification.recipient

    @admin.display(description=_("title"))
    def title(self, obj):
        return obj.notification.title

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.last_error[:80]


@admin.register(FailedDelivery)
class FailedDeliveryAdmin(DeliveryAdmin):
    """Deliveries that gave up: fix the cause (an address, the provider), then resend."""

    list_filter = ["channel"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=DeliveryStatus.FAILED)


@admin.register(ChannelPreference)
class ChannelPreferenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "channel", "enabled"]
    list_filter = ["channel", "enabled"]
    search_fields = ["user__username", "user__full_name"]
    list_select_related = ["user"]


@admin.register(SmsMessage)
class SmsMessageAdmin(PiiAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "phone_masked", "text"]
    search_fields = ["text", "idempotency_key"]
    pii_search_fields = ("phone",)
    exclude = ["phone"]
    readonly_fields = ["phone_masked", "text", "idempotency_key", "created_at"]

    phone_masked = staticmethod(masked_column("phone", _("mobile phone")))
