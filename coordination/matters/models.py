"""Coordination matters (督办事项) and the meetings that decide them (issue 8).

A matter is raised by the leading group or the smart-city office, led by one unit with any
number of cooperating units (enterprises included), and runs a platform clock (purpose "matter")
in working days. Its progress is *computed* (rollup.py) from its milestones and sub-matters and
cached in `progress` by the services, which lock the matter and its ancestors. Statuses are moved
only by coordination.matters.services (workflow.py says which transitions exist).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .workflow import MatterStatus, MeetingStatus


class Matter(models.Model):
    number = models.CharField(_("matter number"), max_length=32, unique=True)
    title = models.CharField(_("matter title"), max_length=200)
    description = models.TextField(_("matter description"), blank=True)
    raised_by = models.ForeignKey(
        "coordination.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("raised by"),
        help_text=_("The leading group or the smart-city office that assigns the matter."),
    )
    lead_unit = models.ForeignKey(
        "coordination.OrgUnit",
        on_delete=models.PROTECT,
        related_name="led_matters",
        verbose_name=_("lead unit"),
    )
    cooperating_units = models.ManyToManyField(
        "coordination.OrgUnit",
        blank=True,
        related_name="cooperated_matters",
        verbose_name=_("cooperating units"),
    )
    responsible_leader = models.ForeignKey(
        "coordination.LeadingGroupMember",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="matters",
        verbose_name=_("responsible leader"),
        help_text=_("The leading-group member who answers for the matter."),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent matter"),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight in the parent matter"), default=1, help_text=_("Relative weight among its siblings.")
    )
    limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"))
    decision = models.ForeignKey(
        "matters.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matters",
        verbose_name=_("meeting decision"),
    )
    status = models.CharField(
        _("matter status"), max_length=16, choices=MatterStatus.choices, default=MatterStatus.DRAFT
    )
    # Derived (rollup.py), written only by the services; 0..100.
    progress = models.DecimalField(_("progress (%)"), max_digits=5, decimal_places=2, default=0)
    reported_percent = models.PositiveSmallIntegerField(
        _("reported progress (%)"),
        default=0,
        help_text=_(
            "The lead unit's own estimate; counts only for a matter without milestones or sub-matters."
        ),
    )
    clock = models.OneToOneField(
        "clocks.Clock",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("deadline clock"),
    )
    completion_report = models.TextField(_("completion report"), blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("coordination matter")
        verbose_name_plural = _("coordination matters")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="matter_progress_range"
            ),
            models.CheckConstraint(condition=Q(reported_percent__lte=100), name="matter_reported_range"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="matter_weight_positive"),
            models.CheckConstraint(condition=Q(limit_days__gte=1), name="matter_limit_positive"),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="matter_not_own_parent"),
        ]
        indexes = [
            models.Index(fields=["status", "lead_unit"], name="matter_status_lead"),
            models.Index(fields=["lead_unit", "-id"], name="matter_lead_recent"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("matters:detail", args=[self.pk])

    def clock_recipients(self, clock):
        """Who hears the clock's reminders: the lead unit's people with an active position."""
        from portal.models import User

        return User.objects.filter(
            positions__unit_id=self.lead_unit_id, positions__active=True, is_active=True
        ).distinct()


class Milestone(models.Model):
    matter = models.ForeignKey(
        Matter, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("matter")
    )
    title = models.CharField(_("milestone"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("milestone weight"), default=1)
    due_date = models.DateField(_("milestone due date"), null=True, blank=True)
    due_days = models.PositiveSmallIntegerField(
        _("due after (working days)"), null=True, blank=True, help_text=_("Counted from the matter's start.")
    )
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["matter_id", "sort_order", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [models.CheckConstraint(condition=Q(weight__gte=1), name="milestone_weight_positive")]

    def __str__(self):
        return self.title


class ProgressReport(models.Model):
    matter = models.ForeignKey(
        Matter, on_delete=models.CASCADE, related_name="reports", verbose_name=_("matter")
    )
    unit = models.ForeignKey(
        "coordination.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("reporting unit")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    text = models.TextField(_("progress report"))
    percent = models.PositiveSmallIntegerField(_("estimated progress (%)"), null=True, blank=True)
    milestones_done = models.ManyToManyField(Milestone, blank=True, related_name="+")
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self):
        return f"{self.matter_id} · {self.unit_id} · {self.created_at:%Y-%m-%d}"


def attachment_upload_to(instance, filename: str) -> str:
    """matters/<matter id>/<random name>: nothing the uploader typed is in the path."""
    return f"matters/{instance.report.matter_id}/{secrets.token_hex(16)}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("progress report"),
    )
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")

    def __str__(self):
        return self.original_name


class RatingGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent (好)")
    GOOD = "good", _("Good (较好)")
    FAIR = "fair", _("Fair (一般)")
    POOR = "poor", _("Poor (差)")


class MatterRating(models.Model):
    """The office's supervision rating of one participating unit's work on a matter."""

    matter = models.ForeignKey(
        Matter, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("matter")
    )
    unit = models.ForeignKey(
        "coordination.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("rated unit")
    )
    grade = models.CharField(_("supervision rating"), max_length=12, choices=RatingGrade.choices)
    comment = models.TextField(_("rating comment"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(_("rated at"), auto_now=True)

    class Meta:
        verbose_name = _("supervision rating")
        verbose_name_plural = _("supervision ratings")
        constraints = [models.UniqueConstraint(fields=["matter", "unit"], name="matter_rating_unique")]

    def __str__(self):
        return f"{self.matter_id} · {self.unit_id} · {self.grade}"


class MatterEscalation(models.Model):
    """A matter escalated to the leading group: once per signal level and due date."""

    matter = models.ForeignKey(
        Matter, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("matter")
    )
    level = models.CharField(_("signal level"), max_length=8)
    due_date = models.DateField(_("due date"))
    escalated_on = models.DateField(_("escalated on"))
    group = models.ForeignKey(
        "coordination.OrgUnit",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("leading group"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-escalated_on", "-id"]
        verbose_name = _("matter escalation")
        verbose_name_plural = _("matter escalations")
        constraints = [
            models.UniqueConstraint(fields=["matter", "level", "due_date"], name="matter_escalation_once")
        ]

    def __str__(self):
        return f"{self.matter_id} · {self.level} · {self.escalated_on}"


class Meeting(models.Model):
    number = models.CharField(_("meeting number"), max_length=32, unique=True)
    title = models.CharField(_("meeting title"), max_length=200)
    date = models.DateField(_("meeting date"))
    place = models.CharField(_("meeting place"), max_length=200, blank=True)
    convened_by = models.ForeignKey(
        "coordination.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("convened by")
    )
    status = models.CharField(
        _("meeting status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    minutes = models.TextField(_("minutes"), blank=True)
    published_on = models.DateField(_("minutes published on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("coordination meeting")
        verbose_name_plural = _("coordination meetings")

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("matters:meeting", args=[self.pk])


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("meeting")
    )
    title = models.CharField(_("agenda item"), max_length=200)
    matters = models.ManyToManyField(
        Matter, blank=True, related_name="agenda_items", verbose_name=_("matters")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["meeting_id", "sort_order", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return self.title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent with leave")
    DELEGATED = "delegated", _("Delegated")


class Attendance(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    unit = models.ForeignKey(
        "coordination.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("attending unit")
    )
    status = models.CharField(_("attendance"), max_length=12, choices=AttendanceStatus.choices)
    person = models.CharField(_("attending person"), max_length=100, blank=True)

    class Meta:
        ordering = ["meeting_id", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "unit"], name="attendance_unique"),
            models.CheckConstraint(
                condition=~Q(status="delegated") | ~Q(person=""), name="attendance_delegate_named"
            ),
        ]

    def __str__(self):
        return f"{self.unit_id} · {self.status}"


class Decision(models.Model):
    """A decision (议定事项) of a meeting; the matters it created point back to it."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("meeting")
    )
    text = models.TextField(_("decision text"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["meeting_id", "sort_order", "id"]
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")

    def __str__(self):
        return self.text[:60]
