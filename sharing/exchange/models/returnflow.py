"""Return flow (数据回流): the consumer's copy of a downward agreement's records, and each sync run.

Both sides live in this portal, so "pushing to the city" means copying the approved items of the
provider's records into `ReturnedRecord` rows held for the agreement's consumer.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class ReturnFlowRun(models.Model):
    agreement = models.ForeignKey(
        "sharing.Agreement",
        on_delete=models.PROTECT,
        related_name="return_flow_runs",
        verbose_name=_("agreement"),
    )
    trigger = models.CharField(_("trigger"), max_length=16, default="schedule")
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows received"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("return-flow run")
        verbose_name_plural = _("return-flow runs")
        indexes = [models.Index(fields=["agreement", "started_at"], name="returnflowrun_agreement")]

    def __str__(self):
        return f"{self.agreement} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class ReturnedRecord(models.Model):
    """The consumer's copy of one record: only the agreement's approved items."""

    agreement = models.ForeignKey(
        "sharing.Agreement", on_delete=models.PROTECT, related_name="returned_records"
    )
    record = models.ForeignKey("exchange.DataRecord", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("natural key"), max_length=200)
    data = models.JSONField(_("data"))
    source_version = models.PositiveIntegerField(_("source version"))
    run = models.ForeignKey(ReturnFlowRun, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received"))

    class Meta:
        ordering = ["agreement_id", "key"]
        verbose_name = _("returned record")
        verbose_name_plural = _("returned records")
        constraints = [models.UniqueConstraint(fields=["agreement", "record"], name="returnedrecord_unique")]

    def __str__(self):
        return self.key
