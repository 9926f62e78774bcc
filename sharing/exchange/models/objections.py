"""Quality objections (校核纠错) on a record, filed by a consumer and handled by the provider."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ObjectionState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    MARKED = "marked", _("Marked disputed")
    VERIFIED = "verified", _("Verified")
    CORRECTED = "corrected", _("Corrected")
    REJECTED = "rejected", _("Rejected")
    MARK_REVOKED = "mark_revoked", _("Mark revoked")


# While an objection is in one of these states its record carries `disputed: true`.
DISPUTED_STATES = (
    ObjectionState.MARKED,
    ObjectionState.VERIFIED,
    ObjectionState.CORRECTED,
    ObjectionState.REJECTED,
)


class Objection(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    record = models.ForeignKey(
        "exchange.DataRecord", on_delete=models.PROTECT, related_name="objections", verbose_name=_("record")
    )
    agreement = models.ForeignKey(
        "sharing.Agreement", on_delete=models.PROTECT, related_name="objections", verbose_name=_("agreement")
    )
    item_code = models.CharField(_("item"), max_length=64, blank=True)
    description = models.TextField(_("what is wrong"))
    proposed_value = models.CharField(_("proposed value"), max_length=500, blank=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ObjectionState.choices,
        default=ObjectionState.SUBMITTED,
        db_index=True,
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    resolution = models.TextField(_("resolution"), blank=True)
    created_at = models.DateTimeField(_("filed"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quality objection")
        verbose_name_plural = _("quality objections")
        indexes = [models.Index(fields=["record", "state"], name="objection_record_state")]

    def __str__(self):
        return _("Objection on %(key)s") % {"key": self.record.key}

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("exchange:objection", args=[self.uuid])

    def clock_recipients(self, clock):
        from sharing import permissions

        return permissions.stewards_of([self.agreement.provider_id])


class ObjectionEvent(models.Model):
    """The objection's history: one row per step, never edited."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["objection_id", "id"]

    def __str__(self):
        return f"{self.from_state or '-'} -> {self.to_state}"
