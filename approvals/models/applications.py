"""Applications and the department tasks that review them in parallel (DOMAIN.md §3).

Applicants reach their applications by UUID (or by number + query code on the public tracking
page), never by the sequential id. Statuses are moved only by approvals.services, checked against
approvals.workflow, and every move is appended to `StatusChange`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from approvals.workflow import OPEN_TASK_STATES, ApplicationStatus, TaskStatus
from portal.pii import PersonalDataJSONField

from .catalogue import Item, Package

# Worst first on the supervision dashboard: red, yellow, green, paused (then done, then anything
# else). approvals.supervision.live.SEVERITY is this table; the dashboard's indexes below order by
# signal_rank(<signal column>) and its queries use the very same expression, so PostgreSQL matches
# them.
SIGNAL_RANK = {"red": 0, "yellow": 1, "green": 2, "paused": 3, "done": 4}
# A clock the dashboard lists: running or paused (a stopped clock is finished).
WATCHED_CLOCK_STATES = ("running", "paused")
# Open applications whose promised clock the supervision dashboard lists.
WATCHED_APPLICATION_STATES = (
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.CONSOLIDATING,
    ApplicationStatus.AWAITING_SUPPLEMENT,
)


def signal_rank(field: str):
    """The severity of a stored signal column as an SQL expression (SIGNAL_RANK, else 5)."""
    return Case(
        *[When(**{field: signal}, then=Value(rank)) for signal, rank in SIGNAL_RANK.items()],
        default=Value(len(SIGNAL_RANK)),
        output_field=IntegerField(),
    )


def watch_indexes(*, prefix: str, unit: str, open_states, name: str) -> list[models.Index]:
    """The supervision dashboard's two partial indexes on a subject's copy of its clock, worst
    first (severity, due date, id), over open subjects whose clock runs or is paused: one for
    the whole city (the unit included, checked on the index entry) and one per unit."""
    signal, due = f"{prefix}_signal", f"{prefix}_due"
    condition = Q(status__in=open_states, **{f"{prefix}_state__in": WATCHED_CLOCK_STATES})
    return [
        models.Index(
            signal_rank(signal), due, "id", include=[unit, signal], condition=condition, name=f"{name}_watch"
        ),
        models.Index(
            unit,
            signal_rank(signal),
            due,
            "id",
            include=[signal],
            condition=condition,
            name=f"{name}_watch_dept",
        ),
    ]


class KeepsClockCopy(models.Model):
    """A model holding a copy of one of its clocks (CLOCK_COPY: its field names), written only by
    approvals.receivers with UPDATE. A full save() of an instance read before the clock moved in
    the same transaction (e.g. a status change after the clock started) would write the old copy
    back, so a save of an existing row without update_fields leaves the copy out."""

    CLOCK_COPY: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        existing = not self._state.adding and self.pk is not None and not kwargs.get("force_insert")
        if existing and kwargs.get("update_fields") is None:
            kept = set(self.CLOCK_COPY)
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in kept
            ]
        super().save(*args, **kwargs)


class AcceptanceMode(models.TextChoices):
    NORMAL = "normal", _("Normal")
    PLEDGE = "pledge", _("Partial acceptance on pledge (容缺)")
    COMMITMENT = "commitment", _("Pledge-based approval (告知承诺)")


class Application(KeepsClockCopy):
    CLOCK_COPY = (
        "promise_state",
        "promise_signal",
        "promise_started",
        "promise_due",
        "promise_provisional",
    )

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

    # A copy of the promised clock's fields (the limit promised to the applicant), kept by
    # approvals.receivers (portal.clocks.signals.clock_saved) in the clock's own transaction, as
    # DepartmentTask.review_* are, so the supervision dashboard pages through an index instead of
    # the clocks of its scope and the lead department's queue reads them as columns. Never set by
    # hand. (Named promise_*: the templates' promised_* names are the queue's annotations.)
    promise_state = models.CharField(_("promised clock state"), max_length=8, blank=True, editable=False)
    promise_signal = models.CharField(_("promised signal"), max_length=8, blank=True, editable=False)
    promise_started = models.DateField(_("promised clock started"), null=True, blank=True, editable=False)
    promise_due = models.DateField(_("promised due"), null=True, blank=True, editable=False)
    promise_provisional = models.BooleanField(
        _("promised due date provisional"), default=False, editable=False
    )

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
            # The supervision dashboard, worst first: the whole city (an ordered index-only scan
            # that stops after a page, the department checked on the index entry; the signal is
            # included because PostgreSQL recomputes the severity from it) and one
            # department or a district (its rows, then a top-N sort); the signal is included so
            # the counts per signal are an index-only scan. Migration 0009 also creates statistics
            # on (status, promise_state): without them PostgreSQL multiplies the two predicates'
            # selectivities, guesses a sixth of the rows, and sorts the whole scope for deep pages.
            *watch_indexes(
                prefix="promise",
                unit="lead_department",
                open_states=WATCHED_APPLICATION_STATES,
                name="application",
            ),
        ]

    def __str__(self):
        return self.number or str(_("Draft %(id)s") % {"id": str(self.uuid)[:8]})

    def get_absolute_url(self) -> str:
        """The officials' case page (the applicant's own page is apply:detail, see clock_url)."""
        return reverse("work:application", args=[self.uuid])

    @property
    def subject_name(self) -> str:
        return (self.package or self.item).name

    def clock_url(self, clock, user) -> str:
        """Where a deadline message about `clock` sends `user`: the applicant to their own page."""
        if user.pk == self.applicant_id:
            return reverse("apply:detail", args=[self.uuid])
        return self.get_absolute_url()

    def clock_recipients(self, clock):
        """Who is told when one of the application's clocks turns yellow or red: the window clerks for
        the completeness check, the clerks and the applicant for pledged materials, the lead
        coordinators for the promised limit."""
        return self._clock_people([(clock, self)])[clock.pk]

    @classmethod
    def clock_recipients_bulk(cls, clocks):
        """clock_recipients for many clocks of applications at once (two queries), for the batched
        sweep: {clock id: [users]}. The clocks carry their applications (clock.subject)."""
        return cls._clock_people([(c, c.subject) for c in clocks if c.subject is not None])

    @staticmethod
    def _clock_people(pairs) -> dict:
        from coordination.models import Position
        from portal.models import User

        def role(clock):
            return "lead_coordinator" if clock.purpose == "promised" else "window_clerk"

        units = {app.lead_department_id for _c, app in pairs}
        found = {c.pk: [] for c, _app in pairs}
        if not pairs:
            return found
        positions = set(
            Position.objects.filter(
                unit_id__in=units, active=True, roles__code__in={role(c) for c, _app in pairs}
            ).values_list("unit_id", "roles__code", "user_id")
        )
        applicants = {app.applicant_id for c, app in pairs if c.purpose == "supplement"}
        users = User.objects.in_bulk({user_id for _u, _r, user_id in positions} | applicants)
        staff: dict = {}
        for unit_id, code, user_id in sorted(positions):
            staff.setdefault((unit_id, code), []).append(users[user_id])
        for c, app in pairs:
            people = list(staff.get((app.lead_department_id, role(c)), []))
            found[c.pk] = [*people, users[app.applicant_id]] if c.purpose == "supplement" else people
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


class DepartmentTask(KeepsClockCopy):
    """One department's review of one item of an application, in parallel with the others."""

    CLOCK_COPY = ("review_state", "review_signal", "review_started", "review_due", "review_provisional")

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
            # The supervision dashboard (see Application's indexes).
            *watch_indexes(prefix="review", unit="department", open_states=OPEN_TASK_STATES, name="task"),
        ]

    def __str__(self):
        return f"{self.application} · {self.item.name}"

    def get_absolute_url(self) -> str:
        return reverse("work:task", args=[self.pk])

    def clock_recipients(self, clock):
        """Deadline reminders go to the reviewer, or the department's reviewers while unclaimed."""
        return self._clock_people([(clock, self)])[clock.pk]

    @classmethod
    def clock_recipients_bulk(cls, clocks):
        """clock_recipients for many clocks of tasks at once (two queries), for the batched sweep:
        {clock id: [users]}. The clocks carry their tasks (clock.subject)."""
        return cls._clock_people([(c, c.subject) for c in clocks if c.subject is not None])

    @staticmethod
    def _clock_people(pairs) -> dict:
        from coordination.models import Position
        from portal.models import User

        unclaimed = {task.department_id for _c, task in pairs if not task.assignee_id}
        positions = set(
            Position.objects.filter(unit_id__in=unclaimed, active=True, roles__code="reviewer").values_list(
                "unit_id", "user_id"
            )
            if unclaimed
            else []
        )
        assignees = {task.assignee_id for _c, task in pairs if task.assignee_id}
        users = (
            User.objects.in_bulk({user_id for _unit, user_id in positions} | assignees)
            if (positions or assignees)
            else {}
        )
        reviewers: dict = {}
        for unit_id, user_id in sorted(positions):
            reviewers.setdefault(unit_id, []).append(users[user_id])
        return {
            c.pk: [users[task.assignee_id]]
            if task.assignee_id
            else list(reviewers.get(task.department_id, []))
            for c, task in pairs
        }
