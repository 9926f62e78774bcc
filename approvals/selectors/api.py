"""Scoped reads behind the approvals API (approvals.api).

Every function takes the acting user and returns only the rows that user may see, filtered in SQL;
the API answers 404 for anything outside (DESIGN.md §4.2). The scopes:

- applicant: their own applications;
- reviewer inbox: tasks of departments where the user is a reviewer or the head (the head decides
  extensions);
- intake: applications whose lead department the user serves as a window clerk;
- lead: applications whose lead department the user serves as a lead coordinator.

Clocks (portal.clocks) hang off their subjects through a generic relation; a task carries a copy
of its review clock's due date and signal (to filter and sort in SQL) and `attach_clocks` loads the
clock rows of a whole page in one query, so a page costs the same number of queries for 10 and
for 1,000 rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Prefetch, Q, QuerySet

from approvals.models import Application, DepartmentTask, StatusChange
from approvals.workflow import ApplicationStatus
from coordination.models import Position
from portal.clocks import ledger
from portal.clocks import services as clock_services
from portal.clocks.models import Clock, ClockState

A = ApplicationStatus

INTAKE_STATES = (A.SUBMITTED, A.CORRECTION_REQUESTED)
INBOX_ROLES = ("reviewer", "head")


def _units_with_role(user, roles: Iterable[str]) -> QuerySet:
    """Unit ids where the user holds an active position with one of `roles`, as a subquery."""
    return (
        Position.objects.filter(user=user, active=True, user__is_active=True, roles__code__in=list(roles))
        .values("unit_id")
        .distinct()
    )


def _clocks_of(model_name: str) -> QuerySet:
    return Clock.objects.filter(subject_type__app_label="approvals", subject_type__model=model_name)


# -- applicant --------------------------------------------------------------------------------------


def _application_base() -> QuerySet:
    return Application.objects.select_related("item", "package", "lead_department")


def applicant_applications(*, user) -> QuerySet:
    """The user's own applications, newest first."""
    return _application_base().filter(applicant=user).order_by("-created_at", "-pk")


def applicant_application_detail(*, user) -> QuerySet:
    """Own applications with what the detail shows: status history and tasks."""
    return applicant_applications(user=user).prefetch_related(
        Prefetch("status_changes", queryset=StatusChange.objects.order_by("id")),
        Prefetch("tasks", queryset=_tasks_of_application()),
    )


def _tasks_of_application() -> QuerySet:
    return DepartmentTask.objects.select_related("item", "department", "assignee").order_by("pk")


# -- reviewer inbox ------------------------------------------------------------------------------------


def inbox_tasks(*, user) -> QuerySet:
    """Tasks of the departments where the user is a reviewer or the head, with the review clock's
    `due_date` and `signal` (the task's copy, approvals.receivers) for filters and ordering."""
    return (
        DepartmentTask.objects.filter(department_id__in=_units_with_role(user, INBOX_ROLES))
        .select_related(
            "item",
            "department",
            "assignee",
            "application",
            "application__item",
            "application__package",
            "application__applicant",
        )
        .annotate(
            due_date=F("review_due"),
            signal=F("review_signal"),
        )
    )


# -- window clerk --------------------------------------------------------------------------------------


def intake_scope(*, user) -> QuerySet:
    """Applications of the lead departments where the user is a window clerk (any status: actions on
    an application in the wrong state answer 409, not 404)."""
    return (
        _application_base()
        .select_related("applicant")
        .filter(lead_department_id__in=_units_with_role(user, ["window_clerk"]))
        .exclude(status=A.DRAFT)
        .prefetch_related(Prefetch("status_changes", queryset=StatusChange.objects.order_by("id")))
    )


def intake_applications(*, user) -> QuerySet:
    """The clerk's queue: submitted and corrected applications waiting for the completeness check,
    oldest first."""
    return intake_scope(user=user).filter(status__in=INTAKE_STATES).order_by("received_on", "pk")


# -- lead department -----------------------------------------------------------------------------------


def lead_applications(*, user) -> QuerySet:
    """Applications whose lead department the user coordinates, submitted or later, with all their
    tasks (whatever department reviews them)."""
    return (
        _application_base()
        .select_related("applicant")
        .filter(lead_department_id__in=_units_with_role(user, ["lead_coordinator"]))
        .exclude(status=A.DRAFT)
        .prefetch_related(Prefetch("tasks", queryset=_tasks_of_application()))
        .order_by("-accepted_on", "-received_on", "-pk")
    )


# -- clocks ---------------------------------------------------------------------------------------------


def remaining_days(clock: Clock, today) -> int:
    """Working days left (negative when overdue), from the stored due date: the day a stopped clock
    stopped, today otherwise."""
    return ledger.remaining_working_days(
        clock.stopped_on if clock.state == ClockState.STOPPED and clock.stopped_on else today, clock.due_date
    )


def attach_clocks(*, applications: Iterable[Application] = (), tasks: Iterable[DepartmentTask] = ()) -> None:
    """Load, in one query, the clocks of the given applications and tasks (and of the applications'
    prefetched tasks). Sets `application.clocks` ({purpose: Clock}) and `task.review_clock`; every
    clock gets `remaining_days` as of today. Callers have already scoped the subjects."""
    applications = list(applications)
    tasks = list(tasks)
    for application in applications:
        cache = getattr(application, "_prefetched_objects_cache", {})
        if "tasks" in cache:
            tasks.extend(cache["tasks"])
    if not applications and not tasks:
        return
    query = Q(pk__in=[])
    if applications:
        query |= Q(subject_type__model="application", subject_id__in=[str(a.pk) for a in applications])
    if tasks:
        query |= Q(
            subject_type__model="departmenttask",
            subject_id__in=[str(t.pk) for t in tasks],
            purpose="review",
        )
    rows = Clock.objects.filter(query, subject_type__app_label="approvals").select_related("subject_type")
    today = clock_services.local_today()
    by_subject: dict[tuple[str, str], dict[str, Clock]] = {}
    for clock in rows:
        clock.remaining_days = remaining_days(clock, today)
        by_subject.setdefault((clock.subject_type.model, clock.subject_id), {})[clock.purpose] = clock
    for application in applications:
        application.clocks = by_subject.get(("application", str(application.pk)), {})
    for task in tasks:
        task.review_clock = by_subject.get(("departmenttask", str(task.pk)), {}).get("review")
