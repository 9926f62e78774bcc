"""The intermediary services market (中介服务超市, DOMAIN.md §4).

- `Intermediary`: an organisation registered in the market. The organisation itself is an
  `OrgUnit` of kind enterprise in coordination's chart (no second organisation table). Its
  qualifications carry the service types it may offer; its staff are listed; the regulator reviews
  the registration. Its credit score is derived (approvals.intermediaries.scoring) and stored so
  that eligibility filters in SQL.
- `Need`: a service need posted by an owner (an applicant). Its selection is recorded on the row:
  the committed seed hash (before), the revealed seed and the candidates (after), the winner.
- `Bid`, `Rating`, `Complaint`, `BlacklistEntry`.

Statuses move only through approvals.intermediaries.services.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.pii import BlindIndexField, EncryptedCharField, PiiKind, PiiModelMixin


class ServiceType(models.TextChoices):
    ASSESSMENT = "assessment", _("Environmental / safety assessment")
    SURVEY = "survey", _("Surveying and mapping")
    TESTING = "testing", _("Testing and inspection")
    APPRAISAL = "appraisal", _("Asset appraisal")
    DESIGN_REVIEW = "design_review", _("Construction drawing review")
    CONSULTING = "consulting", _("Engineering consulting")


class RegistrationStatus(models.TextChoices):
    DRAFT = "draft", _("Registration draft")
    PENDING = "pending", _("Awaiting the regulator's review")
    APPROVED = "approved", _("Registration approved")
    REJECTED = "rejected", _("Registration returned")
    SUSPENDED = "suspended", _("Registration suspended")


class Intermediary(PiiModelMixin, models.Model):
    unit = models.OneToOneField(
        "coordination.OrgUnit",
        on_delete=models.PROTECT,
        related_name="intermediary",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("registration status"),
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.DRAFT,
    )
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = EncryptedCharField(_("contact phone"), kind=PiiKind.PHONE, max_length=20)
    contact_phone_hash = BlindIndexField(source="contact_phone", purpose="intermediary.contact_phone")
    introduction = models.TextField(_("introduction"), blank=True)
    regulator_grade = models.DecimalField(
        _("regulator's assessment (0–100)"),
        max_digits=5,
        decimal_places=2,
        default=100,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    enterprise_credit_grade = models.DecimalField(
        _("enterprise credit record (0–100)"),
        max_digits=5,
        decimal_places=2,
        default=100,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    credit_score = models.DecimalField(_("credit score"), max_digits=5, decimal_places=2, default=100)
    review_note = models.TextField(_("regulator's note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-credit_score", "id"]
        verbose_name = _("registered intermediary")
        verbose_name_plural = _("registered intermediaries")
        indexes = [models.Index(fields=["status", "credit_score"], name="intermediary_by_status_score")]

    def __str__(self):
        return self.unit.name

    @property
    def name(self) -> str:
        return self.unit.name

    @property
    def uscc(self) -> str:
        return self.unit.uscc


class StaffMember(models.Model):
    intermediary = models.ForeignKey(Intermediary, on_delete=models.CASCADE, related_name="staff")
    name = models.CharField(_("staff name"), max_length=50)
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    certificate_no = models.CharField(_("practising certificate number"), max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("intermediary staff member")
        verbose_name_plural = _("intermediary staff members")

    def __str__(self):
        return self.name


def qualification_upload_to(instance, filename: str) -> str:
    return f"market/qualifications/{instance.intermediary.unit.code}/{secrets.token_hex(16)}"


class QualificationStatus(models.TextChoices):
    VALID = "valid", _("Qualification valid")
    SUSPENDED = "suspended", _("Qualification suspended (expired)")


class Qualification(models.Model):
    intermediary = models.ForeignKey(Intermediary, on_delete=models.CASCADE, related_name="qualifications")
    service_type = models.CharField(_("service type"), max_length=20, choices=ServiceType.choices)
    certificate = models.CharField(_("qualification certificate"), max_length=120)
    certificate_no = models.CharField(_("certificate number"), max_length=64)
    level = models.CharField(_("qualification level"), max_length=32, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    scan = models.FileField(
        _("scanned certificate"), upload_to=qualification_upload_to, max_length=200, blank=True
    )
    scan_name = models.CharField(_("file name"), max_length=200, blank=True)
    status = models.CharField(
        _("qualification status"),
        max_length=12,
        choices=QualificationStatus.choices,
        default=QualificationStatus.VALID,
    )
    reminded_for = models.DateField(_("expiry reminder sent for"), null=True, blank=True)
    suspended_on = models.DateField(_("suspended on"), null=True, blank=True)

    class Meta:
        ordering = ["intermediary_id", "service_type", "id"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        indexes = [models.Index(fields=["status", "valid_until"], name="qualification_by_expiry")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="qualification_dates"
            )
        ]

    def __str__(self):
        return f"{self.certificate} {self.certificate_no}"


class BlacklistEntry(models.Model):
    intermediary = models.ForeignKey(Intermediary, on_delete=models.CASCADE, related_name="blacklist")
    reason = models.TextField(_("reason for blacklisting"))
    start = models.DateField(_("blacklisted from"))
    end = models.DateField(_("blacklisted until"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start", "id"]
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist entries")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="blacklist_dates")
        ]

    def __str__(self):
        return f"{self.intermediary_id}: {self.start}–{self.end}"


class SelectionMode(models.TextChoices):
    DRAW = "draw", _("Random draw")
    LOWEST_PRICE = "lowest_price", _("Price bidding: lowest price")
    OPTIMAL_PRICE = "optimal_price", _("Price bidding: optimal price")
    MERIT = "merit", _("Merit selection (比选)")
    DIRECT = "direct", _("Direct pick")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Announced, selection open")
    SELECTED = "selected", _("Intermediary selected")
    FAILED = "failed", _("Selection failed")
    CONTRACTED = "contracted", _("Contract filed, in service")
    DELIVERED = "delivered", _("Result uploaded")
    COMPLETED = "completed", _("Service completed")
    CANCELLED = "cancelled", _("Need withdrawn")


def result_upload_to(instance, filename: str) -> str:
    return f"market/needs/{instance.uuid}/{secrets.token_hex(16)}"


class Need(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("need number"), max_length=32, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="market_needs",
        verbose_name=_("owner"),
    )
    service_type = models.CharField(_("service type"), max_length=20, choices=ServiceType.choices)
    project_name = models.CharField(_("project"), max_length=200)
    application = models.ForeignKey(
        "approvals.Application",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="market_needs",
        verbose_name=_("approval application"),
    )
    budget_ceiling = models.DecimalField(_("budget ceiling (yuan)"), max_digits=12, decimal_places=2)
    service_days = models.PositiveSmallIntegerField(_("promised service days (working days)"))
    public_funds = models.BooleanField(_("public funds involved"), default=False)
    mode = models.CharField(_("selection mode"), max_length=16, choices=SelectionMode.choices)
    criteria = models.JSONField(_("merit criteria"), default=list, blank=True)
    requirements = models.TextField(_("service requirements"), blank=True)
    status = models.CharField(
        _("need status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    reposted_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # the draw: committed before, revealed after
    seed_hash = models.CharField(_("seed hash (SHA-256)"), max_length=64)
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    sealed_seed = models.CharField(max_length=64, blank=True, editable=False)  # kept secret until the draw
    candidates = models.JSONField(_("candidates"), default=list, blank=True)
    factor = models.DecimalField(
        _("optimal-price factor"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    selection_note = models.TextField(_("selection result"), blank=True)
    winner = models.ForeignKey(
        Intermediary,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="engagements",
        verbose_name=_("selected intermediary"),
    )
    winning_price = models.DecimalField(
        _("winning price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    selected_at = models.DateTimeField(_("selected at"), null=True, blank=True)
    # the contract and the result
    contract_no = models.CharField(_("contract number"), max_length=64, blank=True)
    contract_amount = models.DecimalField(
        _("contract amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    contracted_on = models.DateField(_("contract filed on"), null=True, blank=True)
    result = models.FileField(_("service result"), upload_to=result_upload_to, max_length=200, blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    result_sha256 = models.CharField(max_length=64, blank=True)
    delivered_on = models.DateField(_("result uploaded on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    attached_to_application = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("service need")
        verbose_name_plural = _("service needs")
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="need_by_owner"),
            models.Index(fields=["status", "-created_at"], name="need_by_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(budget_ceiling__gt=0), name="need_budget_positive"),
            models.CheckConstraint(condition=Q(service_days__gte=1), name="need_days_positive"),
        ]

    def __str__(self):
        return f"{self.number} {self.project_name}"

    def get_absolute_url(self) -> str:
        """The public announcement: every party to the need may open it (clock notifications link here)."""
        return f"/market/announcements/{self.uuid}/"

    def clock_recipients(self, clock):
        people = [self.owner]
        if self.winner_id:
            from .selectors import staff_users

            people += list(staff_users(self.winner))
        return people


class Bid(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="bids")
    intermediary = models.ForeignKey(Intermediary, on_delete=models.PROTECT, related_name="bids")
    price = models.DecimalField(_("quoted price (yuan)"), max_digits=12, decimal_places=2)
    proposal = models.TextField(_("service proposal"), blank=True)
    merit_scores = models.JSONField(_("merit scores"), default=dict, blank=True)
    merit_total = models.DecimalField(_("merit total"), max_digits=6, decimal_places=2, null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["price", "id"]
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        constraints = [
            models.UniqueConstraint(fields=["need", "intermediary"], name="one_bid_per_intermediary"),
            models.CheckConstraint(condition=Q(price__gt=0), name="bid_price_positive"),
        ]

    def __str__(self):
        return f"{self.need_id}/{self.intermediary_id}: {self.price}"


class Rating(models.Model):
    need = models.OneToOneField(Need, on_delete=models.CASCADE, related_name="rating")
    intermediary = models.ForeignKey(Intermediary, on_delete=models.CASCADE, related_name="ratings")
    stars = models.PositiveSmallIntegerField(
        _("rating (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("owner rating")
        verbose_name_plural = _("owner ratings")
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="rating_stars_range")
        ]

    def __str__(self):
        return f"{self.need_id}: {self.stars}"


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Complaint open")
    UPHELD = "upheld", _("Complaint upheld")
    DISMISSED = "dismissed", _("Complaint dismissed")


class Complaint(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="complaints")
    intermediary = models.ForeignKey(Intermediary, on_delete=models.CASCADE, related_name="complaints")
    complainant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("complaint"))
    status = models.CharField(max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    response = models.TextField(_("regulator's handling"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("complaint about an intermediary")
        verbose_name_plural = _("complaints about intermediaries")

    def __str__(self):
        return f"{self.need_id}: {self.get_status_display()}"
