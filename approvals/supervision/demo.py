"""Demo data for electronic supervision, loaded by `manage.py seed_demo` after the approvals
catalogue (approvals.demo). Idempotent: it does nothing once its demo applications exist.

The demo supervisor (login `supervisor`, 云溪市人民政府办公室) then finds, as of the day the demo
is loaded: red cases with an escalated notice and with a freshly issued one, a yellow case, a
paused case and green ones, a notice the supervisor issued by hand and the bureau answered, and
last month's statistics filled with decided cases (some late, one extended).

Everything goes through the services. Past work is replayed day by day with the clock's "today"
set to that day (the same seam the tests use: portal.clocks.services.local_today), and the
open clocks are re-evaluated each working day, as the daily sweep would have done; only this
demo's clocks are touched.
"""

from __future__ import annotations

import contextlib
import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from approvals import services as approvals
from approvals.models import Application, DepartmentTask, Item, Package, Procedure
from approvals.workflow import TaskStatus
from portal.clocks import services as clocks
from portal.clocks.models import Clock, ClockState
from portal.models import User
from portal.workcal import days as workdays

from . import services
from .models import SupervisionNotice

PACKAGE = "YX-YJS-001"  # 开办餐饮店“一件事”: approval bureau and emergency management
ITEM = "YX-SC-002"  # 食品经营许可 (approval bureau, 5 working days)
APPLICANT = "enterprise"
REVIEWERS = {"yx-approval": "reviewer", "yx-emergency": "reviewer2"}
SHOPS = ["云溪小馆", "望江面馆", "滨江茶餐厅", "临江烧烤", "青山农家菜", "东城快餐", "新港海鲜", "老街早点"]


@contextlib.contextmanager
def _as_of(day: datetime.date):
    real = clocks.local_today
    clocks.local_today = lambda: day
    try:
        yield
    finally:
        clocks.local_today = real


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _form(target, shop: str) -> dict:
    from approvals.catalogue import merged_form

    fields = merged_form(target) if isinstance(target, Package) else list(target.form_fields.all())
    values = {
        "applicant_name": shop + "餐饮有限公司",
        "contact_phone": "13900000000",
        "premises_address": "云溪市东城区滨江路18号",
        "business_area": "120",
    }
    return {f.key: values.get(f.key, (f.choices[0] if getattr(f, "choices", None) else shop)) for f in fields}


def _accept(target, shop: str, day: datetime.date) -> Application:
    applicant = _user(APPLICANT)
    with _as_of(day):
        kwargs = {"package": target} if isinstance(target, Package) else {"item": target}
        app = approvals.application_create(actor=applicant, **kwargs)
        app = approvals.application_submit(actor=applicant, application=app, form_data=_form(target, shop))
        return approvals.application_accept(actor=_user("clerk"), application=app)


def _decide(app: Application, day: datetime.date, codes=None) -> None:
    with _as_of(day):
        for task in DepartmentTask.objects.filter(application=app).select_related("department", "item"):
            if codes is not None and task.item.code not in codes:
                continue
            if task.status in (TaskStatus.APPROVED, TaskStatus.APPROVED_WITH_CONDITIONS, TaskStatus.REJECTED):
                continue
            reviewer = _user(REVIEWERS[task.department.code])
            if task.status == TaskStatus.PENDING:
                approvals.task_claim(actor=reviewer, task=task)
            approvals.task_decide(
                actor=reviewer,
                task=DepartmentTask.objects.get(pk=task.pk),
                decision=TaskStatus.APPROVED,
                opinion="符合条件，同意。",
            )


def _grant(app: Application, day: datetime.date) -> None:
    with _as_of(day):
        approvals.application_decide(
            actor=_user("coordinator"), application=Application.objects.get(pk=app.pk), grant=True
        )


