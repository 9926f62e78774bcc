"""Reads of electronic supervision, scoped in SQL to what the user may see (DESIGN.md §4.2).

The dashboard lists every open department task (its review clock) and every open application
(its promised clock) of the supervisor's government with its live signal, worst first. It costs
the same number of queries, and reads the same number of rows into Python, for 2 open cases as
for 200,000 (see WorstFirst): the clocks due for a signal check, the counts per stored signal,
the page's keys (sorted and limited in SQL), the page's clocks with their pause reason and open
notice, its tasks and its applications.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, CharField, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast
from django.http import Http404

from approvals.models import Application, DepartmentTask, Item
from approvals.workflow import TERMINAL_TASK_STATES, ApplicationStatus
from coordination.models import OrgUnit
from portal.clocks import services as clock_services
from portal.clocks.models import Clock, ClockEvent, ClockState, EventKind, Signal

from . import conf, permissions
from .live import SEVERITY, Live, live_signal
from .models import NoticeStatus, SupervisionNotice

A = ApplicationStatus
OPEN_APPLICATION_STATES = (A.ACCEPTED, A.IN_REVIEW, A.CONSOLIDATING, A.AWAITING_SUPPLEMENT)
SIGNALS = (Signal.RED, Signal.YELLOW, Signal.GREEN, Signal.PAUSED)


# -- scope ------------------------------------------------------------------------------------------


def scoped_tasks(paths) -> Q:
    return permissions.in_paths_q(paths, "department")


def scoped_applications(paths) -> Q:
    return permissions.in_paths_q(paths, "lead_department")


def government_names(paths) -> list[str]:
    return list(OrgUnit.objects.filter(path__in=paths).order_by("path").values_list("name", flat=True))


def departments_in_scope(*, user):
    paths = permissions.supervised_paths(user)
    return OrgUnit.objects.filter(permissions.in_paths_q(paths, "")) if paths else OrgUnit.objects.none()


# -- dashboard ---------------------------------------------------------------------------------------


@dataclass
class DashboardFilters:
    department: int | None = None
    item: int | None = None
    signal: str = ""
    page: int = 1

    @classmethod
    def from_query(cls, data) -> DashboardFilters:
        def number(name):
            try:
                value = int(data.get(name) or 0)
            except (TypeError, ValueError):
                return None
            return value if value > 0 else None

        signal = data.get("signal", "")
        return cls(
            department=number("department"),
            item=number("item"),
            signal=signal if signal in SIGNALS else "",
            page=number("page") or 1,
        )


@dataclass
class Row:
    kind: str  # "task" or "application"
    clock: Clock
    live: Live
    pause_reason: str
    notice_id: int | None
    notice_number: str | None
    notice_status: str | None = None
    task: DepartmentTask | None = None
    application: Application | None = None

    @property
    def department(self):
        return self.task.department if self.task else self.application.lead_department

    @property
    def item_name(self) -> str:
        return self.task.item.name if self.task else self.application.subject_name

    @property
    def can_issue(self) -> bool:
        return self.notice_id is None and self.live.signal in (Signal.RED, Signal.YELLOW)


@dataclass
class Dashboard:
    page: object
    counts: dict = field(default_factory=dict)
    total: int = 0
    today: datetime.date | None = None


def _last_pause_reason():
    return Subquery(
        ClockEvent.objects.filter(clock=OuterRef("pk"), kind=EventKind.PAUSE)
        .order_by("-id")
        .values("reason")[:1]
    )


def _open_notice(lookup: str, column: str, **extra):
    notices = SupervisionNotice.objects.filter(
        **{lookup: Cast(OuterRef("subject_id"), output_field=IntegerField())}, **extra
    ).exclude(status=NoticeStatus.CLOSED)
    return Subquery(notices.values(column)[:1])


def _open_clocks(paths: list[str] | None, filters: DashboardFilters | None = None):
    """The open review clocks of open department tasks and the promised clocks of open
    applications in the subtrees `paths` (None: everywhere), filtered by department and item."""
    filters = filters or DashboardFilters()
    tasks = DepartmentTask.objects.exclude(status__in=TERMINAL_TASK_STATES)
    applications = Application.objects.filter(status__in=OPEN_APPLICATION_STATES)
    if paths is not None:
        tasks = tasks.filter(scoped_tasks(paths))
        applications = applications.filter(scoped_applications(paths))
    if filters.department:
        tasks = tasks.filter(department_id=filters.department)
        applications = applications.filter(lead_department_id=filters.department)
    if filters.item:
        tasks = tasks.filter(item_id=filters.item)
        applications = applications.filter(Q(item_id=filters.item) | Q(tasks__item_id=filters.item))
    task_type = ContentType.objects.get_for_model(DepartmentTask)
    application_type = ContentType.objects.get_for_model(Application)
    as_text = Cast("pk", output_field=CharField())
    return Clock.objects.filter(
        Q(subject_type=task_type, purpose="review", subject_id__in=tasks.values(key=as_text))
        | Q(
            subject_type=application_type, purpose="promised", subject_id__in=applications.values(key=as_text)
        )
    ).exclude(state=ClockState.STOPPED)


def _with_notices(clocks):
    return clocks.annotate(
        pause_reason=_last_pause_reason(),
        task_notice_id=_open_notice("task_id", "pk"),
        task_notice_number=_open_notice("task_id", "number"),
        application_notice_id=_open_notice("application_id", "pk", task__isnull=True),
        application_notice_number=_open_notice("application_id", "number", task__isnull=True),
        task_notice_status=_open_notice("task_id", "status"),
        application_notice_status=_open_notice("application_id", "status", task__isnull=True),
    )


STORED_SEVERITY = Case(
    *[When(signal=signal, then=Value(rank)) for signal, rank in SEVERITY.items()],
    default=Value(len(SEVERITY)),
    output_field=IntegerField(),
)
LIVE_FIELDS = ("state", "due_date", "limit_days", "extension_days", "yellow_min_days", "yellow_ratio")


class WorstFirst:
    """The dashboard's clocks worst first — (severity, due date, id), which is the order of red
    by days overdue, yellow and green by days left — paged in SQL.

    A clock whose stored signal cannot have changed since it was computed (its next check lies
    after today) is sorted and counted by its stored signal in SQL; only the clocks due for the
    daily sweep's check (next_check_on <= today: none once the morning sweep has run) are read
    and given their live signal in Python, then merged in. So a page costs the same whether the
    scope holds 20 open cases or 200,000, and shows the same order and counts as if every live
    signal were computed."""

    def __init__(self, clocks, *, today: datetime.date, signal: str = ""):
        due_check = clocks.filter(next_check_on__lte=today).only("pk", *LIVE_FIELDS)
        self.stale = sorted(
            ((live_signal(c, today), c) for c in due_check),
            key=lambda pair: (pair[0].severity, pair[1].due_date, pair[1].pk),
        )
        self.fresh = clocks.exclude(next_check_on__lte=today)
        self.counts = dict.fromkeys(SIGNALS, 0)
        for row in self.fresh.order_by().values("signal").annotate(n=Count("pk")):
            if row["signal"] in self.counts:
                self.counts[row["signal"]] += row["n"]
        for live, _clock in self.stale:
            self.counts[live.signal] = self.counts.get(live.signal, 0) + 1
        if signal:
            self.fresh = self.fresh.filter(signal=signal)
            self.stale = [pair for pair in self.stale if pair[0].signal == signal]
        self.total = self.counts.get(signal, 0) if signal else sum(self.counts.values())

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("WorstFirst supports slices only")
        start, stop = index.start or 0, index.stop if index.stop is not None else self.total
        fresh = self.fresh.annotate(severity=STORED_SEVERITY).order_by("severity", "due_date", "pk")
        keys = heapq.merge(
            fresh.values_list("severity", "due_date", "pk")[:stop],
            ((live.severity, c.due_date, c.pk) for live, c in self.stale),
        )
        ids = [pk for _severity, _due, pk in itertools.islice(keys, start, stop)]
        loaded = {c.pk: c for c in _with_notices(Clock.objects.filter(pk__in=ids))} if ids else {}
        return [loaded[pk] for pk in ids if pk in loaded]


def dashboard(*, user, filters: DashboardFilters | None = None) -> Dashboard:
    """One page of the dashboard, worst first: red (most overdue first), yellow (fewest days
    left first), green, paused; with counts per signal (before the signal filter)."""
    filters = filters or DashboardFilters()
    today = clock_services.local_today()
    paths = permissions.supervised_paths(user)
    clocks = _open_clocks(paths, filters) if paths else None
    if clocks is None:
        page = Paginator([], conf.PAGE_SIZE).get_page(1)
        return Dashboard(page=page, counts=dict.fromkeys(SIGNALS, 0), total=0, today=today)
    rows = WorstFirst(clocks, today=today, signal=filters.signal)
    page = Paginator(rows, conf.PAGE_SIZE).get_page(filters.page)
    task_type_id = ContentType.objects.get_for_model(DepartmentTask).pk
    page.object_list = [
        _row(clock, today, is_task=clock.subject_type_id == task_type_id) for clock in page.object_list
    ]
    _attach_subjects(page.object_list)
    return Dashboard(page=page, counts=rows.counts, total=sum(rows.counts.values()), today=today)


def _row(clock: Clock, today: datetime.date, *, is_task: bool) -> Row:
    return Row(
        kind="task" if is_task else "application",
        clock=clock,
        live=live_signal(clock, today),
        pause_reason=clock.pause_reason or "",
        notice_id=clock.task_notice_id if is_task else clock.application_notice_id,
        notice_number=clock.task_notice_number if is_task else clock.application_notice_number,
        notice_status=clock.task_notice_status if is_task else clock.application_notice_status,
    )


def open_signal_counts(*, paths: list[str] | None) -> dict[str, int]:
    """Open cases per live signal, as the dashboard counts them (its `counts`): the review clocks of
    open department tasks and the promised clocks of open applications in the subtrees `paths`
    (None: everywhere). Stored signals counted in SQL, live ones only for clocks due a check."""
    return WorstFirst(_open_clocks(paths), today=clock_services.local_today()).counts


def _attach_subjects(rows) -> None:
    task_ids = [int(r.clock.subject_id) for r in rows if r.kind == "task"]
    application_ids = [int(r.clock.subject_id) for r in rows if r.kind == "application"]
    tasks = (
        {
            t.pk: t
            for t in DepartmentTask.objects.filter(pk__in=task_ids).select_related(
                "application", "application__item", "application__package", "item", "department", "assignee"
            )
        }
        if task_ids
        else {}
    )
    applications = (
        {
            a.pk: a
            for a in Application.objects.filter(pk__in=application_ids).select_related(
                "item", "package", "lead_department"
            )
        }
        if application_ids
        else {}
    )
    for row in rows:
        if row.kind == "task":
            row.task = tasks.get(int(row.clock.subject_id))
            row.application = row.task.application if row.task else None
        else:
            row.application = applications.get(int(row.clock.subject_id))


def filter_choices(*, user) -> dict:
    """Departments and items for the dashboard filters (2 queries)."""
    departments = list(
        departments_in_scope(user=user).filter(review_tasks__isnull=False).distinct().order_by("path")
    )
    items = list(Item.objects.filter(implementing_body__in=[d.pk for d in departments]).order_by("code"))
    return {"departments": departments, "items": items}


def subject_for_issue(*, user, application_uuid, task_id=None):
    """The application (and task) a supervisor wants to issue a notice about; 404 outside scope."""
    paths = permissions.supervised_paths(user)
    if not paths:
        raise Http404
    try:
        application = Application.objects.select_related("lead_department").get(uuid=application_uuid)
        task_id = int(task_id) if task_id else None
    except (Application.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    task = None
    if task_id:
        task = (
            DepartmentTask.objects.filter(scoped_tasks(paths), application=application, pk=task_id)
            .select_related("department", "item")
            .first()
        )
        if task is None:
            raise Http404
    elif not Application.objects.filter(scoped_applications(paths), pk=application.pk).exists():
        raise Http404
    return application, task


# -- notices -------------------------------------------------------------------------------------------


def _notices():
    return SupervisionNotice.objects.select_related(
        "application",
        "task",
        "task__item",
        "department",
        "issued_by",
        "responded_by",
        "application__item",
        "application__package",
    )


def visible_notices(user):
    """Supervisors: every notice to a department of their government; so do the heads of the
    supervisors' units, who are told of escalations. Departments: their own notices (reviewers and
    heads: task notices; lead coordinators and heads: application notices)."""
    if not (user and user.is_authenticated and user.is_active):
        return SupervisionNotice.objects.none()
    from approvals.selectors.work import unit_ids

    query = Q(task__isnull=False, department_id__in=unit_ids(user, "reviewer", "head")) | Q(
        task__isnull=True, department_id__in=unit_ids(user, "lead_coordinator", "head")
    )
    paths = permissions.supervised_paths(user) + permissions.overseen_paths(user)
    if paths:
        query |= permissions.in_paths_q(paths, "department")
    return _notices().filter(query)


def notice_list(*, user, status: str = "", page: int = 1):
    queryset = visible_notices(user)
    if status == "open":
        queryset = queryset.exclude(status=NoticeStatus.CLOSED)
    elif status in NoticeStatus.values:
        queryset = queryset.filter(status=status)
    return Paginator(queryset.order_by("-issued_on", "-id"), conf.PAGE_SIZE).get_page(page)


def notice_get(*, user, pk) -> SupervisionNotice:
    try:
        return visible_notices(user).get(pk=pk)
    except (SupervisionNotice.DoesNotExist, ValueError):
        raise Http404 from None


def case_notices(*, user, application) -> list[SupervisionNotice]:
    """The notices about one application for its official case page (the page itself checked
    that the user may open the case); newest first."""
    if not (user and user.is_authenticated):
        return []
    return list(_notices().filter(application=application).order_by("-issued_on", "-id"))


def case_task_clocks(application) -> list:
    """The application's department tasks with their review clocks and live signals (3 queries)."""
    today = clock_services.local_today()
    tasks = list(application.tasks.select_related("item", "department").order_by("pk"))
    clocks = {
        c.subject_id: c
        for c in Clock.objects.filter(
            subject_type=ContentType.objects.get_for_model(DepartmentTask),
            subject_id__in=[str(t.pk) for t in tasks],
            purpose="review",
        )
    }
    for task in tasks:
        task.review_clock = clocks.get(str(task.pk))
        task.live = live_signal(task.review_clock, today) if task.review_clock else None
    return tasks
