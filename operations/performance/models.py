"""Performance and payment (DOMAIN.md §6, 财金〔2020〕13号): frameworks, monitoring, evaluations, payments.

Scores and money are Decimal. The arithmetic lives in `scoring.py`; writes in `services.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from operations.models import MONEY, Contract, ContractAmendment, Project

SCORE = {"max_digits": 7, "decimal_places": 2}
WEIGHT = {"max_digits": 5, "decimal_places": 4}


class Dimension(models.TextChoices):
    OUTPUT = "output", _("Output (产出)")
    EFFECT = "effect", _("Effect (效果)")
    MANAGEMENT = "management", _("Management (管理)")


class Method(models.TextChoices):
    THRESHOLD = "threshold", _("Threshold")
    LINEAR = "linear", _("Linear")
    PER_EVENT = "per_event", _("Per event")
    BINARY = "binary", _("Binary (met / not met)")
    MANUAL = "manual", _("Manual rubric")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class Framework(models.Model):
    """One version of a project's indicator framework. Locked versions never change."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="frameworks")
    version = models.PositiveIntegerField(_("version"))
    amendment = models.ForeignKey(
        ContractAmendment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("contract amendment"),
    )
    goals = models.TextField(_("performance goals"), blank=True)
    locked = models.BooleanField(_("locked"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["project_id", "-version"]
        verbose_name = _("indicator framework")
        verbose_name_plural = _("indicator frameworks")
        constraints = [models.UniqueConstraint(fields=["project", "version"], name="perf_framework_version")]

    def __str__(self):
        return f"{self.project.code} v{self.version}"


class Indicator(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("parent"),
    )
    level = models.PositiveSmallIntegerField(_("level"))
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    weight = models.DecimalField(_("weight"), **WEIGHT)
    explanation = models.TextField(_("explanation"), blank=True)
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    standard = models.CharField(_("standard"), max_length=200, blank=True)
    method = models.CharField(_("scoring method"), max_length=16, choices=Method.choices, blank=True)
    params = models.JSONField(_("scoring parameters"), default=dict, blank=True)
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices, blank=True)
    veto = models.BooleanField(_("veto (一票否决)"), default=False)
    max_score = models.DecimalField(_("max score"), default=100, **SCORE)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["framework_id", "level", "position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="perf_indicator_code")]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_leaf(self) -> bool:
        return self.level == 3


class Source(models.TextChoices):
    SELF_REPORT = "self_report", _("Self-report")
    AGENCY_CHECK = "agency_check", _("Agency check")
    FEED = "feed", _("API / IoT feed")


class MonitoringRecord(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="records")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["indicator_id", "-period_end", "-id"]
        verbose_name = _("monitoring record")
        verbose_name_plural = _("monitoring records")
        indexes = [models.Index(fields=["indicator", "period_end"], name="perf_record_period")]

    def __str__(self):
        return f"{self.indicator.code} {self.period_start}–{self.period_end}: {self.value}"


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    AGENCY_SCORING = "agency_scoring", _("Agency scoring")
    DEPT_REVIEW = "dept_review", _("Finance review")
    APPROVED = "approved", _("Approved by finance")
    PUBLISHED = "published", _("Published")


class Evaluation(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evaluations")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="evaluations")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    self_total = models.DecimalField(_("self-assessed total"), null=True, blank=True, **SCORE)
    total = models.DecimalField(_("total score"), null=True, blank=True, **SCORE)
    veto_failed = models.BooleanField(_("veto indicator failed"), default=False)
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_evaluations",
        verbose_name=_("evaluators"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        ordering = ["project_id", "-period_end", "-id"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        indexes = [models.Index(fields=["project", "state", "period_end"], name="perf_eval_state")]
        constraints = [
            models.UniqueConstraint(fields=["project", "period_start", "period_end"], name="perf_eval_period")
        ]

    def __str__(self):
        return f"{self.project.code} {self.period_start}–{self.period_end}"


class EvaluationTransition(models.Model):
    """Appended on every state change; never edited."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(_("from"), max_length=16, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=16, choices=State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["evaluation_id", "id"]
        verbose_name = _("evaluation transition")
        verbose_name_plural = _("evaluation transitions")

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"


class Stage(models.TextChoices):
    SELF = "self", _("Self-assessment")
    AGENCY = "agency", _("Agency score")


class IndicatorScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="scores")
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    score = models.DecimalField(_("score"), **SCORE)
    evidence_text = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="performance/evidence/%Y/", blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(_("scored"), auto_now=True)

    class Meta:
        ordering = ["evaluation_id", "indicator_id", "stage"]
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "indicator", "stage"], name="perf_score_unique")
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.stage}: {self.score}"


class PaymentMechanism(models.Model):
    """How a score becomes money, per project and contract version."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="payment_mechanisms")
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("contract"),
    )
    contract_version = models.PositiveIntegerField(_("contract version"), default=1)
    availability_payment = models.BooleanField(_("availability payment"), default=True)
    linked_amount = models.DecimalField(_("performance-linked amount per period"), **MONEY)
    fixed_amount = models.DecimalField(_("fixed amount per period"), default=0, **MONEY)
    bands = models.JSONField(_("bands"))
    abatement_per_event = models.DecimalField(_("abatement per failure event"), default=0, **MONEY)
    incentive_from = models.DecimalField(_("incentive above score"), null=True, blank=True, **SCORE)
    incentive_per_point = models.DecimalField(_("incentive per point"), default=0, **MONEY)
    incentive_cap = models.DecimalField(_("incentive cap"), default=0, **MONEY)
    payment_due_days = models.PositiveSmallIntegerField(
        _("payment due (working days after approval)"), default=20
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["project_id", "-contract_version", "-id"]
        verbose_name = _("payment mechanism")
        verbose_name_plural = _("payment mechanisms")

    def __str__(self):
        return f"{self.project.code} v{self.contract_version}"


class ImmutableError(Exception):
    pass


class PaymentCalculation(models.Model):
    """Frozen when made: the mechanism and the indicator tree it used are copied into `snapshot`."""

    evaluation = models.OneToOneField(Evaluation, on_delete=models.PROTECT, related_name="calculation")
    mechanism = models.ForeignKey(PaymentMechanism, on_delete=models.PROTECT, related_name="calculations")
    snapshot = models.JSONField(_("snapshot"))
    score = models.DecimalField(_("score"), **SCORE)
    coefficient = models.DecimalField(_("coefficient"), max_digits=7, decimal_places=4)
    performance_part = models.DecimalField(_("performance-linked part"), **MONEY)
    events = models.PositiveIntegerField(_("failure events"), default=0)
    abatements = models.DecimalField(_("abatements"), **MONEY)
    incentive = models.DecimalField(_("incentive"), **MONEY)
    amount = models.DecimalField(_("amount payable"), **MONEY)
    due_on = models.DateField(_("payment due on"), null=True, blank=True)
    calculated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    calculated_at = models.DateTimeField(_("calculated"), auto_now_add=True)

    class Meta:
        ordering = ["-calculated_at", "-id"]
        verbose_name = _("payment calculation")
        verbose_name_plural = _("payment calculations")

    def __str__(self):
        return f"{self.evaluation} {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("a payment calculation never changes once made")
        super().save(*args, **kwargs)


class Payment(models.Model):
    calculation = models.ForeignKey(PaymentCalculation, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["calculation_id", "paid_on", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"{self.reference} {self.amount}"