def _open_clock_ids(apps) -> list[int]:
    task_ids = DepartmentTask.objects.filter(application__in=apps).values_list("pk", flat=True)
    notice_ids = SupervisionNotice.objects.filter(application__in=apps).values_list("pk", flat=True)
    type_of = ContentType.objects.get_for_model
    return list(
        Clock.objects.filter(
            Q(subject_type=type_of(Application), subject_id__in=[str(a.pk) for a in apps])
            | Q(subject_type=type_of(DepartmentTask), subject_id__in=[str(pk) for pk in task_ids])
            | Q(subject_type=type_of(SupervisionNotice), subject_id__in=[str(pk) for pk in notice_ids])
        )
        .exclude(state=ClockState.STOPPED)
        .values_list("pk", flat=True)
    )


def _replay_sweeps(apps, first: datetime.date, last: datetime.date) -> None:
    """Re-evaluate the demo's open clocks on each working day, as the daily sweep does."""
    day = first
    while day <= last:
        if workdays.is_workday(day) or day == last:  # today too, if the demo loads on a day off
            with _as_of(day):
                for clock_id in _open_clock_ids(apps):
                    clocks.clock_recompute(clock_id=clock_id, today=day)
        day += datetime.timedelta(days=1)


def _workday(day: datetime.date, n: int) -> datetime.date:
    return workdays.add_working_days(day, n) if n else day


def load_demo():
    if Application.objects.filter(applicant__username=APPLICANT, package__code=PACKAGE).exists():
        return "supervision demo already loaded"
    package = Package.objects.get(code=PACKAGE)
    item = Item.objects.get(code=ITEM)
    today = clocks.local_today()
    shops = iter(SHOPS)

    # Last month: decided cases for the statistics (one late, one extended).
    month_start = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    first = month_start if workdays.is_workday(month_start) else workdays.add_working_days(month_start, 1)
    on_time = _accept(item, next(shops), first)
    _decide(on_time, _workday(first, 3))
    _grant(on_time, _workday(first, 3))
    late = _accept(package, next(shops), _workday(first, 1))
    _decide(late, _workday(first, 2), codes={"YX-SC-001"})
    _decide(late, _workday(first, 4), codes={"YX-SC-002", "YX-CG-001"})
    _decide(late, _workday(first, 9))  # fire safety: 8 working days for a 5-day limit
    _grant(late, _workday(first, 9))
    extended = _accept(item, next(shops), _workday(first, 2))
    task = extended.tasks.get()
    with _as_of(_workday(first, 4)):
        approvals.task_claim(actor=_user("reviewer"), task=task)
        approvals.task_request_extension(actor=_user("reviewer"), task=task, days=3, reason="需补充现场核查")
        approvals.task_extension_decide(
            actor=_user("head"), task=task, approve=True, days=3, reason="同意延期三个工作日"
        )
    _decide(extended, _workday(first, 7))
    _grant(extended, _workday(first, 7))

    # Open cases as of today.
    escalated = _accept(package, next(shops), _workday(today, -12))  # red; its notices escalated
    noticed = _accept(item, next(shops), _workday(today, -6))  # red since today; notice just issued
    yellow = _accept(item, next(shops), _workday(today, -4))
    paused = _accept(item, next(shops), _workday(today, -3))
    with _as_of(_workday(today, -1)):
        task = paused.tasks.get()
        approvals.task_claim(actor=_user("reviewer"), task=task)
        approvals.task_suspend(
            actor=_user("reviewer"),
            task=task,
            procedure=Procedure.SITE_SURVEY,
            reason="现场勘查经营场所布局",
            expected_days=3,
        )
    green = _accept(package, next(shops), today)
    _replay_sweeps([escalated, noticed, yellow, paused, green], _workday(today, -12), today)
    # The supervisor presses a yellow case; the bureau answers.
    notice = services.notice_issue(
        actor=_user("supervisor"),
        application=yellow,
        task=yellow.tasks.get(),
        text="该事项即将到期，请于到期前办结，逾期将启动问责。",
    )
    services.notice_respond(
        actor=_user("reviewer"), notice=notice, response="已安排专人现场核查，预计明日办结。"
    )
    return {
        "applications": 8,
        "notices": SupervisionNotice.objects.count(),
        "escalated": SupervisionNotice.objects.filter(status="escalated").count(),
    }
