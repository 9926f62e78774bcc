"""Applications and the department tasks that review them in parallel (DOMAIN.md §3).

Applicants reach their applications by UUID (or by number + query code on the public tracking
page), never by the sequential id. Statuses are moved only by approvals.services, checked against
approvals.workflow, and every move is appended to `StatusChange`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.workflow import OPEN_TASK_STATES, ApplicationStatus, TaskStatus
from portal.pii import PersonalDataJSONField

from .catalogue import Item, Package


class AcceptanceMode(models.TextChoices):
    NORMAL = "normal", _("Normal")
    PLEDGE = "pledge", _("Partial acceptance on pledge (容缺)")
    COMMITMENT = "commitment", _("Pledge-based approval (告知承诺)")


class Application(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("application number"), max_length=32, unique=True, null=True, blank=True)
    query_code = models.CharField(_("query code"), max_length=8, blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    item = models.ForeignKey(
        Item,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("item"),
    )
    package = models.ForeignKey(
        Package,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("package"),
    )
    lead_department = models.ForeignKey(
        "coordination.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("lead department")
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    acceptance_mode = models.CharField(
        _("acceptance"), max_length=12, choices=AcceptanceMode.choices, blank=True
    )
    # ID numbers and phone numbers in the answers are encrypted at rest (portal.pii).
    form_data = PersonalDataJSONField(_("form"), default=dict, blank=True)
    area = models.ForeignKey(
        "approvals.AssessedArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("project inside the assessed area"),
    )
    received_on = models.DateField(_("received on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    supplement_due = models.DateField(_("pledged materials due"), null=True, blank=True)
    supplement_received_on = models.DateField(_("pledged materials received on"), null=True, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.CheckConstraint(
                condition=(Q(item__isnull=False) & Q(package__isnull=True))
                | (Q(item__isnull=True) & Q(package__isnull=False)),
                name="application_item_xor_package",
            ),
        ]
        indexes = [
            models.Index(fields=["applicant", "-created_at"], name="application_by_applicant"),
            models.Index(fields=["lead_department", "status"], name="application_by_lead"),
        ]

    def __str__(self):
        return self.number or str(_("Draft %(id)s") % {"id": str(self.uuid)[:8]})

    @property
    def subject_name(self) -> str:
        return (self.package or self.item).name

    def clock_recipients(self, clock):
        """Who is told when one of the application's clocks turns yellow or red: the window clerks for
        the completeness check, the clerks and the applicant for pledged materials, the lead
        coordinators for the promised limit."""
        from portal.models import User

        role = "lead_coordinator" if clock.purpose == "promised" else "window_clerk"
        staff = list(
            User.objects.filter(
                positions__unit_id=self.lead_department_id,
                positions__active=True,
                positions__roles__code=role,
            ).distinct()
        )
        return [*staff, self.applicant] if clock.purpose == "supplement" else staff

    @classmethod
    def clock_recipients_bulk(cls, clocks):
        """clock_recipients for many clocks of applications at once (two queries), for the batched
        sweep: {clock id: [users]}. The clocks carry their applications (clock.subject)."""
        from coordination.models import Position
        from portal.models import User

        def role(clock):
            return "lead_coordinator" if clock.purpose == "promised" else "window_clerk"

        clocks = [c for c in clocks if c.subject is not None]
        units = {c.subject.lead_department_id for c in clocks}
        pairs = set(
            Position.objects.filter(
                unit_id__in=units, active=True, roles__code__in={role(c) for c in clocks}
            ).values_list("unit_id", "roles__code", "user_id")
        )
        applicants = {c.subject.applicant_id for c in clocks if c.purpose == "supplement"}
        users = User.objects.in_bulk({user_id for _u, _r, user_id in pairs} | applicants)
        staff: dict = {}
        for unit_id, code, user_id in sorted(pairs):
            staff.setdefault((unit_id, code), []).append(users[user_id])
        found = {}
        for c in clocks:
            people = list(staff.get((c.subject.lead_department_id, role(c)), []))
            found[c.pk] = [*people, users[c.subject.applicant_id]] if c.purpose == "supplement" else people
        return found


class StatusChange(models.Model):
    """An application's status history: rows are only ever added."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=24, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application_id", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class DepartmentTask(models.Model):
    """One department's review of one item of an application, in parallel with the others."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("application")
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    department = models.ForeignKey(
        "coordination.OrgUnit",
        on_delete=models.PROTECT,
        related_name="review_tasks",
        verbose_name=_("department"),
    )
    mandatory = models.BooleanField(_("mandatory"), default=True)
    status = models.CharField(
        _("status"), max_length=24, choices=TaskStatus.choices, default=TaskStatus.PENDING
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    opinion = models.TextField(_("opinion"), blank=True)
    requested_extension_days = models.PositiveSmallIntegerField(
        _("extension requested (working days)"), null=True, blank=True
    )
    requested_extension_reason = models.TextField(_("reason for the extension"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # A copy of the review clock's fields that the inbox sorts and filters on, kept by
    # approvals.receivers (portal.clocks.signals.clock_saved) in the clock's own transaction, so
    # the inbox pages through an index instead of four subqueries per open task. Never set by hand.
    review_state = models.CharField(_("review clock state"), max_length=8, blank=True, editable=False)
    review_signal = models.CharField(_("review signal"), max_length=8, blank=True, editable=False)
    review_started = models.DateField(_("review started"), null=True, blank=True, editable=False)
    review_due = models.DateField(_("review due"), null=True, blank=True, editable=False)
    review_provisional = models.BooleanField(_("review due date provisional"), default=False, editable=False)

    class Meta:
        verbose_name = _("department task")
        verbose_name_plural = _("department tasks")
        constraints = [models.UniqueConstraint(fields=["application", "item"], name="task_one_per_item")]
        indexes = [
            models.Index(fields=["department", "status"], name="task_inbox"),
            # The inbox's default view: a department's open tasks by due date (undated last).
            models.Index(
                fields=["department", "review_due", "id"],
                condition=Q(status__in=OPEN_TASK_STATES),
                name="task_inbox_due",
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.item.name}"

    def clock_recipients(self, clock):
        """Deadline reminders go to the reviewer, or the department's reviewers while unclaimed."""
        if self.assignee_id:
            return [self.assignee]
        from django.contrib.auth import get_user_model

        return (
            get_user_model()
            .objects.filter(
                positions__unit_id=self.department_id,
                positions__active=True,
                positions__roles__code="reviewer",
            )
            .distinct()
        )

    @classmethod
    def clock_recipients_bulk(cls, clocks):
        """clock_recipients for many clocks of tasks at once (two queries), for the batched sweep:
        {clock id: [users]}. The clocks carry their tasks (clock.subject)."""
        from coordination.models import Position
        from portal.models import User

        clocks = [c for c in clocks if c.subject is not None]
        unclaimed = {c.subject.department_id for c in clocks if not c.subject.assignee_id}
        pairs = set(
            Position.objects.filter(unit_id__in=unclaimed, active=True, roles__code="reviewer").values_list(
                "unit_id", "user_id"
            )
            if unclaimed
            else []
        )
        assignees = {c.subject.assignee_id for c in clocks if c.subject.assignee_id}
        users = User.objects.in_bulk({user_id for _unit, user_id in pairs} | assignees)
        reviewers: dict = {}
        for unit_id, user_id in sorted(pairs):
            reviewers.setdefault(unit_id, []).append(users[user_id])
        return {
            c.pk: [users[c.subject.assignee_id]]
            if c.subject.assignee_id
            else list(reviewers.get(c.subject.department_id, []))
            for c in clocks
        }
