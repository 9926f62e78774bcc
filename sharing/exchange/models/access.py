"""The access log: one row per call of the pull API, refused calls included.

Append-only (the model refuses updates and deletes; on PostgreSQL a trigger does too, migration
0002) and hash-chained like the audit trail (sharing.exchange.chain, `manage.py accesslog_verify`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessLog(models.Model):
    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    request_id = models.CharField(_("request id"), max_length=64)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=300)
    credential = models.ForeignKey(
        "exchange.ApiCredential", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreement = models.ForeignKey(
        "sharing.Agreement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consumer = models.ForeignKey(
        "coordination.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        "coordination.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resource = models.ForeignKey(
        "sharing.DataResource", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resource_code = models.CharField(_("resource code asked for"), max_length=32, blank=True)
    purpose = models.CharField(_("purpose / case number"), max_length=200, blank=True)
    end_user = models.CharField(_("end user"), max_length=200, blank=True)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    time_in = models.DateTimeField(_("time in"))
    time_out = models.DateTimeField(_("time out"))
    status = models.PositiveSmallIntegerField(_("HTTP status"))
    outcome = models.CharField(_("outcome"), max_length=32, help_text=_("ok, or the reason for refusal."))
    records = models.PositiveIntegerField(_("records"), default=0)
    bytes = models.PositiveBigIntegerField(_("bytes"), default=0)
    prev_hash = models.CharField(_("previous hash"), max_length=64, unique=True)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("access-log entry")
        verbose_name_plural = _("access log")
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["provider", "sequence"], name="accesslog_provider"),
            models.Index(fields=["consumer", "sequence"], name="accesslog_consumer"),
            models.Index(fields=["time_in"], name="accesslog_time_in"),
        ]

    def __str__(self):
        return f"#{self.sequence} {self.status} {self.path}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("the access log is append-only")

    @property
    def ok(self) -> bool:
        return self.status < 400
