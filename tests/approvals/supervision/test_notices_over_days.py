"""Notices follow the clocks over simulated days: issued once when a clock turns red, escalated
once when the notice's own deadline passes, closed when the case finishes; notifications only
when the level changes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from approvals import services as approvals
from approvals.supervision import services
from approvals.supervision.models import NoticeStatus, SupervisionNotice
from approvals.workflow import TaskStatus
from portal.audit.models import AuditEvent
from portal.clocks.tasks import sweep
from portal.errors import Conflict, DomainError
from portal.notifications.models import Notification

from .conftest import MONDAY, accepted, task_of


def run_days(today, first, last):
    day = first
    while day <= last:
        today(day)
        sweep(today=day)
        day += datetime.timedelta(days=1)


def notices_to(user):
    return Notification.objects.filter(recipient=user, kind="supervision_notice")


def test_red_clock_issues_one_notice_then_escalates_once(city, today):
    app = accepted(city)
    fire_task = task_of(app, "FIRE")
    run_days(today, MONDAY, datetime.date(2026, 11, 9))
    assert not SupervisionNotice.objects.exists()  # yellow is shown, not noticed

    run_days(today, datetime.date(2026, 11, 10), datetime.date(2026, 11, 10))  # due 9 Nov: red on the 10th
    notices = SupervisionNotice.objects.filter(task__isnull=False)
    assert {n.task_id for n in notices} == {fire_task.pk, task_of(app, "FOOD").pk}
    notice = notices.get(task=fire_task)
    assert notice.status == NoticeStatus.OPEN and notice.issued_by is None
    assert notice.issued_on == datetime.date(2026, 11, 10) and notice.department == city["fire"]
    assert notice.number.startswith("DB2026-")
    assert notices_to(city["fire_reviewer"]).count() == 1

    # The package's promised limit (7 working days) runs out on 11 Nov: the lead hears on the 12th.
    run_days(today, datetime.date(2026, 11, 11), datetime.date(2026, 11, 12))
    app_notice = SupervisionNotice.objects.get(application=app, task__isnull=True)
    assert app_notice.department == city["bureau"]
    assert notices_to(city["lead"]).count() == 1

    # The notice has 3 working days (due Fri 13 Nov); still open on Monday 16: escalated.
    run_days(today, datetime.date(2026, 11, 13), datetime.date(2026, 11, 13))
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.OPEN
    run_days(today, datetime.date(2026, 11, 14), datetime.date(2026, 11, 27))
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ESCALATED and notice.escalated_on == datetime.date(2026, 11, 16)
    # Told once each: the department's head and, for a system notice, the supervising unit's head.
    assert notices_to(city["fire_head"]).filter(key__endswith=":escalated").count() == 1
    told = notices_to(city["office_head"]).get(key=f"notice:{notice.pk}:escalated")
    assert told.url == f"/supervision/notices/{notice.pk}/"
    assert notices_to(city["fire_reviewer"]).count() == 1  # nothing more to the reviewers
    assert SupervisionNotice.objects.filter(task=fire_task).count() == 1
    assert AuditEvent.objects.filter(action="notice.escalate", object_id=str(notice.pk)).count() == 1


def test_the_notice_closes_when_the_task_is_decided(city, today):
    app = accepted(city)
    fire_task = task_of(app, "FIRE")
    run_days(today, MONDAY, datetime.date(2026, 11, 10))
    notice = SupervisionNotice.objects.get(task=fire_task)
    approvals.task_claim(actor=city["fire_reviewer"], task=fire_task)
    approvals.task_decide(
        actor=city["fire_reviewer"], task=fire_task, decision=TaskStatus.APPROVED, opinion="同意"
    )
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED and notice.closed_by is None
    assert services.notice_clock(notice).state == "stopped"
    run_days(today, datetime.date(2026, 11, 11), datetime.date(2026, 11, 20))
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED  # a closed notice is never escalated
    assert SupervisionNotice.objects.filter(task=fire_task).count() == 1


def test_a_supervisor_issues_on_yellow_once(city, today):
    app = accepted(city)
    fire_task = task_of(app, "FIRE")
    with pytest.raises(Conflict):  # green: nothing to supervise yet
        services.notice_issue(actor=city["supervisor"], application=app, task=fire_task)
    today(datetime.date(2026, 11, 5))  # yellow live, before any sweep has stored it
    notice = services.notice_issue(
        actor=city["supervisor"], application=app, task=fire_task, text="请加快办理"
    )
    assert notice.signal == "yellow" and notice.issued_by == city["supervisor"]
    assert notice.issued_by_unit == city["office"] and notice.text == "请加快办理"
    with pytest.raises(Conflict):
        services.notice_issue(actor=city["supervisor"], application=app, task=fire_task)
    for outsider in (city["other_supervisor"], city["fire_reviewer"]):
        with pytest.raises(PermissionDenied):
            services.notice_issue(actor=outsider, application=app, task=task_of(app, "FOOD"))
    assert notices_to(city["fire_reviewer"]).count() == 1
    # The system finds the open notice when the clock turns red and issues none.
    run_days(today, datetime.date(2026, 11, 10), datetime.date(2026, 11, 10))
    assert SupervisionNotice.objects.filter(task=fire_task).count() == 1


def test_the_department_answers_and_the_supervisor_closes(city, today):
    app = accepted(city)
    fire_task = task_of(app, "FIRE")
    run_days(today, MONDAY, datetime.date(2026, 11, 10))
    notice = SupervisionNotice.objects.get(task=fire_task)
    with pytest.raises(PermissionDenied):  # a task notice is answered by that department
        services.notice_respond(actor=city["lead"], notice=notice, response="已处理")
    with pytest.raises(DomainError):
        services.notice_respond(actor=city["fire_reviewer"], notice=notice, response="  ")
    services.notice_respond(actor=city["fire_reviewer"], notice=notice, response="专家评审已完成，明日办结")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.RESPONDED and notice.responded_by == city["fire_reviewer"]
    with pytest.raises(PermissionDenied):
        services.notice_close(actor=city["other_supervisor"], notice=notice, reason="x")
    with pytest.raises(DomainError):
        services.notice_close(actor=city["supervisor"], notice=notice, reason="")
    services.notice_close(actor=city["supervisor"], notice=notice, reason="已督促到位")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED and notice.closed_by == city["supervisor"]
    # Closed: a new notice may be issued for the still-overdue task.
    again = services.notice_issue(actor=city["supervisor"], application=app, task=fire_task)
    assert again.pk != notice.pk


def test_withdrawing_the_application_closes_its_notices(city, today):
    app = accepted(city)
    run_days(today, MONDAY, datetime.date(2026, 11, 12))  # both tasks and the application red
    assert SupervisionNotice.objects.filter(application=app).exclude(status=NoticeStatus.CLOSED).count() == 3
    approvals.application_withdraw(actor=city["applicant"], application=app, reason="不再开店")
    assert set(SupervisionNotice.objects.filter(application=app).values_list("status", flat=True)) == {
        "closed"
    }
    run_days(today, datetime.date(2026, 11, 13), datetime.date(2026, 11, 20))
    assert not SupervisionNotice.objects.filter(status=NoticeStatus.ESCALATED).exists()
