"""Public consultations (意见征集, DOMAIN.md §7): a plan, project or policy opened for comment.

A consultation moves draft → scheduled → open → closed → published (or withdrawn, with a reason,
from any state before publication). Opening and closing follow the dates (services.consultations_sync,
run daily by Celery beat, and on every write); reads never trust the stored status alone:
`accepts_comments(today)` looks at the dates too.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coordination.models import OrgUnit


class SubjectKind(models.TextChoices):
    PLAN = "plan", pgettext_lazy("consultation subject", "Plan")
    PROJECT = "project", pgettext_lazy("consultation subject", "Project")
    POLICY = "policy", pgettext_lazy("consultation subject", "Policy")


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("consultation status", "Draft")
    SCHEDULED = "scheduled", pgettext_lazy("consultation status", "Scheduled")
    OPEN = "open", pgettext_lazy("consultation status", "Open for comment")
    CLOSED = "closed", pgettext_lazy("consultation status", "Closed, answers in preparation")
    PUBLISHED = "published", pgettext_lazy("consultation status", "Answers published")
    WITHDRAWN = "withdrawn", pgettext_lazy("consultation status", "Withdrawn")


# States the public may see (a scheduled one only once its opening day has come, see selectors).
PUBLIC_STATES = (
    ConsultationStatus.SCHEDULED,
    ConsultationStatus.OPEN,
    ConsultationStatus.CLOSED,
    ConsultationStatus.PUBLISHED,
)


class Consultation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("consultation number"), max_length=32, unique=True)
    title = models.CharField(_("consultation title"), max_length=200)
    subject_kind = models.CharField(_("subject kind"), max_length=16, choices=SubjectKind.choices)
    summary = models.TextField(_("consultation summary"), max_length=2000)
    full_text = models.TextField(_("full text"), blank=True)
    owner_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("owner unit")
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), help_text=_("The last day on which comments are accepted."))
    short_period_reason = models.TextField(_("reason for a shorter period"), blank=True)
    status = models.CharField(
        _("consultation status"),
        max_length=16,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.DRAFT,
    )
    answers_summary = models.TextField(_("statement on the adoption of comments"), blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("answers published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("public consultation")
        verbose_name_plural = _("public consultations")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gt=F("opens_on")), name="consultation_closes_after_opens"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "opens_on"], name="consultation_status_opens"),
            models.Index(fields=["status", "closes_on"], name="consultation_status_closes"),
            models.Index(fields=["owner_unit", "status"], name="consultation_unit_status"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("consultations:detail", args=[self.number])

    def get_manage_url(self):
        return reverse("consultations:manage_detail", args=[self.number])

    @property
    def period_days(self) -> int:
        """Calendar days of the period, counting the opening and the closing day."""
        return (self.closes_on - self.opens_on).days + 1

    def effective_status(self, today: datetime.date) -> str:
        """The status the dates say, whether or not the daily task has run yet."""
        if self.status == ConsultationStatus.SCHEDULED and today >= self.opens_on:
            return ConsultationStatus.OPEN if today <= self.closes_on else ConsultationStatus.CLOSED
        if self.status == ConsultationStatus.OPEN and today > self.closes_on:
            return ConsultationStatus.CLOSED
        return self.status

    def accepts_comments(self, today: datetime.date) -> bool:
        return self.effective_status(today) == ConsultationStatus.OPEN

    def effective_status_label(self, today: datetime.date) -> str:
        return ConsultationStatus(self.effective_status(today)).label


def document_upload_to(instance, filename: str) -> str:
    return f"consultations/{instance.consultation.uuid}/{uuid.uuid4().hex}"


def attachment_upload_to(instance, filename: str) -> str:
    return f"consultations/{instance.consultation.uuid}/comments/{uuid.uuid4().hex}"


class ConsultationDocument(models.Model):
    """A document published with the consultation (the draft, an explanation, annexes)."""

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("public consultation"),
    )
    title = models.CharField(_("document title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["consultation_id", "id"]
        verbose_name = _("consultation document")
        verbose_name_plural = _("consultation documents")

    def __str__(self):
        return self.title


class Stakeholder(models.TextChoices):
    CITIZEN = "citizen", pgettext_lazy("stakeholder", "Citizen")
    ENTERPRISE = "enterprise", pgettext_lazy("stakeholder", "Enterprise")
    SOCIAL_ORG = "social_org", pgettext_lazy("stakeholder", "Social organisation")
    OTHER = "other", pgettext_lazy("stakeholder", "Other")


class CommentStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("comment status", "Submitted")
    WITHDRAWN = "withdrawn", pgettext_lazy("comment status", "Withdrawn by the commenter")
    HIDDEN = "hidden", pgettext_lazy("comment status", "Hidden by moderation")


class Outcome(models.TextChoices):
    ADOPTED = "adopted", pgettext_lazy("comment outcome", "Adopted")
    PARTLY = "partly", pgettext_lazy("comment outcome", "Partly adopted")
    NOT_ADOPTED = "not_adopted", pgettext_lazy("comment outcome", "Not adopted")
    NOTED = "noted", pgettext_lazy("comment outcome", "Noted")


class Comment(models.Model):
    """One comment of a registered applicant or an organisation's representative, with its answer."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="comments", verbose_name=_("public consultation")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultation_comments"
    )
    # Captured from the author's account when the comment is made, never from the form.
    stakeholder = models.CharField(_("stakeholder type"), max_length=16, choices=Stakeholder.choices)
    author_name = models.CharField(_("commenter name"), max_length=200)
    organisation_name = models.CharField(_("commenting organisation"), max_length=200, blank=True)
    show_name = models.BooleanField(_("publish my name"), default=False)
    section_ref = models.CharField(_("section referred to"), max_length=100, blank=True)
    text = models.TextField(_("comment text"))
    attachment = models.FileField(_("attachment"), upload_to=attachment_upload_to, max_length=300, blank=True)
    attachment_name = models.CharField(_("attachment name"), max_length=255, blank=True)
    attachment_type = models.CharField(_("attachment content type"), max_length=100, blank=True)
    status = models.CharField(
        _("comment status"), max_length=16, choices=CommentStatus.choices, default=CommentStatus.ACTIVE
    )
    hidden_reason = models.TextField(_("moderation reason"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    outcome = models.CharField(_("answer outcome"), max_length=16, choices=Outcome.choices, blank=True)
    answer = models.TextField(_("answer to the comment"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        ordering = ["consultation_id", "id"]
        verbose_name = _("consultation comment")
        verbose_name_plural = _("consultation comments")
        indexes = [
            models.Index(fields=["consultation", "status"], name="comment_consultation_status"),
            models.Index(fields=["author", "consultation"], name="comment_author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="hidden", hidden_reason__gt="") | ~Q(status="hidden"),
                name="comment_hidden_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(answered_at__isnull=False), name="comment_answer_dated"
            ),
        ]

    def __str__(self):
        return f"{self.consultation.number} #{self.pk}"

    @property
    def public_name(self) -> str:
        from portal.masking import mask_name

        if self.stakeholder in (Stakeholder.ENTERPRISE, Stakeholder.SOCIAL_ORG) and self.organisation_name:
            return self.organisation_name
        return self.author_name if self.show_name else mask_name(self.author_name)
