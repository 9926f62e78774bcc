"""Human-readable numbers (e.g. SP-20261126-000123), generated safely under concurrency."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NumberSequence(models.Model):
    """The last number handed out for one key (e.g. "SP-20261126")."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    last = models.PositiveBigIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self):
        return f"{self.key}: {self.last}"
