"""The organisation chart (DOMAIN.md §1).

One tree of organisations of every kind (块: territorial parent), plus for each unit an optional
functional line (条) and a line superior one level up in the same line. Units carry several
nameplates (三块牌子一套人马); people hold positions with roles in units; leading groups have
members who represent units.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node

from portal.validators import validate_division_code, validate_uscc


class OrgKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("Party committee")
    GOVERNMENT = "government", _("Government")
    DEPARTMENT = "department", _("Working department")
    BUREAU = "bureau", _("Bureau")
    OFFICE = "office", _("Office")
    LEADING_GROUP = "leading_group", _("Leading group")
    INSTITUTION = "institution", _("Public institution")
    ENTERPRISE = "enterprise", _("Enterprise")
    SOCIAL_ORG = "social_org", _("Social organisation")


GOVERNMENT_KINDS = (
    OrgKind.PARTY_COMMITTEE,
    OrgKind.GOVERNMENT,
    OrgKind.DEPARTMENT,
    OrgKind.BUREAU,
    OrgKind.OFFICE,
)


class OrgLevel(models.IntegerChoices):
    """Territorial levels, top down; a line superior sits exactly one level above."""

    NATIONAL = 1, _("National")
    PROVINCIAL = 2, _("Provincial")
    MUNICIPAL = 3, _("Municipal")
    DISTRICT = 4, _("District / county")
    STREET = 5, _("Street / township")


class FunctionalLine(models.Model):
    """A functional system (条) running top-down across levels, e.g. health or market regulation."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("functional line")
        verbose_name_plural = _("functional lines")

    def __str__(self):
        return self.name


