"""PPP, concessions and service purchase: records, procurement integrity and cost (DOMAIN.md §6).

Parties are units of the organisation chart (departments and enterprises); this module adds what
the PPP work needs about them (profile, shareholdings), the projects with their records, the
catalogue of services open to private capital, tenders with integrity flags, cost benchmarks and
the OCDS releases recorded on every project change. Money is Decimal throughout.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from coordination.models import OrgUnit
from portal.pii import BlindIndexField, EncryptedCharField, PiiKind, PiiModelMixin

MONEY = {"max_digits": 18, "decimal_places": 2}
RATIO = {"max_digits": 7, "decimal_places": 6, "validators": [MinValueValidator(0), MaxValueValidator(1)]}


# ----------------------------------------------------------------------------------------------
# Parties


class PartyProfile(PiiModelMixin, models.Model):
    """What a PPP file needs about an organisation beyond the chart."""

    unit = models.OneToOneField(
        OrgUnit, on_delete=models.CASCADE, related_name="party_profile", verbose_name=_("organisation")
    )
    legal_rep_name = models.CharField(_("legal representative"), max_length=100, blank=True)
    legal_rep_id_number = EncryptedCharField(
        _("legal representative's ID number"), kind=PiiKind.ID_NUMBER, max_length=32, blank=True
    )
    # One purpose for every resident ID number, so integrity checks compare across fields.
    legal_rep_id_number_hash = BlindIndexField(source="legal_rep_id_number", purpose="id_number")
    incorporated_on = models.DateField(_("incorporated on"), null=True, blank=True)
    registered_capital = models.DecimalField(_("registered capital"), null=True, blank=True, **MONEY)
    blacklisted_until = models.DateField(_("blacklisted until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("party profile")
        verbose_name_plural = _("party profiles")

    def __str__(self):
        return str(self.unit)


class Shareholding(models.Model):
    holder = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="holdings", verbose_name=_("shareholder")
    )
    company = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="shareholders", verbose_name=_("company")
    )
    ratio = models.DecimalField(_("equity ratio"), **RATIO)
    voting_ratio = models.DecimalField(
        _("voting ratio"), null=True, blank=True, help_text=_("Empty: equal to the equity ratio."), **RATIO
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["company_id", "-ratio"]
        verbose_name = _("shareholding")
        verbose_name_plural = _("shareholdings")
        constraints = [
            models.CheckConstraint(condition=~Q(holder=F("company")), name="shareholding_not_self"),
            models.CheckConstraint(
                condition=Q(ratio__gte=0) & Q(ratio__lte=1), name="shareholding_ratio_range"
            ),
            models.CheckConstraint(
                condition=Q(voting_ratio__isnull=True) | (Q(voting_ratio__gte=0) & Q(voting_ratio__lte=1)),
                name="shareholding_voting_range",
            ),
        ]

    def __str__(self):
        return f"{self.holder} → {self.company} ({self.ratio})"

    @property
    def effective_voting(self):
        return self.ratio if self.voting_ratio is None else self.voting_ratio


# ----------------------------------------------------------------------------------------------
# Projects


class Regime(models.TextChoices):
    LEGACY_PPP = "legacy_ppp", _("Legacy PPP (2014–2023)")
    CONCESSION_2024 = "concession_2024", _("Concession (2024 measures)")
    SERVICE_PURCHASE = "service_purchase", _("Government purchase of services")


class Mode(models.TextChoices):
    OM = "om", _("O&M")
    MC = "mc", _("MC")
    BOT = "bot", _("BOT")
    BOOT = "boot", _("BOOT")
    BOO = "boo", _("BOO")
    TOT = "tot", _("TOT")
    ROT = "rot", _("ROT")
    BT = "bt", _("BT")
    CONCESSION = "concession", _("Concession")
    SERVICE_PURCHASE = "service_purchase", _("Service purchase")


class ReturnMechanism(models.TextChoices):
    USER_PAY = "user_pay", _("User pay")
    AVAILABILITY = "availability", _("Availability payment")
    VGF = "vgf", _("Viability gap funding")


class Stage(models.TextChoices):
    IDENTIFICATION = "identification", _("Identification")
    PREPARATION = "preparation", _("Preparation")
    PROCUREMENT = "procurement", _("Procurement")
    EXECUTION = "execution", _("Execution")
    TRANSFER = "transfer", _("Transfer")


STAGE_ORDER = [s.value for s in Stage]


class Project(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    regime = models.CharField(_("regime"), max_length=20, choices=Regime.choices, db_index=True)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    return_mechanism = models.CharField(_("return mechanism"), max_length=16, choices=ReturnMechanism.choices)
    sector = models.CharField(_("sector"), max_length=64, db_index=True)
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.IDENTIFICATION, db_index=True
    )
    term_years = models.PositiveSmallIntegerField(_("cooperation term (years)"), null=True, blank=True)
    construction_years = models.PositiveSmallIntegerField(
        _("construction period (years)"), null=True, blank=True
    )
    total_investment = models.DecimalField(_("total investment"), null=True, blank=True, **MONEY)
    implementing_agency = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="ppp_implemented",
        verbose_name=_("implementing agency"),
    )
    industry_authority = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="ppp_supervised", verbose_name=_("industry authority")
    )
    finance_department = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="ppp_financed", verbose_name=_("finance department")
    )
    project_company = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ppp_operated",
        verbose_name=_("project company"),
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    contract_signed_on = models.DateField(_("contract signed on"), null=True, blank=True)
    operation_start = models.DateField(_("operation start"), null=True, blank=True)
    operation_end = models.DateField(_("operation end"), null=True, blank=True)
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown on the public disclosure page.")
    )
    term_warning_confirmed = models.BooleanField(_("long term confirmed"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("PPP project")
        verbose_name_plural = _("PPP projects")

    def __str__(self):
        return f"{self.code} {self.name}"


class StageTransition(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField(_("from"), max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=16, choices=Stage.choices)
    on = models.DateField(_("date"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "on", "id"]
        verbose_name = _("stage transition")
        verbose_name_plural = _("stage transitions")

    def __str__(self):
        return f"{self.project.code}: {self.from_stage or '-'} → {self.to_stage} ({self.on})"


class DocumentKind(models.TextChoices):
    IMPLEMENTATION_PLAN = "implementation_plan", _("Implementation plan")
    VFM = "vfm", _("Value-for-money evaluation")
    AFFORDABILITY = "affordability", _("Fiscal affordability assessment")
    FEASIBILITY = "feasibility", _("Feasibility study")
    TENDER_NOTICE = "tender_notice", _("Procurement notice")
    AWARD_NOTICE = "award_notice", _("Award notice")
    CONTRACT = "contract", _("Contract")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other")


class Disclosure(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    AT_STAGE = "at_stage", _("When the project reaches a stage")
    NEVER = "never", _("Never")


class ProjectDocument(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=24, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="ppp/documents/%Y/", blank=True)
    disclosure = models.CharField(
        _("disclosure"), max_length=16, choices=Disclosure.choices, default=Disclosure.IMMEDIATELY
    )
    disclose_at_stage = models.CharField(
        _("disclose at stage"), max_length=16, choices=Stage.choices, blank=True
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "issued_on", "id"]
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")

    def __str__(self):
        return self.title

    def disclosed_for(self, project: Project) -> bool:
        if self.disclosure == Disclosure.IMMEDIATELY:
            return True
        if self.disclosure == Disclosure.AT_STAGE and self.disclose_at_stage:
            return STAGE_ORDER.index(project.stage) >= STAGE_ORDER.index(self.disclose_at_stage)
        return False


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=32, blank=True, help_text=_("e.g. financing, construction, operation.")
    )
    planned_on = models.DateField(_("planned"))
    actual_on = models.DateField(_("achieved"), null=True, blank=True)
    reminded_on = models.DateField(_("late reminder sent"), null=True, blank=True)

    class Meta:
        ordering = ["project_id", "planned_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title


class Allocation(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")
    SHARED = "shared", _("Shared")


class RiskCategory(models.TextChoices):
    DESIGN = "design", _("Design")
    CONSTRUCTION = "construction", _("Construction")
    OPERATION = "operation", _("Operation")
    DEMAND = "demand", _("Demand")
    FINANCIAL = "financial", _("Financial")
    POLICY = "policy", _("Policy and law")
    FORCE_MAJEURE = "force_majeure", _("Force majeure")
    DATA = "data", _("Data security")


class Risk(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="risks")
    category = models.CharField(_("category"), max_length=16, choices=RiskCategory.choices)
    description = models.TextField(_("description"))
    allocation = models.CharField(_("allocated to"), max_length=8, choices=Allocation.choices)
    mitigation = models.TextField(_("mitigation"), blank=True)

    class Meta:
        ordering = ["project_id", "category", "id"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")

    def __str__(self):
        return f"{self.get_category_display()}: {self.get_allocation_display()}"


class Contract(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="contracts")
    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("number"), max_length=64, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    value = models.DecimalField(_("value"), null=True, blank=True, **MONEY)
    counterparty = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("counterparty"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["project_id", "signed_on", "id"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    def __str__(self):
        return self.title


class ContractAmendment(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="amendments")
    version = models.PositiveIntegerField(_("version"))
    signed_on = models.DateField(_("signed on"))
    rationale = models.TextField(_("rationale"))
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["contract_id", "version"]
        verbose_name = _("contract amendment")
        verbose_name_plural = _("contract amendments")
        constraints = [
            models.UniqueConstraint(fields=["contract", "version"], name="amendment_unique_version")
        ]

    def __str__(self):
        return f"{self.contract} v{self.version}"


class Tariff(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tariffs")
    item = models.CharField(_("item"), max_length=200)
    unit = models.CharField(_("unit"), max_length=32)
    price = models.DecimalField(_("price"), max_digits=14, decimal_places=4)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    approved_by = models.CharField(_("approved by"), max_length=200, blank=True)

    class Meta:
        ordering = ["project_id", "item", "-valid_from"]
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")

    def __str__(self):
        return f"{self.item} {self.price}/{self.unit}"


# ----------------------------------------------------------------------------------------------
# Catalogue of application services open to private capital


class Participation(models.TextChoices):
    WHOLLY = "wholly", _("Wholly private")
    CONTROLLING = "controlling", _("Private controlling stake")
    MINORITY = "minority", _("Private minority stake")


class CatalogueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CatalogueEntry(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("service"), max_length=200)
    domain = models.CharField(_("domain"), max_length=64)
    allowed_modes = models.JSONField(_("allowed modes"), default=list)
    participation = models.CharField(_("private participation"), max_length=16, choices=Participation.choices)
    revenue_sources = models.TextField(_("revenue sources"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=CatalogueStatus.choices, default=CatalogueStatus.DRAFT
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["domain", "code"]
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")

    def __str__(self):
        return self.name


# ----------------------------------------------------------------------------------------------
# Procurement


class Tender(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tenders")
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200)
    method = models.CharField(_("method"), max_length=32, default="open")
    deadline = models.DateField(_("bid deadline"))
    checked_at = models.DateTimeField(_("integrity checked"), null=True, blank=True)

    class Meta:
        ordering = ["project_id", "deadline", "id"]
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")

    def __str__(self):
        return f"{self.reference} {self.title}"


class Lot(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("lot"))
    title = models.CharField(_("title"), max_length=200)
    budget = models.DecimalField(_("budget"), null=True, blank=True, **MONEY)

    class Meta:
        ordering = ["tender_id", "number"]
        constraints = [models.UniqueConstraint(fields=["tender", "number"], name="lot_unique_number")]

    def __str__(self):
        return f"{self.number}. {self.title}"


class QualificationRequirement(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="requirements")
    code = models.CharField(_("code"), max_length=32)
    description = models.TextField(_("requirement"))

    class Meta:
        ordering = ["tender_id", "code"]

    def __str__(self):
        return self.code


class Bid(models.Model):
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="bids")
    bidder = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="ppp_bids", verbose_name=_("bidder")
    )
    consortium_members = models.ManyToManyField(
        OrgUnit, blank=True, related_name="ppp_consortium_bids", verbose_name=_("consortium members")
    )
    quoted_total = models.DecimalField(_("quoted total"), **MONEY)
    deposit_account = models.CharField(_("deposit account"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    awarded = models.BooleanField(_("awarded"), default=False)

    class Meta:
        ordering = ["lot_id", "quoted_total", "id"]
        constraints = [models.UniqueConstraint(fields=["lot", "bidder"], name="bid_one_per_bidder")]

    def __str__(self):
        return f"{self.bidder} · {self.quoted_total}"


class BidItem(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="items")
    item = models.CharField(_("item"), max_length=200)
    unit = models.CharField(_("unit"), max_length=32)
    region = models.CharField(_("region"), max_length=32, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)

    class Meta:
        ordering = ["bid_id", "item"]

    def __str__(self):
        return f"{self.item} {self.unit_price}"


class KeyStaff(PiiModelMixin, models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="key_staff")
    name = models.CharField(_("name"), max_length=100)
    id_number = EncryptedCharField(_("ID number"), kind=PiiKind.ID_NUMBER, max_length=32)
    id_number_hash = BlindIndexField(source="id_number", purpose="id_number")
    role = models.CharField(_("role"), max_length=64, blank=True)

    class Meta:
        ordering = ["bid_id", "id"]

    def __str__(self):
        return self.name


class QualificationEvidence(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="evidence")
    requirement = models.ForeignKey(
        QualificationRequirement, null=True, blank=True, on_delete=models.SET_NULL
    )
    title = models.CharField(_("document"), max_length=200)
    file = models.FileField(_("file"), upload_to="ppp/evidence/%Y/", blank=True)
    owner = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))

    class Meta:
        ordering = ["bid_id", "id"]

    def __str__(self):
        return self.title


class FlagRule(models.TextChoices):
    SAME_LEGAL_REP = "same_legal_rep", _("Same legal representative")
    CONTROL = "control", _("Control relationship")
    FOREIGN_EVIDENCE = "foreign_evidence", _("Evidence owned by another company")
    SHARED_STAFF = "shared_staff", _("Same key staff")
    SHARED_ACCOUNT = "shared_account", _("Same deposit account")
    SIMILAR_PRICES = "similar_prices", _("Abnormally similar prices")
    NEW_COMPANY = "new_company", _("Newly incorporated bidder")
    BLACKLISTED = "blacklisted", _("Blacklisted bidder")
    ABOVE_BENCHMARK = "above_benchmark", _("Unit price above benchmark")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class IntegrityFlag(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="flags")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.CASCADE, related_name="flags")
    rule = models.CharField(_("rule"), max_length=20, choices=FlagRule.choices)
    key = models.CharField(max_length=200, help_text="Stable identity of the finding within the tender.")
    bids = models.ManyToManyField(Bid, related_name="flags", blank=True)
    evidence = models.JSONField(_("evidence"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    reason = models.TextField(_("reason"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tender_id", "rule", "id"]
        verbose_name = _("integrity flag")
        verbose_name_plural = _("integrity flags")
        constraints = [models.UniqueConstraint(fields=["tender", "rule", "key"], name="flag_unique_finding")]

    def __str__(self):
        return f"{self.get_rule_display()} ({self.get_status_display()})"


# ----------------------------------------------------------------------------------------------
# Cost benchmarks


class CostBenchmark(models.Model):
    item = models.CharField(_("item"), max_length=200)
    unit = models.CharField(_("unit"), max_length=32)
    region = models.CharField(_("region"), max_length=32)
    year = models.PositiveSmallIntegerField(_("year"))
    p25 = models.DecimalField("P25", max_digits=14, decimal_places=4)
    p50 = models.DecimalField("P50", max_digits=14, decimal_places=4)
    p75 = models.DecimalField("P75", max_digits=14, decimal_places=4)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["item", "region", "-year"]
        verbose_name = _("cost benchmark")
        verbose_name_plural = _("cost benchmarks")
        constraints = [
            models.UniqueConstraint(fields=["item", "unit", "region", "year"], name="benchmark_unique"),
            models.CheckConstraint(
                condition=Q(p25__lte=F("p50")) & Q(p50__lte=F("p75")), name="benchmark_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.item} {self.region} {self.year}"


# ----------------------------------------------------------------------------------------------
# OCDS


class OcdsRelease(models.Model):
    """One OCDS release recorded when a service changed the project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ocds_releases")
    release_id = models.CharField(max_length=120, unique=True)
    date = models.DateTimeField()
    tags = models.JSONField(default=list)
    sections = models.JSONField(default=list)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["project_id", "date", "id"]

    def __str__(self):
        return self.release_id
