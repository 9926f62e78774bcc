"""The notification outbox: what a person is told, and each attempt to tell them on a channel.

A `Notification` is written in the same transaction as the change it reports; one `Delivery` per
enabled channel goes with it. Workers move deliveries pending → sending → sent (or back to pending
with a backoff, or failed); nothing else assigns a status (services.py and delivery.py do).
See docs/notifications.md.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.pii import BlindIndexField, EncryptedCharField, PiiKind, PiiModelMixin


class Channel(models.TextChoices):
    INAPP = "inapp", _("In the portal")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """One message to one person, already rendered in that person's language."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML text"), blank=True, help_text=_("E-mail only; may be empty."))
    url = models.CharField(_("link"), max_length=500, blank=True)
    subject_type = models.ForeignKey(
        ContentType,
        verbose_name=_("subject type"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    key = models.CharField(
        _("key"),
        max_length=200,
        help_text=_("Names the event; the same key never notifies the same person twice."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_recipient_key_unique"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_list"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """The outbox row: one notification on one channel, with its retry state."""

    notification = models.ForeignKey(
        Notification, verbose_name=_("notification"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    claim_token = models.UUIDField(
        _("claim token"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("New at every claim; a worker may finish only the claim it holds."),
    )
    next_attempt_at = models.DateTimeField(
        _("next attempt"),
        null=True,
        blank=True,
        help_text=_("Pending: when the sweeper may dispatch it. Sending: when its lease expires."),
    )
    last_error = models.TextField(_("last error"), blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_sweep"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.notification_id} · {self.get_status_display()}"


class FailedDelivery(Delivery):
    """Deliveries that gave up, for their own page in the admin (with the resend action)."""

    class Meta:
        proxy = True
        verbose_name = _("failed delivery")
        verbose_name_plural = _("failed deliveries")


class ChannelPreference(models.Model):
    """A person's choice for one channel. No row: the default (see preferences.channel_default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("enabled"))

    class Meta:
        verbose_name = _("channel preference")
        verbose_name_plural = _("channel preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "channel"], name="channel_preference_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_channel_display()} · {self.enabled}"


class SmsMessage(PiiModelMixin, models.Model):
    """What the logging SMS backend "sent": the sink, one row per idempotency key."""

    phone = EncryptedCharField(_("mobile phone"), kind=PiiKind.PHONE, max_length=20)
    # The purpose of users' phones: an admin finds the messages sent to a number.
    phone_hash = BlindIndexField(source="phone", purpose="phone")
    text = models.TextField(_("text"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.phone}: {self.text[:40]}"
