"""Help around an application (DOMAIN.md §3): government agents (代办), the verification of pledges
(告知承诺) with the credit records a false pledge leaves, and area assessments (区域评估).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from approvals.rules import AssessmentKind

from .applications import Application
from .catalogue import Item, Package

# -- 代办: a government agent acts for an applicant --------------------------------------------------


class AgentGrant(models.Model):
    """An applicant's grant to a government agent (代办员) to act for them, within a scope.

    The scope is what the agent may do (prepare = fill in the form, hand in and pledge materials,
    submit, supply pledged materials; withdraw = withdraw an application) and, optionally, for which
    item or package only. Viewing the applications in scope comes with any grant. A grant is active
    from `valid_from` to `valid_until` (inclusive) unless revoked; only the applicant revokes it.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="agent_grants_given",
        verbose_name=_("applicant"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="agent_grants_received",
        verbose_name=_("agent"),
    )
    may_prepare = models.BooleanField(
        _("may prepare and submit"),
        default=True,
        help_text=_("Fill in forms, hand in or pledge materials, submit, supply pledged materials."),
    )
    may_withdraw = models.BooleanField(_("may withdraw"), default=False)
    item = models.ForeignKey(
        Item,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("only for the item"),
    )
    package = models.ForeignKey(
        Package,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("only for the package"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("agent grant")
        verbose_name_plural = _("agent grants")
        constraints = [
            models.CheckConstraint(condition=~Q(applicant=F("agent")), name="agentgrant_not_self"),
            models.CheckConstraint(
                condition=Q(item__isnull=True) | Q(package__isnull=True), name="agentgrant_one_subject"
            ),
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="agentgrant_period"),
            models.CheckConstraint(
                condition=Q(may_prepare=True) | Q(may_withdraw=True), name="agentgrant_some_scope"
            ),
        ]
        indexes = [models.Index(fields=["agent", "applicant"], name="agentgrant_by_agent")]

    def __str__(self):
        return f"{self.applicant} → {self.agent}"

    def is_active_on(self, day) -> bool:
        return self.revoked_at is None and self.valid_from <= day <= self.valid_until

    def covers(self, application: Application) -> bool:
        """Whether the grant's subject restriction lets it reach this application."""
        if self.item_id:
            return application.item_id == self.item_id
        if self.package_id:
            return application.package_id == self.package_id
        return True


# -- 告知承诺: pledges are verified after the grant -------------------------------------------------------


class VerificationOutcome(models.TextChoices):
    PENDING = "pending", _("To verify")
    CONFIRMED = "confirmed", _("Pledge kept")
    FALSE = "false", _("Pledge false")


class PledgeVerification(models.Model):
    """The check, after a grant on pledge (告知承诺), that what the applicant pledged is true."""

    application = models.OneToOneField(
        Application,
        on_delete=models.CASCADE,
        related_name="pledge_verification",
        verbose_name=_("application"),
    )
    department = models.ForeignKey(
        "coordination.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=12,
        choices=VerificationOutcome.choices,
        default=VerificationOutcome.PENDING,
        db_index=True,
    )
    findings = models.TextField(_("findings"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pledge verification")
        verbose_name_plural = _("pledge verifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="pending") | (Q(verified_on__isnull=False) & ~Q(findings="")),
                name="pledgeverification_decided_has_findings",
            )
        ]

    def __str__(self):
        return f"{self.application} · {self.get_outcome_display()}"

    def clock_recipients(self, clock):
        """The lead department's reviewers are reminded to verify in time."""
        from portal.models import User

        return User.objects.filter(
            positions__unit_id=self.department_id,
            positions__active=True,
            positions__roles__code="reviewer",
            is_active=True,
        ).distinct()


class CreditRecord(models.Model):
    """A bad-credit entry: a false pledge bars the applicant from pledge-based acceptance (容缺 and
    告知承诺) until `barred_until`. Rows are only ever added; an admin may lift one with a reason."""

    class Kind(models.TextChoices):
        FALSE_PLEDGE = "false_pledge", _("False pledge (告知承诺)")

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="credit_records",
        verbose_name=_("applicant"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="+", verbose_name=_("application")
    )
    findings = models.TextField(_("findings"))
    recorded_on = models.DateField(_("recorded on"))
    barred_until = models.DateField(_("barred from pledge-based acceptance until"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    lifted_reason = models.CharField(_("reason for lifting"), max_length=200, blank=True)

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        indexes = [models.Index(fields=["subject", "barred_until"], name="credit_by_subject")]

    def __str__(self):
        return f"{self.subject} · {self.get_kind_display()}"


# -- 区域评估: an area assessed once ---------------------------------------------------------------------


class AssessedArea(models.Model):
    """An area assessed as a whole: an industrial park, a development zone, a new district."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    managed_by = models.ForeignKey(
        "coordination.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("managed by"),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("assessed area")
        verbose_name_plural = _("assessed areas")

    def __str__(self):
        return self.name


def assessment_upload_to(instance: AreaAssessment, filename: str) -> str:
    import secrets

    return f"area-assessments/{instance.area.code}/{secrets.token_hex(16)}"


class AreaAssessment(models.Model):
    """One study of one kind for a whole area, valid for a period; projects inside reuse it."""

    area = models.ForeignKey(
        AssessedArea, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("area")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AssessmentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=80)
    approved_by = models.ForeignKey(
        "coordination.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    document = models.FileField(_("document"), upload_to=assessment_upload_to, max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        ordering = ["area", "kind", "-valid_from"]
        verbose_name = _("area assessment")
        verbose_name_plural = _("area assessments")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="areaassessment_period",
            )
        ]

    def __str__(self):
        return f"{self.area} · {self.get_kind_display()}"

    def is_valid_on(self, day) -> bool:
        return (
            (self.withdrawn_on is None or self.withdrawn_on > day)
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )
