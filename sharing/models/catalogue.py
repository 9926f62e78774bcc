"""The data-resource catalogue (政务信息资源目录, DOMAIN.md §5).

A resource is described by its core metadata, lists its data items, and is published by its
provider after the data authority approved it. Every publication freezes the item list in a
`ResourceVersion`; agreements point at the version they approved, so a later publication never
changes what an agreement allows.

Resource codes (资源代码) are the classification code (分类码) followed by a sequence number
(顺序码): ``A01-02-03-0001`` = class ``A`` (A basic, B thematic, C departmental) with the
two-digit 项 ``01``, then 目 ``02`` and 细目 ``03`` (``00`` where a level is not used), then a
four-digit sequence within that classification.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CLASSIFICATION_RE = re.compile(r"^[ABC][0-9]{2}-[0-9]{2}-[0-9]{2}$")
RESOURCE_CODE_RE = re.compile(r"^([ABC][0-9]{2}-[0-9]{2}-[0-9]{2})-([0-9]{4})$")


def check_resource_code(code: str) -> list[str]:
    """Problems with a resource code (empty when valid)."""
    value = (code or "").strip()
    if not RESOURCE_CODE_RE.match(value):
        return [
            _(
                "A resource code is the classification code and a four-digit sequence, "
                "e.g. A01-02-03-0001: class A, B or C, then 项, 目 and 细目 as two digits each."
            )
        ]
    if value.endswith("-0000"):
        return [_("The sequence number of a resource code starts at 0001.")]
    return []


def validate_resource_code(value: str) -> None:
    problems = check_resource_code(value)
    if problems:
        raise ValidationError(problems)


def validate_classification(value: str) -> None:
    if not CLASSIFICATION_RE.match(value or ""):
        raise ValidationError(
            _("A classification code looks like A01-02-03: class A, B or C, then 项, 目 and 细目.")
        )


class ResourceClass(models.TextChoices):
    BASIC = "A", _("Basic resources")
    THEMATIC = "B", _("Thematic resources")
    DEPARTMENTAL = "C", _("Departmental resources")


class SharingType(models.TextChoices):
    UNCONDITIONAL = "unconditional", _("Unconditional sharing")
    CONDITIONAL = "conditional", _("Conditional sharing")
    NOT_SHARED = "not_shared", _("Not shared")


# From the least to the most restrictive; a request is routed by its most restrictive item.
SHARING_STRICTNESS = {SharingType.UNCONDITIONAL: 0, SharingType.CONDITIONAL: 1, SharingType.NOT_SHARED: 2}


class SharingMethod(models.TextChoices):
    API = "api", _("API access")
    FILE = "file", _("File download")
    DATABASE = "database", _("Database exchange")
    QUERY = "query", _("Online query")


class OpenAttribute(models.TextChoices):
    OPEN = "open", _("Open to the public")
    CONDITIONAL = "conditional", _("Conditionally open")
    NOT_OPEN = "not_open", _("Not open")


class UpdateCycle(models.TextChoices):
    REALTIME = "realtime", _("Real time")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")
    IRREGULAR = "irregular", _("Irregular")


class ResourceFormat(models.TextChoices):
    TABLE = "table", _("Structured table")
    SPREADSHEET = "spreadsheet", _("Spreadsheet")
    DOCUMENT = "document", _("Document")
    GEODATA = "geodata", _("Geographic data")
    IMAGE = "image", _("Image")
    OTHER = "other", _("Other")


class ResourceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DataType(models.TextChoices):
    STRING = "string", _("Text")
    INTEGER = "integer", _("Integer")
    DECIMAL = "decimal", _("Decimal")
    DATE = "date", _("Date")
    DATETIME = "datetime", _("Date and time")
    BOOLEAN = "boolean", _("Yes / no")


class DataAuthority(models.Model):
    """A unit flagged as a data authority (数据主管部门), e.g. the city's big-data bureau.

    Officials holding the `data_steward` role in such a unit approve catalogue entries, check
    requests, coordinate disputes and see every request and agreement.
    """

    unit = models.OneToOneField(
        "coordination.OrgUnit",
        on_delete=models.PROTECT,
        related_name="data_authority",
        verbose_name=_("unit"),
    )
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        verbose_name = _("data authority")
        verbose_name_plural = _("data authorities")

    def __str__(self):
        return str(self.unit)


class Topic(models.Model):
    """A data topic (数据主题) grouping resources, e.g. 人口 or 营商环境."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name


