"""Monthly statistics of electronic supervision (DOMAIN.md §3), from the clock ledger.

A case counts in the month its clock stopped (the STOP event's date): department tasks by their
review clock, applications by their promised clock. Cancelled tasks and withdrawn or terminated
applications are left out: their clocks stopped without a decision. For each group:

- count              number of cases
- on_time            cases that finished on or before their due date (`finished_late` false)
- on_time_rate       on_time / count
- overdue            cases that finished after their due date
- avg_used           mean working days consumed (running days only; pauses excluded)
- avg_limit          mean time limit in working days (limit + approved extensions)
- usage              total used / total limit
- suspensions        PAUSE events in the ledgers
- extensions         EXTEND events in the ledgers

The public page shows the same figures per department and per item, nothing per person.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from approvals.models import Application, DepartmentTask, Item, Package
from approvals.workflow import ApplicationStatus, TaskStatus
from coordination.models import OrgUnit
from portal.clocks.models import Clock, ClockEvent, ClockState, EventKind
from portal.errors import DomainError

from . import permissions

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str | None, *, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(first, last day) of a YYYY-MM month; default: last month. Bad input: DomainError."""
    if not value:
        first = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    else:
        match = MONTH.match(value.strip())
        if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
            raise DomainError(_("Give the month as YYYY-MM, e.g. 2026-10."), field="month")
        first = datetime.date(int(match[1]), int(match[2]), 1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


@dataclass
class Figures:
    key: object
    label: str
    count: int = 0
    on_time: int = 0
    overdue: int = 0
    used: int = 0
    limit: int = 0
    suspensions: int = 0
    extensions: int = 0

    def add(self, case: dict) -> None:
        self.count += 1
        self.on_time += 0 if case["finished_late"] else 1
        self.overdue += 1 if case["finished_late"] else 0
        self.used += case["consumed_days"]
        self.limit += case["limit_days"] + case["extension_days"]
        self.suspensions += case["pauses"]
        self.extensions += case["extends"]

    @property
    def on_time_rate(self) -> float:
        return round(self.on_time / self.count, 4) if self.count else 0.0

    @property
    def avg_used(self) -> float:
        return round(self.used / self.count, 2) if self.count else 0.0

    @property
    def avg_limit(self) -> float:
        return round(self.limit / self.count, 2) if self.count else 0.0

    @property
    def usage(self) -> float:
        return round(self.used / self.limit, 4) if self.limit else 0.0

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "count": self.count,
            "on_time": self.on_time,
            "on_time_rate": self.on_time_rate,
            "overdue": self.overdue,
            "avg_used": self.avg_used,
            "avg_limit": self.avg_limit,
            "usage": self.usage,
            "suspensions": self.suspensions,
            "extensions": self.extensions,
        }


@dataclass
class Bottleneck:
    package: str
    departments: list[Figures]  # ranked: longest average first


@dataclass
class MonthlyStats:
    first: datetime.date
    last: datetime.date
    by_department: list[Figures] = field(default_factory=list)
    by_item: list[Figures] = field(default_factory=list)
    applications_by_department: list[Figures] = field(default_factory=list)
    bottlenecks: list[Bottleneck] = field(default_factory=list)
    tasks_total: Figures | None = None
    applications_total: Figures | None = None

    @property
    def month(self) -> str:
        return self.first.strftime("%Y-%m")

    def chart_data(self) -> dict:
        return {
            "departments": [f.label for f in self.by_department],
            "on_time_rate": [round(f.on_time_rate * 100, 1) for f in self.by_department],
            "avg_used": [f.avg_used for f in self.by_department],
            "avg_limit": [f.avg_limit for f in self.by_department],
            "overdue": [f.overdue for f in self.by_department],
            "labels": {
                "rate": _("On-time rate (%)"),
                "used": _("Average working days used"),
                "limit": _("Average limit (working days)"),
            },
        }


