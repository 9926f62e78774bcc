"""Every write of electronic supervision: one function per use case (DESIGN.md §4.1).

Each runs in one transaction: lock, check, change, notify (outbox), audit last. Notices are
issued when a review or promised clock turns red (receivers.py, by the system) or by a supervisor
from the dashboard; they close when their subject's clock stops; their own clock escalates them.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.models import Application, DepartmentTask
from approvals.workflow import TERMINAL_TASK_STATES
from coordination.models import OrgUnit, Position
from portal.audit.actions import register_actions
from portal.audit.services import audit_record
from portal.clocks import services as clocks
from portal.clocks.models import Clock, ClockState, Signal
from portal.errors import Conflict, DomainError
from portal.notifications.services import notify
from portal.numbering import next_number

from . import conf, permissions
from .live import live_signal
from .models import NoticeStatus, SupervisionNotice

register_actions(
    {
        "notice.issue": gettext_lazy("Supervision notice issued"),
        "notice.respond": gettext_lazy("Supervision notice answered"),
        "notice.escalate": gettext_lazy("Supervision notice escalated"),
        "notice.close": gettext_lazy("Supervision notice closed"),
    }
)

NOTICE_PURPOSE = "notice"
FIELDS = ["status", "response", "escalated_on", "close_reason"]


def _snapshot(notice: SupervisionNotice) -> dict:
    return {name: getattr(notice, name) for name in FIELDS}


def subject_clock(application: Application, task: DepartmentTask | None) -> Clock | None:
    """The clock a notice is about: the task's review clock, or the application's promised clock."""
    subject = task if task is not None else application
    return Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        purpose="review" if task is not None else "promised",
    ).first()


def notice_clock(notice: SupervisionNotice) -> Clock | None:
    return Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(SupervisionNotice),
        subject_id=str(notice.pk),
        purpose=NOTICE_PURPOSE,
    ).first()


def _people(unit_ids, *roles):
    from portal.models import User

    return User.objects.filter(
        positions__unit_id__in=list(unit_ids),
        positions__active=True,
        positions__roles__code__in=roles,
        is_active=True,
    ).distinct()


def case_url(notice: SupervisionNotice) -> str:
    """Where a notification leads: the notice, which its department answers there."""
    return notice.get_absolute_url()


def _context(notice: SupervisionNotice, **extra) -> dict:
    subject = notice.task.item.name if notice.task_id else notice.application.subject_name
    return {
        "number": notice.number,
        "application": notice.application.number or "",
        "subject": subject,
        "department": notice.department.name,
        "text": notice.text,
        **extra,
    }


def _default_text(signal: str) -> str:
    if signal == Signal.RED:
        return _("The time limit has been missed. Finish the case at once and report the reason.")
    return _("The time limit is close. Make sure the case is finished in time.")


@transaction.atomic
def notice_issue(
    *,
    actor,
    application: Application,
    task: DepartmentTask | None = None,
    text: str = "",
    on: datetime.date | None = None,
) -> SupervisionNotice:
    """Issue a supervision notice (督办单) about a task or an application's promised limit.

    `actor` None is the system (a clock turned red). A supervisor may issue one for an open
    subject of their scope whose live signal is yellow or red. At most one notice per subject
    is open; a second issuer gets Conflict (the partial unique constraints decide a race).
    """
    if task is not None and task.application_id != application.pk:
        raise DomainError(_("The task does not belong to this application."), field="task")
    department = OrgUnit.objects.get(
        pk=task.department_id if task is not None else application.lead_department_id
    )
    issued_by_unit = None
    if actor is not None:
        if not permissions.can_issue(actor, department):
            raise PermissionDenied(_("Only a supervisor of this government may issue a notice."))
        issued_by_unit = _issuing_unit(actor, department)
    clock = subject_clock(application, task)
    if clock is None or clock.state == ClockState.STOPPED:
        raise Conflict(_("The case is finished; there is nothing to supervise."))
    if task is not None and task.status in TERMINAL_TASK_STATES:
        raise Conflict(_("The case is finished; there is nothing to supervise."))
    today = on or clocks.local_today()
    signal = live_signal(clock, today).signal
    if actor is not None and signal not in (Signal.YELLOW, Signal.RED):
        raise Conflict(_("A notice can be issued only for a case whose signal is yellow or red."))
    text = (text or "").strip() or _default_text(signal)
    if len(text) > 2000:
        raise DomainError(_("The text is at most 2,000 characters."), field="text")
    notice = SupervisionNotice(
        number=next_number(f"{conf.NOTICE_PREFIX}{today.year}"),
        application=application,
        task=task,
        department=department,
        issued_by=actor,
        issued_by_unit=issued_by_unit,
        signal=signal,
        text=text,
        issued_on=today,
    )
    try:
        with transaction.atomic():  # savepoint: a concurrent issuer may have won
            notice.save()
    except IntegrityError:
        raise Conflict(_("This case already has an open supervision notice.")) from None
    clocks.clock_start(
        subject=notice,
        purpose=NOTICE_PURPOSE,
        limit_days=conf.NOTICE_DAYS,
        actor=actor,
        start_on=min(today, clocks.local_today()),
        label=_("Supervision notice %(number)s") % {"number": notice.number},
    )
    roles = ("reviewer",) if task is not None else ("lead_coordinator",)
    notify(
        recipients=_people([department.pk], *roles),
        kind="supervision_notice",
        key=f"notice:{notice.pk}:issued",
        url=case_url(notice),
        subject=notice,
        context=_context(notice, event="issued"),
    )
    audit_record(
        actor=actor,
        action="notice.issue",
        obj=notice,
        after={**_snapshot(notice), "number": notice.number, "signal": signal, "text": text},
    )
    return notice


def _issuing_unit(actor, department: OrgUnit) -> OrgUnit | None:
    """The actor's supervisor unit whose scope holds the department."""
    positions = Position.objects.filter(user=actor, active=True, roles__code="supervisor").select_related(
        "unit"
    )
    units = {p.unit.path: p.unit for p in positions}
    governments = permissions.government_paths(units)
    for path, unit in units.items():
        if department.path.startswith(governments.get(path, path)):
            return unit
    return None


