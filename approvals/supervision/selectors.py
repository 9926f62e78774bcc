"""Reads of electronic supervision, scoped in SQL to what the user may see (DESIGN.md §4.2).

The dashboard lists every open department task (its review clock) and every open application
(its promised clock) of the supervisor's government with its live signal, worst first. It costs
the same number of queries for 2 open cases as for 200,000, and its page reads about a page of
index entries (see WorstFirst): the supervisor's departments (a list of ids), the clocks due for a
signal check today, the counts per stored signal, the page's keys from each kind of subject, the
page's clocks with their pause reason and open notice, its tasks and its applications.

Why it reads the subjects and not the clocks: a clock names its subject generically (content type
and a text `subject_id`), so scoping clocks to a government meant a subquery on tasks and
applications cast to text, which PostgreSQL can only hash-join over every open clock of the
scope (about 190 ms at city scope for 32,000 open clocks, linear in them). Each task and each
application keeps a copy of the one clock the dashboard watches (DepartmentTask.review_*,
Application.promise_*, kept by approvals.receivers in the clock's transaction), so the scope is
a plain department id on an indexed row and the order (severity of the stored signal, due date,
id) is an index: `task_watch` / `application_watch` for the whole city, `task_watch_dept` /
`application_watch_dept` for a department or a district, which also carry the signal so the
counts are index-only scans. The alternative, a copy of the department's path on the clock, would
have to follow every move in the org chart; the department id does not.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast
from django.http import Http404

from approvals.models import Application, DepartmentTask, Item
from approvals.models.applications import WATCHED_APPLICATION_STATES, WATCHED_CLOCK_STATES, signal_rank
from approvals.workflow import OPEN_TASK_STATES
from coordination.models import OrgUnit
from portal.clocks import services as clock_services
from portal.clocks.models import Clock, ClockEvent, ClockState, EventKind, Signal

from . import conf, permissions
from .live import SEVERITY, Live, live_signal
from .models import NoticeStatus, SupervisionNotice

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


LIVE_FIELDS = ("state", "due_date", "limit_days", "extension_days", "yellow_min_days", "yellow_ratio")
TASK, APPLICATION = "task", "application"
KIND_RANK = {TASK: 0, APPLICATION: 1}  # ties of severity and due date: tasks first, then by id


@dataclass(frozen=True)
class Stream:
    """One kind of supervised subject and its copy of the clock the dashboard watches."""

    kind: str
    model: type
    purpose: str
    signal: str  # the copied signal column
    due: str  # the copied due date column

    @property
    def rank(self):
        return signal_rank(self.signal)


STREAMS = (
    Stream(TASK, DepartmentTask, "review", "review_signal", "review_due"),
    Stream(APPLICATION, Application, "promised", "promise_signal", "promise_due"),
)


@dataclass
class DueCheck:
    """The fields live_signal reads of a clock due for a signal check (LIVE_FIELDS)."""

    state: str
    due_date: datetime.date
    limit_days: int
    extension_days: int
    yellow_min_days: int | None
    yellow_ratio: object
    subject_pk: int | None = None
    stored_signal: str = ""
    live: Live | None = None


def department_ids(paths: list[str] | None, *, as_list: bool = True):
    """The units in the subtrees `paths` (None: everywhere): a list the planner can use to read a
    page in index order (one query), or a subquery when only counting (no query of its own)."""
    if paths is None:
        return None
    units = OrgUnit.objects.filter(permissions.in_paths_q(paths, "")).values("pk")
    return [row["pk"] for row in units] if as_list else units


def _watched(stream: Stream, units: list[int] | None, filters: DashboardFilters):
    """The subjects of one stream the dashboard lists: open, with a running or paused clock, in
    the units `units` (None: everywhere), filtered by department and item. The predicates are
    those of the partial indexes task_watch(_dept) and application_watch(_dept)."""
    if stream.kind == TASK:
        rows = DepartmentTask.objects.filter(
            status__in=OPEN_TASK_STATES, review_state__in=WATCHED_CLOCK_STATES
        )
        department = "department_id"
    else:
        rows = Application.objects.filter(
            status__in=WATCHED_APPLICATION_STATES, promise_state__in=WATCHED_CLOCK_STATES
        )
        department = "lead_department_id"
    if units is not None:
        rows = rows.filter(**{f"{department}__in": units})
    if filters.department:
        rows = rows.filter(**{department: filters.department})
    if filters.item:
        if stream.kind == TASK:
            rows = rows.filter(item_id=filters.item)
        else:
            rows = rows.filter(
                Q(item_id=filters.item)
                | Q(pk__in=DepartmentTask.objects.filter(item_id=filters.item).values("application_id"))
            )
    return rows


class WorstFirst:
    """The dashboard's cases worst first — (severity, due date), which is the order of red by days
    overdue, yellow and green by days left; ties by kind (tasks first) and id — paged in SQL from
    indexes.

    The cases are read from the subjects, not from the clocks: each department task keeps a copy of
    its review clock (DepartmentTask.review_*) and each application of its promised clock
    (Application.promise_*), written in the clock's transaction by approvals.receivers. Two
    streams, one per kind, are each read in index order — partial indexes on (severity of the
    stored signal, due date, id) for the whole city and (department, severity, due date, id) for
    one department or a district, restricted to open subjects with a running or paused clock —
    and merged in Python; the page's clocks are then read by their unique (subject, purpose) key.
    The scope is a list of department ids (one query on the org chart), so neither the page nor
    the counts meet the clocks' generic text `subject_id`.

    A stored signal that cannot have changed since it was computed (its clock's next check lies
    after today) is sorted and counted as stored. Only the clocks due for the daily sweep's check
    (next_check_on <= today: none once the morning sweep has run) are read from the clock table
    (a partial index), given their live signal in Python and merged in: the fresh streams exclude
    them, and the counts (an index-only scan per kind grouping the stored signals) give back their
    stored signal and take their live one. So a page costs the same number of queries whether the
    scope holds 20 open cases or 200,000, reads about a page of index entries per stream, and
    shows the same order and counts as if every live signal were computed."""

    def __init__(self, units: list[int] | None, filters: DashboardFilters | None = None, *, today):
        filters = filters or DashboardFilters()
        self.signal = filters.signal
        self.watched = {stream.kind: _watched(stream, units, filters) for stream in STREAMS}
        self.stale = self._stale(today)  # [(key, kind, clock)] sorted, live signal in key[0]
        stale_ids = {stream.kind: [] for stream in STREAMS}
        for _key, kind, clock in self.stale:
            stale_ids[kind].append(clock.subject_pk)
        self.counts = dict.fromkeys(SIGNALS, 0)
        # One query: an index-only scan per kind (task_watch_dept, application_watch_dept).
        per_kind = [
            self.watched[stream.kind].order_by().values(stored=F(stream.signal)).annotate(n=Count("pk"))
            for stream in STREAMS
        ]
        for stored, n in per_kind[0].union(*per_kind[1:], all=True).values_list("stored", "n"):
            if stored in self.counts:
                self.counts[stored] += n
        for _key, _kind, clock in self.stale:
            if clock.stored_signal in self.counts:
                self.counts[clock.stored_signal] -= 1
            self.counts[clock.live.signal] = self.counts.get(clock.live.signal, 0) + 1
        self.fresh = {kind: watched.exclude(pk__in=stale_ids[kind]) for kind, watched in self.watched.items()}
        if self.signal:
            self.stale = [entry for entry in self.stale if entry[2].live.signal == self.signal]
        self.total = self.counts.get(self.signal, 0) if self.signal else sum(self.counts.values())

    def _stale(self, today):
        """The clocks in scope due for a signal check, with their live signal (2-3 queries; rows
        read as tuples, not model instances: before the morning sweep they may be thousands)."""
        types = {ContentType.objects.get_for_model(s.model).pk: s for s in STREAMS}
        due_check = (
            Clock.objects.filter(
                next_check_on__lte=today,
                subject_type_id__in=list(types),
                purpose__in=[s.purpose for s in STREAMS],
            )
            .exclude(state=ClockState.STOPPED)
            .values_list("subject_type_id", "subject_id", "purpose", *LIVE_FIELDS)
        )
        by_kind = {}
        for type_id, subject_id, purpose, *live_fields in due_check:
            stream = types[type_id]
            if purpose == stream.purpose:
                by_kind.setdefault(stream.kind, {})[int(subject_id)] = DueCheck(*live_fields)
        # Only the subjects in scope and filters count, with the signal they are counted by (one
        # query for both kinds).
        in_scope = [
            self.watched[stream.kind]
            .filter(pk__in=list(by_kind[stream.kind]))
            .order_by()
            .values_list(Value(KIND_RANK[stream.kind]), "pk", stream.signal)
            for stream in STREAMS
            if by_kind.get(stream.kind)
        ]
        kinds = {KIND_RANK[s.kind]: s.kind for s in STREAMS}
        stale = []
        rows = in_scope[0].union(*in_scope[1:], all=True) if in_scope else []
        for rank, pk, stored in rows:
            clock = by_kind[kinds[rank]][pk]
            clock.subject_pk, clock.stored_signal = pk, stored
            clock.live = live_signal(clock, today)
            stale.append(((clock.live.severity, clock.due_date, rank, pk), kinds[rank], clock))
        stale.sort(key=lambda entry: entry[0])
        return stale

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def _fresh_keys(self, stream: Stream, stop: int):
        rows = self.fresh[stream.kind].annotate(severity=stream.rank)
        if self.signal:
            # The severity itself (not the signal column) narrows the ordered index scan.
            rows = rows.filter(severity=SEVERITY[self.signal])
        rows = rows.order_by("severity", stream.due, "pk").values_list("severity", stream.due, "pk")[:stop]
        rank = KIND_RANK[stream.kind]
        return [(severity, due, rank, pk) for severity, due, pk in rows]

    def __getitem__(self, index):
        """The page's (kind, clock) pairs; each clock annotated with its pause reason and open notice."""
        if not isinstance(index, slice):
            raise TypeError("WorstFirst supports slices only")
        start, stop = index.start or 0, index.stop if index.stop is not None else self.total
        if stop <= start:
            return []
        keys = heapq.merge(
            *(self._fresh_keys(stream, stop) for stream in STREAMS),
            (key for key, _kind, _clock in self.stale),
        )
        page = [(rank, pk) for _severity, _due, rank, pk in itertools.islice(keys, start, stop)]
        if not page:
            return []
        kinds = {KIND_RANK[s.kind]: s for s in STREAMS}
        wanted = Q(pk__in=[])
        for rank, stream in kinds.items():
            ids = [str(pk) for r, pk in page if r == rank]
            if ids:
                subject_type = ContentType.objects.get_for_model(stream.model)
                wanted |= Q(subject_type=subject_type, purpose=stream.purpose, subject_id__in=ids)
        loaded = {(c.subject_type_id, c.subject_id): c for c in _with_notices(Clock.objects.filter(wanted))}
        result = []
        for rank, pk in page:
            stream = kinds[rank]
            clock = loaded.get((ContentType.objects.get_for_model(stream.model).pk, str(pk)))
            if clock is not None:
                result.append((stream.kind, clock))
        return result


def dashboard(*, user, filters: DashboardFilters | None = None) -> Dashboard:
    """One page of the dashboard, worst first: red (most overdue first), yellow (fewest days
    left first), green, paused; with counts per signal (before the signal filter)."""
    filters = filters or DashboardFilters()
    today = clock_services.local_today()
    paths = permissions.supervised_paths(user)
    if not paths:
        page = Paginator([], conf.PAGE_SIZE).get_page(1)
        return Dashboard(page=page, counts=dict.fromkeys(SIGNALS, 0), total=0, today=today)
    rows = WorstFirst(department_ids(paths), filters, today=today)
    page = Paginator(rows, conf.PAGE_SIZE).get_page(filters.page)
    page.object_list = [_row(clock, today, is_task=kind == TASK) for kind, clock in page.object_list]
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
    (None: everywhere). Stored signals counted from the subjects' copies (index-only scans), live
    ones only for clocks due a check."""
    return WorstFirst(department_ids(paths, as_list=False), today=clock_services.local_today()).counts


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