class DataResource(models.Model):
    code = models.CharField(
        _("resource code"),
        max_length=16,
        unique=True,
        validators=[validate_resource_code],
        help_text=_("Classification code and sequence, e.g. A01-02-03-0001."),
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    resource_class = models.CharField(_("class"), max_length=1, choices=ResourceClass.choices)
    classification = models.CharField(
        _("classification code"),
        max_length=9,
        validators=[validate_classification],
        help_text=_("类/项/目/细目, e.g. A01-02-03."),
    )
    provider = models.ForeignKey(
        "coordination.OrgUnit",
        on_delete=models.PROTECT,
        related_name="data_resources",
        verbose_name=_("provider"),
    )
    summary = models.TextField(_("summary"), blank=True)
    format = models.CharField(
        _("format"), max_length=16, choices=ResourceFormat.choices, default=ResourceFormat.TABLE
    )
    update_cycle = models.CharField(
        _("update cycle"), max_length=16, choices=UpdateCycle.choices, default=UpdateCycle.IRREGULAR
    )
    sharing_type = models.CharField(
        _("sharing type"), max_length=16, choices=SharingType.choices, db_index=True
    )
    sharing_condition = models.TextField(_("sharing condition"), blank=True)
    legal_basis = models.TextField(_("legal basis for not sharing"), blank=True)
    sharing_methods = models.JSONField(
        _("sharing methods"), default=list, blank=True, help_text=_("Any of: api, file, database, query.")
    )
    open_attribute = models.CharField(
        _("open attribute"), max_length=16, choices=OpenAttribute.choices, default=OpenAttribute.NOT_OPEN
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="resources", verbose_name=_("topics"))
    related = models.ManyToManyField("self", blank=True, verbose_name=_("related resources"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ResourceStatus.choices,
        default=ResourceStatus.DRAFT,
        db_index=True,
    )
    current_version = models.ForeignKey(
        "sharing.ResourceVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("current version"),
        help_text=_("The latest published version; set by publication only."),
    )
    status_reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("data resource")
        verbose_name_plural = _("data resources")
        constraints = [
            models.CheckConstraint(
                condition=~Q(sharing_type="conditional") | ~Q(sharing_condition=""),
                name="dataresource_conditional_has_condition",
                violation_error_message=_("A conditionally shared resource needs its sharing condition."),
            ),
            models.CheckConstraint(
                condition=~Q(sharing_type="not_shared") | ~Q(legal_basis=""),
                name="dataresource_not_shared_has_basis",
                violation_error_message=_("A resource that is not shared needs its legal basis."),
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "status"], name="dataresource_provider_status"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("sharing:resource", args=[self.code])

    @property
    def is_available(self) -> bool:
        """Visible in the catalogue and requestable: published at least once and not withdrawn."""
        return self.current_version_id is not None and self.status != ResourceStatus.WITHDRAWN

    def get_current_version(self):
        return self.current_version

    def clean(self):
        super().clean()
        errors = {}
        if self.code and self.classification and not self.code.startswith(self.classification + "-"):
            errors["code"] = _("The resource code must start with its classification code %(c)s.") % {
                "c": self.classification
            }
        if self.classification and self.resource_class and self.classification[0] != self.resource_class:
            errors["classification"] = _(
                "The classification code must start with the class letter %(c)s."
            ) % {"c": self.resource_class}
        if self.sharing_type == SharingType.CONDITIONAL and not self.sharing_condition.strip():
            errors["sharing_condition"] = _("A conditionally shared resource needs its sharing condition.")
        if self.sharing_type == SharingType.NOT_SHARED and not self.legal_basis.strip():
            errors["legal_basis"] = _("A resource that is not shared needs its legal basis.")
        bad = [m for m in self.sharing_methods or [] if m not in SharingMethod.values]
        if bad:
            errors["sharing_methods"] = _("Unknown sharing method: %(m)s.") % {"m": ", ".join(map(str, bad))}
        if errors:
            raise ValidationError(errors)

    def sharing_method_labels(self) -> list[str]:
        """The sharing methods as people read them (the stored values are codes)."""
        labels = dict(SharingMethod.choices)
        return [str(labels.get(m, m)) for m in self.sharing_methods or []]


class DataItem(models.Model):
    """One data item (信息项) of a resource; `sharing_type` blank means the resource's."""

    resource = models.ForeignKey(
        DataResource, on_delete=models.CASCADE, related_name="items", verbose_name=_("resource")
    )
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=100)
    data_type = models.CharField(_("data type"), max_length=16, choices=DataType.choices)
    is_key = models.BooleanField(
        _("natural key"), default=False, help_text=_("Identifies a record; exactly one item per resource.")
    )
    sharing_type = models.CharField(
        _("sharing type"),
        max_length=16,
        choices=SharingType.choices,
        blank=True,
        help_text=_("Leave blank to use the resource's sharing type."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["resource_id", "order", "id"]
        verbose_name = _("data item")
        verbose_name_plural = _("data items")
        constraints = [
            models.UniqueConstraint(fields=["resource", "code"], name="dataitem_code_unique"),
            models.UniqueConstraint(fields=["resource"], condition=Q(is_key=True), name="dataitem_one_key"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def effective_sharing_type(self, resource: DataResource | None = None) -> str:
        return self.sharing_type or (resource or self.resource).sharing_type

    def as_snapshot(self, resource: DataResource | None = None) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "data_type": self.data_type,
            "is_key": self.is_key,
            "sharing_type": self.effective_sharing_type(resource),
        }


class ResourceVersion(models.Model):
    """A published state of a resource's item list; written on publication, never edited."""

    resource = models.ForeignKey(
        DataResource, on_delete=models.CASCADE, related_name="versions", verbose_name=_("resource")
    )
    number = models.PositiveIntegerField(_("version"))
    items = models.JSONField(_("items"), default=list)
    sharing_type = models.CharField(_("sharing type"), max_length=16, choices=SharingType.choices)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["resource_id", "-number"]
        verbose_name = _("resource version")
        verbose_name_plural = _("resource versions")
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="resourceversion_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="resourceversion_number_positive"),
        ]

    def __str__(self):
        return f"{self.resource_id} v{self.number}"

    def item_codes(self) -> list[str]:
        return [item["code"] for item in self.items]
