"""Joint-review meetings (联合审查会议) the lead department records for an application.

A meeting is a record, not a transition: it changes no status and does not stop any clock
(internal consultation and joint meetings do not stop the clock, DOMAIN.md §2). Rows are written
only by approvals.services.review_meeting_record, which checks who may record one, when, and
that the attending departments are the application's task departments or the lead.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import Application


class ReviewMeeting(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("application")
    )
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    departments = models.ManyToManyField(
        "coordination.OrgUnit", related_name="+", verbose_name=_("attending departments")
    )
    attendees = models.TextField(_("attendees"), blank=True)
    minutes = models.TextField(_("minutes"))
    conclusions = models.TextField(_("conclusions"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["application_id", "held_on", "id"]
        verbose_name = _("joint-review meeting")
        verbose_name_plural = _("joint-review meetings")

    def __str__(self):
        return f"{self.application} · {self.held_on:%Y-%m-%d}"
