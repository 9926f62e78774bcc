"""Records a provider holds for a resource, keyed by the resource's natural-key item, and their history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RecordSource(models.TextChoices):
    UPLOAD = "upload", _("File upload")
    API = "api", _("API push")
    CORRECTION = "correction", _("Correction after an objection")
    DEMO = "demo", _("Demo data")


class DataRecord(models.Model):
    """The current state of one record. Every change is also a `RecordVersion` row."""

    resource = models.ForeignKey(
        "sharing.DataResource", on_delete=models.PROTECT, related_name="records", verbose_name=_("resource")
    )
    key = models.CharField(_("natural key"), max_length=200)
    data = models.JSONField(_("data"), default=dict, help_text=_("Values keyed by item code."))
    version = models.PositiveIntegerField(_("version"), default=1)
    source = models.CharField(_("source"), max_length=16, choices=RecordSource.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        ordering = ["resource_id", "id"]
        verbose_name = _("data record")
        verbose_name_plural = _("data records")
        constraints = [
            models.UniqueConstraint(fields=["resource", "key"], name="datarecord_resource_key"),
            models.CheckConstraint(condition=Q(version__gte=1), name="datarecord_version_positive"),
        ]
        indexes = [models.Index(fields=["resource", "updated_at"], name="datarecord_resource_updated")]

    def __str__(self):
        return f"{self.key} (v{self.version})"


class RecordVersion(models.Model):
    """One state of a record, appended on every change (the first load is version 1)."""

    record = models.ForeignKey(DataRecord, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("data"))
    source = models.CharField(_("source"), max_length=16, choices=RecordSource.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["record_id", "version"]
        verbose_name = _("record version")
        verbose_name_plural = _("record versions")
        constraints = [models.UniqueConstraint(fields=["record", "version"], name="recordversion_unique")]

    def __str__(self):
        return f"{self.record.key} v{self.version}"
