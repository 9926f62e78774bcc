"""Reads for officials' work pages: the clerk's intake queue, the reviewers' inbox, the heads'
extension requests and the lead department's consolidation list.

Every read takes the acting user and is scoped in SQL to the units where that user holds an
active position with the role the page is for (coordination.Position.roles). An object outside
that scope is not found (Http404), so its existence does not leak.

Clocks belong to their subjects through a generic relation (portal.clocks). Lists join them with
one correlated subquery per column (subject type + subject id + purpose, which the clock_subject
index and the clock_one_per_purpose constraint cover), so a page costs the same number of queries
for 10 rows as for 1,000.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.http import Http404

from approvals import permissions
from approvals.models import Application, DepartmentTask, StatusChange
from approvals.workflow import OPEN_TASK_STATES, ApplicationStatus, TaskStatus
from coordination.models import Position
from portal import pii
from portal.clocks import selectors as clock_selectors
from portal.clocks import services as clock_services
from portal.clocks.models import Clock, ClockState, Signal
from portal.workcal import days as workdays

A = ApplicationStatus
T = TaskStatus

CLERK, REVIEWER, HEAD, LEAD = "window_clerk", "reviewer", "head", "lead_coordinator"
WORK_ROLES = (CLERK, REVIEWER, HEAD, LEAD)

INTAKE_STATES = (A.SUBMITTED, A.CORRECTION_REQUESTED)
LEAD_STATES = (A.IN_REVIEW, A.CONSOLIDATING, A.AWAITING_SUPPLEMENT)
COMPLETENESS_PURPOSES = ("completeness", "completeness-2")

INBOX_PAGE_SIZE = 50
LEAD_PAGE_SIZE = 50


# -- scope ----------------------------------------------------------------------------------------------


def unit_ids(user, *roles: str) -> QuerySet:
    """The units where the user holds an active position with one of `roles`, as a subquery."""
    if not (user and user.is_authenticated and user.is_active):
        return Position.objects.none().values("unit_id")
    return Position.objects.filter(user=user, active=True, roles__code__in=roles).values("unit_id")


def work_roles(user) -> set[str]:
    """The work roles the user holds in any unit (one query)."""
    if not (user and user.is_authenticated and user.is_active):
        return set()
    return set(
        Position.objects.filter(user=user, active=True, roles__code__in=WORK_ROLES).values_list(
            "roles__code", flat=True
        )
    )


# -- clocks as columns ---------------------------------------------------------------------------------


def _clocks_of(model, purposes, outer="pk") -> QuerySet:
    return Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(model),
        subject_id=Cast(OuterRef(outer), output_field=CharField()),
        purpose__in=purposes,
    ).order_by("-id")


def _annotate_clock(queryset: QuerySet, model, purposes, prefix: str) -> QuerySet:
    clocks = _clocks_of(model, purposes)
    return queryset.annotate(
        **{
            f"{prefix}_signal": Subquery(clocks.values("signal")[:1]),
            f"{prefix}_due": Subquery(clocks.values("due_date")[:1]),
            f"{prefix}_state": Subquery(clocks.values("state")[:1]),
            f"{prefix}_started": Subquery(clocks.values("started_on")[:1]),
            f"{prefix}_provisional": Subquery(clocks.values("due_provisional")[:1]),
        }
    )


def days_left(due: datetime.date | None, state: str | None, today: datetime.date | None = None) -> int | None:
    """Working days from today to the due date (negative when overdue); None when not running.

    The calendar is cached in process, so this costs no query per row.
    """
    if due is None or state != ClockState.RUNNING:
        return None
    today = today or clock_services.local_today()
    if due >= today:
        return workdays.working_days_after(today, due)
    return -workdays.working_days_after(due, today)


def _with_days_left(rows, prefix: str) -> list:
    today = clock_services.local_today()
    rows = list(rows)
    for row in rows:
        left = days_left(getattr(row, f"{prefix}_due"), getattr(row, f"{prefix}_state"), today)
        setattr(row, f"{prefix}_days_left", left if left is None or left >= 0 else None)
        setattr(row, f"{prefix}_overdue", -left if left is not None and left < 0 else None)
    return rows


# -- window clerk ------------------------------------------------------------------------------------


def intake_queue(*, user) -> list[Application]:
    """Submitted (and correction-requested) applications of the clerk's units, oldest first,
    each with the completeness clock as `completeness_signal/_due/_state/_days_left`."""
    queryset = (
        Application.objects.filter(lead_department_id__in=unit_ids(user, CLERK), status__in=INTAKE_STATES)
        .select_related("item", "package", "applicant", "lead_department")
        .order_by("received_on", "id")
    )
    queryset = _annotate_clock(queryset, Application, COMPLETENESS_PURPOSES, "completeness")
    return _with_days_left(queryset, "completeness")


# -- reviewers -------------------------------------------------------------------------------------


@dataclass
class InboxFilters:
    status: str = ""  # "" = every open task; "all"; or one TaskStatus value
    signal: str = ""  # "" or one Signal value
    sort: str = "due"  # "due" or "-due"
    page: int = 1

    @classmethod
    def from_query(cls, data) -> InboxFilters:
        status = data.get("status", "")
        signal = data.get("signal", "")
        sort = data.get("sort", "due")
        try:
            page = max(1, int(data.get("page", 1)))
        except (TypeError, ValueError):
            page = 1
        return cls(
            status=status if status in (*T.values, "all") else "",
            signal=signal if signal in Signal.values else "",
            sort=sort if sort in ("due", "-due") else "due",
            page=page,
        )


def inbox(*, user, filters: InboxFilters | None = None) -> QuerySet:
    """The department tasks of the user's reviewer units with their review clocks.

    Filter by status (default: open tasks) and signal, sorted by due date (undated last)."""
    filters = filters or InboxFilters()
    # The units as a list, not a subquery: with the department known, the planner walks the
    # partial index task_inbox_due in due-date order and stops after one page.
    units = sorted(set(unit_ids(user, REVIEWER).values_list("unit_id", flat=True)))
    queryset = DepartmentTask.objects.filter(department_id__in=units).select_related(
        "application", "application__package", "application__item", "item", "department", "assignee"
    )
    if filters.status == "":
        queryset = queryset.filter(status__in=OPEN_TASK_STATES)
    elif filters.status != "all":
        queryset = queryset.filter(status=filters.status)
    if filters.signal:
        queryset = queryset.filter(review_signal=filters.signal)
    due = F("review_due")
    order = due.asc(nulls_last=True) if filters.sort == "due" else due.desc(nulls_last=True)
    return queryset.order_by(order, "pk")


def inbox_page(*, user, filters: InboxFilters):
    """One page of the inbox: a count query and a page query, with days left on each row."""
    from django.core.paginator import Paginator

    paginator = Paginator(inbox(user=user, filters=filters), INBOX_PAGE_SIZE)
    page = paginator.get_page(filters.page)
    page.object_list = _with_days_left(page.object_list, "review")
    return page


# -- heads of department ---------------------------------------------------------------------------


def extension_queue(*, user) -> list[DepartmentTask]:
    """Tasks waiting for an extension decision in units where the user is head."""
    queryset = (
        DepartmentTask.objects.filter(department_id__in=unit_ids(user, HEAD), status=T.EXTENSION_PENDING)
        .select_related("application", "item", "department", "assignee")
        .order_by("pk")
    )
    rows = _with_days_left(queryset, "review")
    for task in rows:  # the template's names for the request
        task.requested_days, task.requested_reason = (
            task.requested_extension_days,
            task.requested_extension_reason,
        )
    return rows


# -- lead department -----------------------------------------------------------------------------------


def lead_queue(*, user, page=1):
    """One page of the applications led by the user's lead-coordinator units that are in review
    or being decided, most urgent first, each with its promised clock (`promised_signal/_due/
    _state/_days_left/_overdue`, read from the application's own copy of that clock: an index
    column, not a subquery per row) and its task counts. A page, not the list: a city's lead
    department carries about a thousand open applications."""
    from django.core.paginator import Paginator

    queryset = (
        Application.objects.filter(lead_department_id__in=unit_ids(user, LEAD), status__in=LEAD_STATES)
        .select_related("item", "package", "applicant", "lead_department")
        .annotate(
            promised_signal=F("promise_signal"),
            promised_due=F("promise_due"),
            promised_state=F("promise_state"),
            task_count=Count("tasks", distinct=True),
            open_task_count=Count("tasks", filter=Q(tasks__status__in=OPEN_TASK_STATES), distinct=True),
        )
        .order_by(F("promise_due").asc(nulls_last=True), "pk")
    )
    page = Paginator(queryset, LEAD_PAGE_SIZE).get_page(page)
    page.object_list = _with_days_left(page.object_list, "promised")
    for row in page.object_list:
        row.done_count = row.task_count - row.open_task_count
    return page


# -- landing ----------------------------------------------------------------------------------------------


@dataclass
class WorkCounts:
    roles: set[str] = field(default_factory=set)
    intake: int | None = None
    inbox: int | None = None
    unclaimed: int | None = None
    extensions: int | None = None
    lead: int | None = None
    consolidating: int | None = None


def work_counts(*, user) -> WorkCounts:
    """What waits for the user in each queue they have a role for (one query per count)."""
    roles = work_roles(user)
    counts = WorkCounts(roles=roles)
    if CLERK in roles:
        counts.intake = Application.objects.filter(
            lead_department_id__in=unit_ids(user, CLERK), status__in=INTAKE_STATES
        ).count()
    if REVIEWER in roles:
        tasks = DepartmentTask.objects.filter(
            department_id__in=unit_ids(user, REVIEWER), status__in=OPEN_TASK_STATES
        )
        counts.inbox = tasks.count()
        counts.unclaimed = tasks.filter(status=T.PENDING).count()
    if HEAD in roles:
        counts.extensions = DepartmentTask.objects.filter(
            department_id__in=unit_ids(user, HEAD), status=T.EXTENSION_PENDING
        ).count()
    if LEAD in roles:
        led = Application.objects.filter(lead_department_id__in=unit_ids(user, LEAD))
        counts.lead = led.filter(status__in=LEAD_STATES).count()
        counts.consolidating = led.filter(status=A.CONSOLIDATING).count()
    return counts


# -- one application, one task ------------------------------------------------------------------------


def _visible_applications(user) -> QuerySet:
    """Applications an official may open: led by a unit where they are clerk or lead coordinator,
    or with a task in a unit where they are reviewer or head."""
    reviewing = DepartmentTask.objects.filter(
        application=OuterRef("pk"), department_id__in=unit_ids(user, REVIEWER, HEAD)
    )
    visible = Q(lead_department_id__in=unit_ids(user, CLERK, LEAD)) | Q(Exists(reviewing))
    supervised = permissions.supervised_paths(user)
    if supervised:  # electronic supervision: every application of the supervisor's government
        supervised_tasks = DepartmentTask.objects.filter(
            permissions.in_paths_q(supervised, "department"), application=OuterRef("pk")
        )
        visible |= permissions.in_paths_q(supervised, "lead_department") | Q(Exists(supervised_tasks))
    return Application.objects.filter(visible).exclude(status=A.DRAFT)


def _visible_tasks(user) -> QuerySet:
    """Tasks an official may open: of a unit where they are reviewer or head, or of an application
    led by a unit where they are lead coordinator."""
    return DepartmentTask.objects.filter(
        Q(department_id__in=unit_ids(user, REVIEWER, HEAD))
        | Q(application__lead_department_id__in=unit_ids(user, LEAD))
    )


def work_application(*, user, uuid) -> Application:
    try:
        return (
            _visible_applications(user)
            .select_related("item", "package", "applicant", "lead_department")
            .get(uuid=uuid)
        )
    except Application.DoesNotExist:
        raise Http404 from None


def work_task(*, user, pk) -> DepartmentTask:
    try:
        return (
            _visible_tasks(user)
            .select_related(
                "application",
                "application__item",
                "application__package",
                "application__applicant",
                "application__lead_department",
                "item",
                "department",
                "assignee",
            )
            .get(pk=pk)
        )
    except (DepartmentTask.DoesNotExist, ValueError):
        raise Http404 from None


@dataclass
class FormRow:
    key: str
    label: str
    value: object

    @property
    def pii_kind(self) -> str | None:
        """PiiKind when the answer is an ID number or a phone number (shown masked, revealed on
        request and audited: work:form-value)."""
        return pii.form_value_kind(self.value) if isinstance(self.value, str) else None

    @property
    def masked(self) -> str:
        return pii.mask(self.pii_kind, self.value) if self.pii_kind else str(self.value)


def form_value(*, user, uuid, key: str) -> tuple[Application, FormRow]:
    """One personal-data answer of an application the user works on; 404 otherwise."""
    application = work_application(user=user, uuid=uuid)
    row = next((r for r in form_rows(application) if r.key == key), None)
    if row is None or not row.pii_kind:
        raise Http404
    return application, row


def form_rows(application: Application) -> list[FormRow]:
    """The application's form data with the catalogue's labels, in the form's order; keys the
    catalogue no longer knows are shown after, under their key."""
    from approvals.catalogue import application_requirements

    fields = [(f.key, f.label) for f in application_requirements(application).fields]
    data = dict(application.form_data or {})
    rows = [FormRow(key, label, data.pop(key, "")) for key, label in fields]
    rows += [FormRow(key, key, value) for key, value in data.items()]
    return rows


def required_materials(application: Application) -> list:
    """The catalogue's materials for this application (merged for a package)."""
    from approvals.catalogue import merged_materials

    if application.package_id:
        return merged_materials(application.package)
    return list(application.item.materials.all())