class OrgUnit(MP_Node):
    code = models.SlugField(
        _("unit code"),
        max_length=64,
        unique=True,
        help_text=_("Stable key used by imports, exports and the API, e.g. city-health."),
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        db_index=True,
        help_text=_("The primary nameplate; kept in step with it."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices, db_index=True)
    level = models.PositiveSmallIntegerField(
        _("level"), choices=OrgLevel.choices, null=True, blank=True, db_index=True
    )
    division_code = models.CharField(
        _("division code"),
        max_length=6,
        blank=True,
        validators=[validate_division_code],
        help_text=_("GB/T 2260, six digits."),
    )
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_uscc],
        help_text=_("GB 32100-2015, 18 characters."),
    )
    line = models.ForeignKey(
        FunctionalLine,
        verbose_name=_("functional line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    line_superior = models.ForeignKey(
        "self",
        verbose_name=_("line superior"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="line_inferiors",
        help_text=_("The unit of the same line one level up, e.g. the provincial health commission."),
    )
    active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    node_order_by = None  # siblings keep the order admins give them (drag and drop)

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        constraints = [
            models.UniqueConstraint(fields=["uscc"], condition=~Q(uscc=""), name="orgunit_uscc_unique"),
            models.CheckConstraint(condition=~Q(line_superior=F("id")), name="orgunit_not_own_superior"),
            models.CheckConstraint(
                condition=~Q(kind__in=[k.value for k in GOVERNMENT_KINDS]) | Q(level__isnull=False),
                name="orgunit_government_has_level",
            ),
            models.CheckConstraint(
                condition=Q(line_superior__isnull=True) | Q(line__isnull=False),
                name="orgunit_superior_needs_line",
            ),
        ]
        indexes = [models.Index(fields=["line", "level"], name="orgunit_line_level")]

    def __str__(self):
        return self.name

    @property
    def is_government(self) -> bool:
        return self.kind in GOVERNMENT_KINDS

    def clean(self):
        super().clean()
        errors = {}
        if self.uscc:
            self.uscc = self.uscc.strip().upper()
        if self.kind in GOVERNMENT_KINDS and self.level is None:
            errors["level"] = _("A government body must have a territorial level.")
        if self.line_superior_id:
            superior = self.line_superior
            if not self.line_id:
                errors["line"] = _("Choose the functional line before a line superior.")
            elif superior.line_id != self.line_id:
                errors["line_superior"] = _(
                    "The line superior must belong to the same functional line (%(line)s)."
                ) % {"line": self.line}
            elif self.pk and superior.pk == self.pk:
                errors["line_superior"] = _("A unit cannot be its own line superior.")
            if "line_superior" not in errors and (
                self.level is None or superior.level is None or superior.level != self.level - 1
            ):
                errors["line_superior"] = _("The line superior must sit exactly one level above this unit.")
        if errors:
            raise ValidationError(errors)


class Nameplate(models.Model):
    """One of a unit's names (e.g. 网信办 / 信息办 / 智慧办), valid for a period."""

    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="nameplates", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    short_name = models.CharField(_("short name"), max_length=64, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["-is_primary", "name"]
        verbose_name = _("nameplate")
        verbose_name_plural = _("nameplates")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(is_primary=True), name="nameplate_one_primary"
            ),
            models.UniqueConstraint(fields=["unit", "name"], name="nameplate_unique_name"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="nameplate_valid_period",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end of validity is before its start.")})


class RoleCode(models.TextChoices):
    HEAD = "head", _("Head")
    REVIEWER = "reviewer", _("Reviewer")
    WINDOW_CLERK = "window_clerk", _("Window clerk")
    LEAD_COORDINATOR = "lead_coordinator", _("Lead coordinator")
    SUPERVISOR = "supervisor", _("Supervisor")
    DATA_STEWARD = "data_steward", _("Data steward")
    PPP_MANAGER = "ppp_manager", _("PPP manager")
    OFFICE_COORDINATOR = "office_coordinator", _("Office coordinator")
    REPRESENTATIVE = "representative", _("Organisation representative")
    INTERMEDIARY = "intermediary", _("Intermediary staff")
    EVALUATOR = "evaluator", pgettext_lazy("role", "Evaluator")
    AGENT = "agent", _("Government agent (代办员)")


class Role(models.Model):
    """A role a position can carry; the rows are the RoleCode choices (seeded by migration)."""

    code = models.CharField(_("code"), max_length=32, choices=RoleCode.choices, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return str(self.get_code_display())


class Position(models.Model):
    """A user's post in a unit: a title and the roles that drive permissions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="positions", verbose_name=_("user")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="positions", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=100)
    roles = models.ManyToManyField(Role, blank=True, related_name="positions", verbose_name=_("roles"))
    active = models.BooleanField(_("active"), default=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        ordering = ["unit_id", "id"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "title"], name="position_unique"),
        ]
        indexes = [models.Index(fields=["unit", "active"], name="position_unit_active")]

    def __str__(self):
        return f"{self.user} · {self.unit} · {self.title}"


class LeadingGroupRole(models.TextChoices):
    CO_LEADER = "co_leader", _("Co-leader")
    DEPUTY_LEADER = "deputy_leader", _("Deputy leader")
    MEMBER = "member", _("Member")
    OFFICE_DIRECTOR = "office_director", _("Office director")


class LeadingGroupMember(models.Model):
    """A seat in a leading group, held by a person representing a unit.

    Several co-leaders are allowed (三组长: deputy party secretary, mayor and the general manager
    of the implementing company), and the represented unit may be an enterprise.
    """

    group = models.ForeignKey(
        OrgUnit,
        on_delete=models.CASCADE,
        related_name="group_members",
        limit_choices_to={"kind": OrgKind.LEADING_GROUP},
        verbose_name=_("leading group"),
    )
    role = models.CharField(_("role"), max_length=16, choices=LeadingGroupRole.choices)
    person_name = models.CharField(_("person"), max_length=100)
    title = models.CharField(
        _("title"),
        max_length=100,
        blank=True,
        help_text=_("e.g. Deputy party secretary, Mayor, General manager."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_seats",
        verbose_name=_("user account"),
    )
    represents = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="group_seats", verbose_name=_("represents")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["group_id", "sort_order", "id"]
        verbose_name = _("leading-group member")
        verbose_name_plural = _("leading-group members")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person_name", "role"], name="leadinggroupmember_unique"
            ),
        ]

    def __str__(self):
        return f"{self.person_name} ({self.get_role_display()})"

    def clean(self):
        super().clean()
        if self.group_id and self.group.kind != OrgKind.LEADING_GROUP:
            raise ValidationError({"group": _("Members can only be added to a leading group.")})
