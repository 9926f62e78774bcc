"""The audit trail (DESIGN.md §4 rule 5): append-only events linked by a hash chain.

Events are written only by `portal.audit.services.audit_record`. On PostgreSQL a trigger
(migration 0002) refuses UPDATE and DELETE on the table; `manage.py audit_verify` recomputes
the chain. See docs/audit.md.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.audit import chain


class AuditEvent(models.Model):
    sequence = models.PositiveBigIntegerField(
        _("sequence"), unique=True, help_text=_("Position in the chain: 1, 2, 3, … without gaps.")
    )
    created_at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        # Events are never changed, so a user who acted cannot be deleted: deactivate them instead.
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the system acted."),
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(
        _("previous hash"),
        max_length=64,
        # At most one event follows any event: the chain cannot fork, whatever the locking.
        unique=True,
    )
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-sequence"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["content_type", "object_id", "sequence"], name="audit_object_history"),
            models.Index(fields=["created_at"], name="audit_created_at"),
            models.Index(fields=["action", "sequence"], name="audit_action"),
        ]

    def __str__(self):
        return f"#{self.sequence} {self.action} {self.object_repr}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("audit events are append-only")

    @property
    def object_type(self) -> str | None:
        if self.content_type_id is None:
            return None
        content_type = ContentType.objects.get_for_id(self.content_type_id)
        return f"{content_type.app_label}.{content_type.model}"

    def payload(self) -> dict:
        """The hashed fields of this event (see chain.event_payload)."""
        return chain.event_payload(
            sequence=self.sequence,
            created_at=self.created_at,
            actor_id=self.actor_id,
            on_behalf_of_id=self.on_behalf_of_id,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            object_repr=self.object_repr,
            before=self.before,
            after=self.after,
            reason=self.reason,
            request_id=self.request_id,
            ip=self.ip,
            prev_hash=self.prev_hash,
        )

    def compute_hash(self) -> str:
        return chain.compute_hash(self.payload())