def _event_count(kind: str):
    counted = (
        ClockEvent.objects.filter(clock=OuterRef("pk"), kind=kind)
        .order_by()
        .values("clock")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _stopped_clocks(model, purpose: str, first, last):
    return (
        Clock.objects.filter(
            subject_type=ContentType.objects.get_for_model(model),
            purpose=purpose,
            state=ClockState.STOPPED,
            stopped_on__gte=first,
            stopped_on__lte=last,
        )
        .annotate(pauses=_event_count(EventKind.PAUSE), extends=_event_count(EventKind.EXTEND))
        .values(
            "subject_id",
            "consumed_days",
            "limit_days",
            "extension_days",
            "finished_late",
            "pauses",
            "extends",
        )
    )


def _grouped(cases, key, labels) -> list[Figures]:
    groups: dict = {}
    for case in cases:
        k = key(case)
        if k not in groups:
            groups[k] = Figures(key=k, label=labels.get(k, str(k)))
        groups[k].add(case)
    return list(groups.values())


def monthly_stats(
    *, first: datetime.date, last: datetime.date, paths: list[str] | None = None
) -> MonthlyStats:
    """The month's figures; `paths` limits them to the supervisor's government (None: all, for the
    public page). A fixed number of queries, whatever the month holds."""
    stats = MonthlyStats(first=first, last=last)
    task_cases = list(_stopped_clocks(DepartmentTask, "review", first, last))
    app_cases = list(_stopped_clocks(Application, "promised", first, last))
    tasks = DepartmentTask.objects.filter(pk__in=[int(c["subject_id"]) for c in task_cases]).exclude(
        status=TaskStatus.CANCELLED
    )
    applications = Application.objects.filter(pk__in=[int(c["subject_id"]) for c in app_cases]).exclude(
        status__in=[ApplicationStatus.WITHDRAWN, ApplicationStatus.TERMINATED]
    )
    if paths is not None:
        tasks = tasks.filter(permissions.in_paths_q(paths, "department"))
        applications = applications.filter(permissions.in_paths_q(paths, "lead_department"))
    task_info = {
        t["pk"]: t for t in tasks.values("pk", "department_id", "item_id", "application__package_id")
    }
    app_info = {a["pk"]: a for a in applications.values("pk", "lead_department_id")}
    task_cases = [
        dict(c, **task_info[int(c["subject_id"])]) for c in task_cases if int(c["subject_id"]) in task_info
    ]
    app_cases = [
        dict(c, **app_info[int(c["subject_id"])]) for c in app_cases if int(c["subject_id"]) in app_info
    ]

    unit_ids = {c["department_id"] for c in task_cases} | {c["lead_department_id"] for c in app_cases}
    units = dict(OrgUnit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    items = dict(Item.objects.filter(pk__in={c["item_id"] for c in task_cases}).values_list("pk", "name"))
    packages = dict(
        Package.objects.filter(
            pk__in={c["application__package_id"] for c in task_cases} - {None}
        ).values_list("pk", "name")
    )
    by_label = lambda rows: sorted(rows, key=lambda f: (f.label, str(f.key)))  # noqa: E731
    stats.by_department = by_label(_grouped(task_cases, lambda c: c["department_id"], units))
    stats.by_item = by_label(_grouped(task_cases, lambda c: c["item_id"], items))
    stats.applications_by_department = by_label(_grouped(app_cases, lambda c: c["lead_department_id"], units))
    stats.tasks_total = _total(task_cases)
    stats.applications_total = _total(app_cases)
    for package_id, package_name in sorted(packages.items(), key=lambda p: p[1]):
        in_package = [c for c in task_cases if c["application__package_id"] == package_id]
        ranked = sorted(
            _grouped(in_package, lambda c: c["department_id"], units), key=lambda f: (-f.avg_used, f.label)
        )
        stats.bottlenecks.append(Bottleneck(package=package_name, departments=ranked))
    return stats


def _total(cases) -> Figures:
    total = Figures(key=None, label=_("Total"))
    for case in cases:
        total.add(case)
    return total


COLUMNS = [
    ("label", None),
    ("count", gettext_noop("Cases")),
    ("on_time", gettext_noop("On time")),
    ("on_time_rate", gettext_noop("On-time rate")),
    ("overdue", gettext_noop("Overdue")),
    ("avg_used", gettext_noop("Average working days used")),
    ("avg_limit", gettext_noop("Average limit (working days)")),
    ("usage", gettext_noop("Used / limit")),
    ("suspensions", gettext_noop("Suspensions")),
    ("extensions", gettext_noop("Extensions")),
]


def to_workbook(stats: MonthlyStats):
    """The month's figures as an .xlsx workbook: one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    def header(first: str) -> list[str]:
        return [first] + [_(title) for _key, title in COLUMNS[1:]]

    def write(sheet, rows, first, total=None):
        sheet.append(header(first))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for figures in rows:
            values = figures.as_dict()
            sheet.append([values[key] for key, _title in COLUMNS])
        if total is not None and total.count:
            values = total.as_dict()
            sheet.append([values[key] for key, _title in COLUMNS])
        for column, width in zip("ABCDEFGHIJ", (28, 8, 8, 12, 8, 14, 14, 10, 10, 10), strict=True):
            sheet.column_dimensions[column].width = width
        for row in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
            row[0].number_format = "0.0%"
        for row in sheet.iter_rows(min_row=2, min_col=8, max_col=8):
            row[0].number_format = "0.0%"

    book = Workbook()
    sheet = book.active
    sheet.title = _("Departments")[:31]
    write(sheet, stats.by_department, _("Department"), stats.tasks_total)
    write(book.create_sheet(_("Items")[:31]), stats.by_item, _("Item"), stats.tasks_total)
    write(
        book.create_sheet(_("Applications")[:31]),
        stats.applications_by_department,
        _("Lead department"),
        stats.applications_total,
    )
    sheet = book.create_sheet(_("Bottlenecks")[:31])
    sheet.append([_("Package"), _("Rank"), _("Department"), _("Cases"), _("Average working days used")])
    for bottleneck in stats.bottlenecks:
        for rank, figures in enumerate(bottleneck.departments, start=1):
            sheet.append([bottleneck.package, rank, figures.label, figures.count, figures.avg_used])
    return book


# -- series for the city overview ---------------------------------------------------------------------


@dataclass
class MonthFigures:
    """One month of department-task figures, the same as `MonthlyStats.tasks_total` of that month."""

    month: datetime.date  # first day
    count: int = 0
    on_time: int = 0
    used: int = 0
    limit: int = 0

    @property
    def on_time_rate(self) -> float:
        return round(self.on_time / self.count, 4) if self.count else 0.0

    @property
    def avg_used(self) -> float:
        return round(self.used / self.count, 2) if self.count else 0.0

    @property
    def avg_limit(self) -> float:
        return round(self.limit / self.count, 2) if self.count else 0.0


def add_months(first: datetime.date, months: int) -> datetime.date:
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def monthly_series(
    *, first: datetime.date, last: datetime.date, paths: list[str] | None = None
) -> list[MonthFigures]:
    """Department-task figures per month from `first`'s month to `last`'s, aggregated in SQL (one
    query, whatever the months hold). Same cases as `monthly_stats` (review clocks stopped in the
    month; cancelled tasks left out; `paths` limits them to those subtrees, None: all), so each
    month equals that month's `tasks_total`."""
    from django.db.models import CharField, F, Q, Sum
    from django.db.models.functions import Cast, TruncMonth

    first = first.replace(day=1)
    end = add_months(last.replace(day=1), 1)
    tasks = DepartmentTask.objects.exclude(status=TaskStatus.CANCELLED)
    if paths is not None:
        tasks = tasks.filter(permissions.in_paths_q(paths, "department"))
    rows = (
        Clock.objects.filter(
            subject_type=ContentType.objects.get_for_model(DepartmentTask),
            purpose="review",
            state=ClockState.STOPPED,
            stopped_on__gte=first,
            stopped_on__lt=end,
            subject_id__in=tasks.values(key=Cast("pk", output_field=CharField())),
        )
        .annotate(month=TruncMonth("stopped_on"))
        .values("month")
        .annotate(
            count=Count("pk"),
            late=Count("pk", filter=Q(finished_late=True)),
            used=Coalesce(Sum("consumed_days"), 0),
            limit=Coalesce(Sum(F("limit_days") + F("extension_days")), 0),
        )
        .order_by("month")
    )
    by_month = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        by_month[month] = MonthFigures(
            month=month,
            count=row["count"],
            on_time=row["count"] - row["late"],
            used=row["used"],
            limit=row["limit"],
        )
    series = []
    month = first
    while month < end:
        series.append(by_month.get(month) or MonthFigures(month=month))
        month = add_months(month, 1)
    return series
