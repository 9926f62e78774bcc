"""Supervision notices (督办单, DOMAIN.md §3): one per overdue subject at a time.

A notice is about a department task (its review clock) or, when `task` is empty, about the
application as a whole (its promised clock). It runs its own platform clock (purpose "notice",
subject the notice) whose red signal escalates it. Statuses are moved only by
approvals.supervision.services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESPONDED = "responded", _("Responded")
    ESCALATED = "escalated", _("Escalated")
    CLOSED = "closed", _("Closed")


OPEN_NOTICE_STATES = (NoticeStatus.OPEN, NoticeStatus.RESPONDED, NoticeStatus.ESCALATED)


class SupervisionNotice(models.Model):
    number = models.CharField(_("notice number"), max_length=32, unique=True)
    application = models.ForeignKey(
        "approvals.Application",
        on_delete=models.PROTECT,
        related_name="supervision_notices",
        verbose_name=_("application"),
    )
    task = models.ForeignKey(
        "approvals.DepartmentTask",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_notices",
        verbose_name=_("department task"),
        help_text=_("Empty: the notice is about the application's promised time limit."),
    )
    department = models.ForeignKey(
        "coordination.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
        help_text=_("Empty: issued by the system when the time limit was missed."),
    )
    issued_by_unit = models.ForeignKey(
        "coordination.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issuing unit"),
    )
    signal = models.CharField(_("signal when issued"), max_length=8)
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.OPEN, db_index=True
    )
    issued_on = models.DateField(_("issued on"))
    response = models.TextField(_("response"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responded by"),
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("closed by"),
    )
    close_reason = models.TextField(_("reason for closing"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one notice that is not closed per subject: per task, and per application
            # for the notices about its promised limit.
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(task__isnull=False) & ~Q(status="closed"),
                name="notice_one_open_per_task",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(task__isnull=True) & ~Q(status="closed"),
                name="notice_one_open_per_application",
            ),
        ]
        indexes = [models.Index(fields=["department", "status"], name="notice_by_department")]

    def __str__(self):
        return self.number

    def get_absolute_url(self) -> str:
        return f"/supervision/notices/{self.pk}/"

    @property
    def is_open(self) -> bool:
        return self.status != NoticeStatus.CLOSED

    def clock_recipients(self, clock):
        """The notice's clock announces nothing itself: escalation is the notice's own event."""
        return []