def issue_if_none_open(clock: Clock) -> SupervisionNotice | None:
    """The system issues a notice when a review or promised clock turns red, unless one is open."""
    if clock.purpose == "review":
        task = DepartmentTask.objects.select_related("application").filter(pk=int(clock.subject_id)).first()
        if task is None or task.status in TERMINAL_TASK_STATES:
            return None
        application, open_notice = (
            task.application,
            task.supervision_notices.exclude(status=NoticeStatus.CLOSED),
        )
    else:
        task = None
        application = Application.objects.filter(pk=int(clock.subject_id)).first()
        if application is None:
            return None
        open_notice = application.supervision_notices.filter(task__isnull=True).exclude(
            status=NoticeStatus.CLOSED
        )
    if open_notice.exists():
        return None
    try:
        return notice_issue(actor=None, application=application, task=task, on=clock.signal_since)
    except Conflict:
        return None


def _lock(notice: SupervisionNotice) -> SupervisionNotice:
    return (
        SupervisionNotice.objects.select_for_update(of=("self",))
        .select_related("application", "task", "department")
        .get(pk=notice.pk)
    )


@transaction.atomic
def notice_respond(*, actor, notice: SupervisionNotice, response: str) -> SupervisionNotice:
    """The department answers (its reviewers or head for a task, lead coordinators or head otherwise)."""
    notice = _lock(notice)
    if not permissions.can_respond(actor, notice):
        raise PermissionDenied(_("Only the department the notice is addressed to may answer it."))
    if notice.status not in (NoticeStatus.OPEN, NoticeStatus.ESCALATED):
        raise Conflict(_("This notice has already been answered or closed."))
    response = (response or "").strip()
    if not response:
        raise DomainError(
            _("Write what the department has done and when the case will be finished."), field="response"
        )
    before = _snapshot(notice)
    notice.response, notice.responded_by, notice.responded_at = response, actor, timezone.now()
    if notice.status == NoticeStatus.OPEN:
        notice.status = NoticeStatus.RESPONDED
    notice.save()
    audit_record(actor=actor, action="notice.respond", obj=notice, before=before, after=_snapshot(notice))
    return notice


