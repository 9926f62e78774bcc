"""API credentials: one per consumer system, scoped to exactly one agreement."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiCredential(models.Model):
    """`prefix` is public (it finds the row); only the SHA-256 of the secret is stored."""

    agreement = models.ForeignKey(
        "sharing.Agreement", on_delete=models.PROTECT, related_name="credentials", verbose_name=_("agreement")
    )
    label = models.CharField(_("label"), max_length=100, help_text=_("Which system uses it."))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(_("secret hash"), max_length=64)
    expires_on = models.DateField(_("expires on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API credential")
        verbose_name_plural = _("API credentials")

    def __str__(self):
        return f"{self.label} ({self.prefix})"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.revoked_at is None and day <= self.expires_on