def submitted_materials(application: Application) -> list | None:
    """The files the applicant handed in, when the materials model exists (None otherwise)."""
    if not hasattr(Application, "materials"):
        return None
    materials = application.materials.all()
    if any(f.name == "material" for f in materials.model._meta.get_fields()):
        materials = materials.select_related("material")
    return list(materials)


def status_history(application: Application) -> list[StatusChange]:
    return list(application.status_changes.select_related("actor", "on_behalf_of").order_by("id"))


def application_tasks(application: Application, *, user, all_tasks: bool) -> list[DepartmentTask]:
    """The application's tasks with their review clocks (ledgers prefetched): all of them for
    the lead department's clerks and coordinators (`all_tasks`, decided by the caller with
    approvals.permissions), otherwise only those of the user's reviewer/head units."""
    queryset = application.tasks.select_related("item", "department", "assignee").order_by("pk")
    if not all_tasks:
        queryset = queryset.filter(department_id__in=unit_ids(user, REVIEWER, HEAD))
    tasks = list(queryset)
    tasks = _with_days_left(tasks, "review")
    task_type = ContentType.objects.get_for_model(DepartmentTask)
    clocks = {
        c.subject_id: c
        for c in clock_selectors._with_ledgers(
            Clock.objects.filter(
                subject_type=task_type, subject_id__in=[str(t.pk) for t in tasks], purpose="review"
            )
        )
    }
    for task in tasks:
        task.review_clock = clocks.get(str(task.pk))
    return tasks


def task_clock(task: DepartmentTask) -> Clock | None:
    for clock in clock_selectors.clocks_for(subject=task):
        if clock.purpose == "review":
            return clock
    return None


def application_clocks(application: Application) -> list[Clock]:
    return clock_selectors.clocks_for(subject=application)


__all__ = [
    "InboxFilters",
    "WorkCounts",
    "application_clocks",
    "application_tasks",
    "days_left",
    "extension_queue",
    "form_rows",
    "inbox",
    "inbox_page",
    "intake_queue",
    "lead_queue",
    "required_materials",
    "status_history",
    "submitted_materials",
    "task_clock",
    "work_application",
    "work_counts",
    "work_roles",
    "work_task",
]