def _close(notice: SupervisionNotice, *, actor, reason: str) -> SupervisionNotice:
    before = _snapshot(notice)
    notice.status, notice.closed_at, notice.closed_by, notice.close_reason = (
        NoticeStatus.CLOSED,
        timezone.now(),
        actor,
        reason,
    )
    notice.save()
    clock = notice_clock(notice)
    if clock is not None and clock.state != ClockState.STOPPED:
        clocks.clock_stop(clock=clock, actor=actor, reason=reason)
    audit_record(
        actor=actor, action="notice.close", obj=notice, before=before, after=_snapshot(notice), reason=reason
    )
    return notice


@transaction.atomic
def notice_close(*, actor, notice: SupervisionNotice, reason: str) -> SupervisionNotice:
    """A supervisor of the department's government closes a notice."""
    notice = _lock(notice)
    if not permissions.can_close(actor, notice):
        raise PermissionDenied(_("Only a supervisor of this government may close a notice."))
    if notice.status == NoticeStatus.CLOSED:
        raise Conflict(_("This notice is already closed."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for closing the notice."), field="reason")
    return _close(notice, actor=actor, reason=reason)


def close_for_subject(clock: Clock) -> int:
    """The subject's clock stopped (the task was decided, the application finished): close its notices."""
    notices = SupervisionNotice.objects.exclude(status=NoticeStatus.CLOSED)
    if clock.purpose == "review":
        notices = notices.filter(task_id=int(clock.subject_id))
    else:
        notices = notices.filter(application_id=int(clock.subject_id), task__isnull=True)
    closed = 0
    for notice in notices.select_for_update():
        _close(notice, actor=None, reason=str(_("The case was finished.")))
        closed += 1
    return closed


def close_for_application(application: Application) -> int:
    """The application left the open states (decided, withdrawn, terminated ...): close its notices."""
    closed = 0
    for notice in (
        SupervisionNotice.objects.select_for_update()
        .filter(application=application)
        .exclude(status=NoticeStatus.CLOSED)
    ):
        _close(notice, actor=None, reason=str(_("The case was finished.")))
        closed += 1
    return closed


def escalate(clock: Clock) -> SupervisionNotice | None:
    """The notice's own clock turned red while the notice is not closed: escalate once."""
    notice = (
        SupervisionNotice.objects.select_for_update(of=("self",))
        .select_related("application", "task", "task__item", "department", "issued_by_unit")
        .filter(pk=int(clock.subject_id))
        .first()
    )
    if notice is None or notice.status in (NoticeStatus.CLOSED, NoticeStatus.ESCALATED):
        return None
    before = _snapshot(notice)
    notice.status, notice.escalated_on = NoticeStatus.ESCALATED, clock.signal_since
    notice.save()
    heads = list(_people([notice.department_id], "head"))
    superiors = list(_people(supervising_units(notice), "head"))
    notify(
        recipients=[*heads, *superiors],
        kind="supervision_notice",
        key=f"notice:{notice.pk}:escalated",
        url=case_url(notice),
        subject=notice,
        context=_context(notice, event="escalated"),
    )
    audit_record(actor=None, action="notice.escalate", obj=notice, before=before, after=_snapshot(notice))
    return notice


def supervising_units(notice: SupervisionNotice) -> list[int]:
    """The units whose head is the issuing supervisor's superior: the issuing unit, or for a
    notice the system issued, every unit with a supervisor whose scope holds the department."""
    if notice.issued_by_unit_id:
        return [notice.issued_by_unit_id]
    unit_paths = dict(
        Position.objects.filter(active=True, roles__code="supervisor").values_list("unit__path", "unit_id")
    )
    governments = permissions.government_paths(unit_paths)
    return [
        unit_id
        for path, unit_id in unit_paths.items()
        if notice.department.path.startswith(governments.get(path, path))
    ]
