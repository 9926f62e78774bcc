"""The approval item catalogue (事项清单) and packages (模块化审批), DOMAIN.md §3.

An item is one administrative licence as a city publishes it: who it came from (origin
department, which keeps supervising after approval — 审管联动) and who handles it now
(implementing body, e.g. the approval bureau), its time limits in working days, what stops its
clock, its materials and form fields. A package bundles items of several departments under a lead
department, with one merged form, one set of materials and a total limit.

The database enforces what it can (unique codes, limits ≥ 1, promised ≤ statutory); `clean()`
checks the rest against the legal numbers in approvals.rules.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.rules import (
    HANDLING_REGIMES,
    TEMPLATE_MAX_MB,
    TEMPLATE_TYPES,
    UPLOAD_MAX_MB,
    UPLOAD_TYPES,
    AssessmentKind,
    Delivery,
    Handling,
    Procedure,
    Stage,
)
from coordination.models import OrgUnit

validate_catalogue_code = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{1,39}$",
    gettext_lazy("Use capital letters, digits and hyphens, e.g. YX-SC-001."),
)


def _check_code_list(value, choices, message):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Give a list of codes."))
    unknown = sorted(set(value) - set(choices.values))
    if unknown:
        raise ValidationError(message % {"codes": ", ".join(unknown)})
    if len(set(value)) != len(value):
        raise ValidationError(_("A code is listed twice."))


def validate_procedures(value):
    _check_code_list(value, Procedure, _("Unknown clock-stopping procedure: %(codes)s."))


def validate_delivery_options(value):
    _check_code_list(value, Delivery, _("Unknown delivery option: %(codes)s."))


def validate_accepted_types(value: str):
    types = [t.strip().lower() for t in value.split(",") if t.strip()]
    if not types:
        raise ValidationError(_("Name at least one file type, e.g. pdf."))
    unknown = sorted(set(types) - set(UPLOAD_TYPES))
    if unknown:
        raise ValidationError(
            _("Unknown file type: %(types)s. Allowed: %(allowed)s."),
            params={"types": ", ".join(unknown), "allowed": ", ".join(UPLOAD_TYPES)},
        )


def validate_template_size(file):
    if file and file.size > TEMPLATE_MAX_MB * 1024 * 1024:
        raise ValidationError(
            _("A template may be at most %(mb)s MB."), params={"mb": TEMPLATE_MAX_MB}, code="file_too_large"
        )


class Item(models.Model):
    """One approval item of the catalogue."""

    code = models.CharField(
        gettext_lazy("item code"),
        max_length=40,
        unique=True,
        validators=[validate_catalogue_code],
        help_text=gettext_lazy("Stable public code, e.g. YX-SC-001; used in the guide's address."),
    )
    name = models.CharField(gettext_lazy("name"), max_length=200, db_index=True)
    origin_department = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="originated_items",
        verbose_name=gettext_lazy("origin department"),
        help_text=gettext_lazy("The department the item came from; it keeps supervising after approval."),
    )
    implementing_body = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="implemented_items",
        verbose_name=gettext_lazy("implementing body"),
        help_text=gettext_lazy("The body that accepts, decides and issues, e.g. the approval bureau."),
    )
    handling = models.CharField(
        gettext_lazy("handling"), max_length=8, choices=Handling.choices, default=Handling.SINGLE
    )
    statutory_limit_days = models.PositiveSmallIntegerField(gettext_lazy("statutory limit (working days)"))
    limit_special_basis = models.CharField(
        gettext_lazy("special basis of the statutory limit"),
        max_length=300,
        blank=True,
        help_text=gettext_lazy(
            "Only when a law or regulation sets a longer limit than the general one "
            "(行政许可法 art. 42: 法律、法规另有规定的，依照其规定), e.g. 《环境影响评价法》第二十二条."
        ),
    )
    promised_limit_days = models.PositiveSmallIntegerField(
        gettext_lazy("promised limit (working days)"),
        help_text=gettext_lazy("The city's commitment (承诺时限); at most the statutory limit."),
    )
    extension_days = models.PositiveSmallIntegerField(
        gettext_lazy("extension (working days)"),
        default=0,
        help_text=gettext_lazy("0 = no extension allowed."),
    )
    extension_approver = models.CharField(
        gettext_lazy("extension approved by"),
        max_length=100,
        blank=True,
        help_text=gettext_lazy("Empty: as the law says for the handling type."),
    )
    clock_stop_procedures = models.JSONField(
        gettext_lazy("clock-stopping procedures allowed"),
        default=list,
        blank=True,
        validators=[validate_procedures],
    )
    fee_text = models.CharField(gettext_lazy("fees"), max_length=300, default="不收费", blank=True)
    fee_amount = models.DecimalField(
        gettext_lazy("fee amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    legal_basis = models.TextField(gettext_lazy("legal basis"))
    conditions = models.TextField(gettext_lazy("conditions"), blank=True)
    fully_online = models.BooleanField(
        gettext_lazy("fully online"),
        default=False,
        help_text=gettext_lazy("不见面审批: the applicant never has to come in person."),
    )
    delivery_options = models.JSONField(
        gettext_lazy("delivery options"), default=list, validators=[validate_delivery_options]
    )
    pledge_approval_allowed = models.BooleanField(
        gettext_lazy("pledge-based approval (告知承诺) allowed"), default=False
    )
    pledge_acceptance_allowed = models.BooleanField(
        gettext_lazy("pledge-based partial acceptance (容缺受理) allowed"), default=False
    )
    active = models.BooleanField(gettext_lazy("active"), default=True)
    published = models.BooleanField(
        gettext_lazy("published"),
        default=False,
        editable=False,
        help_text=gettext_lazy("Shown in the public service guide. Changed with the publish actions."),
    )
    created_at = models.DateTimeField(gettext_lazy("created"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("updated"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = gettext_lazy("approval item")
        verbose_name_plural = gettext_lazy("approval items")
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_limit_days__gte=1) & Q(statutory_limit_days__gte=1),
                name="item_limits_at_least_one_day",
                violation_error_message=gettext_lazy("A time limit is at least one working day."),
            ),
            models.CheckConstraint(
                condition=Q(promised_limit_days__lte=F("statutory_limit_days")),
                name="item_promised_within_statutory",
                violation_error_message=gettext_lazy("The promised limit cannot exceed the statutory limit."),
            ),
        ]
        indexes = [models.Index(fields=["published", "active", "code"], name="item_guide_list")]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def regime(self):
        return HANDLING_REGIMES[self.handling]

    @property
    def extension_approver_display(self) -> str:
        return self.extension_approver or str(self.regime.extension_approver)

    def clean(self):
        super().clean()
        errors: dict[str, list] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        statutory, promised = self.statutory_limit_days, self.promised_limit_days
        if statutory is not None and statutory < 1:
            add("statutory_limit_days", _("A time limit is at least one working day."))
        if promised is not None and promised < 1:
            add("promised_limit_days", _("A time limit is at least one working day."))
        if statutory and promised and promised > statutory:
            add(
                "promised_limit_days",
                _("The promised limit (%(promised)s) cannot exceed the statutory limit (%(statutory)s).")
                % {"promised": promised, "statutory": statutory},
            )
        regime = HANDLING_REGIMES.get(self.handling)
        if regime is not None:
            if statutory and statutory > regime.limit_days and not self.limit_special_basis.strip():
                add(
                    "statutory_limit_days",
                    _(
                        "%(basis)s sets %(days)s working days for this handling type; a longer statutory "
                        "limit needs the law or regulation that sets it (special basis)."
                    )
                    % {"basis": regime.legal_basis, "days": regime.limit_days},
                )
            if self.extension_days and self.extension_days > regime.extension_days:
                add(
                    "extension_days",
                    _(
                        "%(basis)s allows an extension of at most %(days)s working days "
                        "for this handling type."
                    )
                    % {"basis": regime.legal_basis, "days": regime.extension_days},
                )
        if not self.extension_days and self.extension_approver.strip():
            add("extension_approver", _("No extension is allowed, so nobody approves one."))
        if not self.delivery_options:
            add("delivery_options", _("Offer at least one way to receive the result."))
        if errors:
            raise ValidationError(errors)


class Material(models.Model):
    """A document the applicant hands in for an item."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="materials", verbose_name=gettext_lazy("item")
    )
    name = models.CharField(gettext_lazy("name"), max_length=200)
    required = models.BooleanField(gettext_lazy("required"), default=True)
    may_be_pledged = models.BooleanField(
        gettext_lazy("may be missing on pledge (容缺)"),
        default=False,
        help_text=gettext_lazy(
            "Only for items that allow pledge-based partial acceptance; supplied later, before the "
            "promised limit."
        ),
    )
    area_assessment_kind = models.CharField(
        gettext_lazy("satisfied by an area assessment"),
        max_length=20,
        choices=AssessmentKind.choices,
        blank=True,
        help_text=gettext_lazy(
            "When the project lies in an area with a valid assessment of this kind (区域评估), the "
            "material is satisfied by that assessment and the applicant hands in nothing."
        ),
    )
    description = models.TextField(gettext_lazy("description"), blank=True)
    template = models.FileField(
        gettext_lazy("template"),
        upload_to="approvals/templates/",
        blank=True,
        validators=[FileExtensionValidator(list(TEMPLATE_TYPES)), validate_template_size],
        help_text=gettext_lazy("A blank form or sample the applicant can download."),
    )
    max_size_mb = models.PositiveSmallIntegerField(
        gettext_lazy("maximum size (MB)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(UPLOAD_MAX_MB)],
    )
    accepted_types = models.CharField(
        gettext_lazy("accepted file types"),
        max_length=100,
        default="pdf,jpg,png",
        validators=[validate_accepted_types],
        help_text=gettext_lazy("Comma-separated, e.g. pdf,jpg,png."),
    )
    order = models.PositiveSmallIntegerField(gettext_lazy("order"), default=0)

    class Meta:
        ordering = ["item_id", "order", "id"]
        verbose_name = gettext_lazy("material")
        verbose_name_plural = gettext_lazy("materials")
        constraints = [
            models.UniqueConstraint(fields=["item", "name"], name="material_unique_name"),
            models.CheckConstraint(
                condition=Q(may_be_pledged=False) | Q(required=True),
                name="material_pledged_is_required",
                violation_error_message=gettext_lazy("Only a required material can be missing on a pledge."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def accepted_type_list(self) -> list[str]:
        return [t.strip().lower() for t in self.accepted_types.split(",") if t.strip()]

    def clean(self):
        super().clean()
        self.name = self.name.strip()
        self.accepted_types = ",".join(self.accepted_type_list)
        if self.may_be_pledged:
            if not self.required:
                raise ValidationError(
                    {"may_be_pledged": _("Only a required material can be missing on a pledge.")}
                )
            if self.item_id and not self.item.pledge_acceptance_allowed:
                raise ValidationError(
                    {"may_be_pledged": _("The item does not allow pledge-based partial acceptance.")}
                )


def check_material_set(item: Item, materials: list[Material]) -> list[str]:
    """What is wrong with an item's materials as a whole (empty when fine).

    A pledge covers secondary materials only: at least one required material must be handed in
    at acceptance, so an item cannot be accepted on pledges alone.
    """
    problems = []
    required = [m for m in materials if m.required]
    if required and all(m.may_be_pledged for m in required):
        problems.append(
            _("At least one required material must be handed in; not all can be missing on pledge.")
        )
    if any(m.may_be_pledged for m in materials) and not item.pledge_acceptance_allowed:
        problems.append(_("The item does not allow pledge-based partial acceptance."))
    return problems


class FieldKind(models.TextChoices):
    TEXT = "text", gettext_lazy("Text")
    TEXTAREA = "textarea", gettext_lazy("Long text")
    NUMBER = "number", gettext_lazy("Number")
    DATE = "date", gettext_lazy("Date")
    CHOICE = "choice", gettext_lazy("Choice")
    ID_NUMBER = "id_number", gettext_lazy("Resident ID number")
    USCC = "uscc", gettext_lazy("Unified social credit code")
    PHONE = "phone", gettext_lazy("Phone number")
    EMAIL = "email", gettext_lazy("E-mail")
    AREA_M2 = "area_m2", gettext_lazy("Area (m²)")


class FormField(models.Model):
    """A question on an item's application form. In a package, the same key is asked once."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="form_fields", verbose_name=gettext_lazy("item")
    )
    key = models.SlugField(
        gettext_lazy("key"),
        max_length=50,
        help_text=gettext_lazy(
            "Items of a package that ask the same thing use the same key, e.g. shop_area."
        ),
    )
    label = models.CharField(gettext_lazy("label"), max_length=200)
    kind = models.CharField(gettext_lazy("kind"), max_length=12, choices=FieldKind.choices)
    required = models.BooleanField(gettext_lazy("required"), default=True)
    choices = models.JSONField(
        gettext_lazy("choices"),
        default=list,
        blank=True,
        help_text=gettext_lazy('For a choice: a list of options, e.g. ["餐馆", "饮品店"].'),
    )
    help_text = models.CharField(gettext_lazy("help text"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(gettext_lazy("order"), default=0)

    class Meta:
        ordering = ["item_id", "order", "id"]
        verbose_name = gettext_lazy("form field")
        verbose_name_plural = gettext_lazy("form fields")
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="formfield_unique_key")]

    def __str__(self):
        return f"{self.label} ({self.key})"

    def clean(self):
        super().clean()
        choices = self.choices if self.choices is not None else []
        if not isinstance(choices, list) or not all(isinstance(c, str) and c.strip() for c in choices):
            raise ValidationError({"choices": _("Give the choices as a list of non-empty texts.")})
        if self.kind == FieldKind.CHOICE and len(choices) < 2:
            raise ValidationError({"choices": _("A choice field needs at least two options.")})
        if self.kind != FieldKind.CHOICE and choices:
            raise ValidationError({"choices": _("Only a choice field has options.")})
        if len(set(choices)) != len(choices):
            raise ValidationError({"choices": _("An option is listed twice.")})


class Package(models.Model):
    """Several items of several departments handled in parallel under a lead department."""

    code = models.CharField(
        gettext_lazy("package code"), max_length=40, unique=True, validators=[validate_catalogue_code]
    )
    name = models.CharField(gettext_lazy("name"), max_length=200, db_index=True)
    lead_department = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="led_packages",
        verbose_name=gettext_lazy("lead department"),
    )
    total_limit_days = models.PositiveSmallIntegerField(
        gettext_lazy("total limit (working days)"),
        validators=[MinValueValidator(1)],
        help_text=gettext_lazy("Items run in parallel: at least the longest promised limit of its items."),
    )
    stage = models.PositiveSmallIntegerField(
        gettext_lazy("construction stage"), choices=Stage.choices, null=True, blank=True
    )
    description = models.TextField(gettext_lazy("description"), blank=True)
    items = models.ManyToManyField(
        Item, through="PackageItem", related_name="packages", verbose_name=gettext_lazy("items")
    )
    active = models.BooleanField(gettext_lazy("active"), default=True)
    published = models.BooleanField(
        gettext_lazy("published"),
        default=False,
        editable=False,
        help_text=gettext_lazy("Shown in the public service guide. Changed with the publish actions."),
    )
    created_at = models.DateTimeField(gettext_lazy("created"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("updated"), auto_now=True)

    class Meta:
        ordering = ["stage", "code"]
        verbose_name = gettext_lazy("package")
        verbose_name_plural = gettext_lazy("packages")
        constraints = [
            models.CheckConstraint(
                condition=Q(total_limit_days__gte=1), name="package_limit_at_least_one_day"
            )
        ]
        indexes = [models.Index(fields=["published", "active", "code"], name="package_guide_list")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        super().clean()
        if self.pk and self.total_limit_days:
            items = list(Item.objects.filter(package_items__package_id=self.pk))
            if problem := check_package_limit(self.total_limit_days, items):
                raise ValidationError({"total_limit_days": problem})


def check_package_limit(total_limit_days: int, items) -> str | None:
    """The items run in parallel, so the package needs at least its longest promised limit."""
    longest = max(items, key=lambda i: i.promised_limit_days, default=None)
    if longest is not None and total_limit_days < longest.promised_limit_days:
        return _(
            "The total limit (%(total)s working days) is shorter than the promised limit of "
            "%(item)s (%(days)s working days); items run in parallel, so the package needs at least that."
        ) % {"total": total_limit_days, "item": longest, "days": longest.promised_limit_days}
    return None


class PackageItem(models.Model):
    package = models.ForeignKey(
        Package, on_delete=models.CASCADE, related_name="package_items", verbose_name=gettext_lazy("package")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="package_items", verbose_name=gettext_lazy("item")
    )
    mandatory = models.BooleanField(
        gettext_lazy("mandatory"),
        default=True,
        help_text=gettext_lazy("Optional items are chosen by the applicant when they apply."),
    )
    order = models.PositiveSmallIntegerField(gettext_lazy("order"), default=0)

    class Meta:
        ordering = ["package_id", "order", "id"]
        verbose_name = gettext_lazy("item of the package")
        verbose_name_plural = gettext_lazy("items of the package")
        constraints = [models.UniqueConstraint(fields=["package", "item"], name="packageitem_unique")]

    def __str__(self):
        return str(self.item)

    def clean(self):
        super().clean()
        if (
            self.package_id
            and self.item_id
            and self.package.total_limit_days
            and (problem := check_package_limit(self.package.total_limit_days, [self.item]))
        ):
            raise ValidationError({"item": problem})
