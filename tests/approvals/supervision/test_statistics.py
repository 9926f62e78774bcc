"""Monthly statistics against a hand-computed fixture (November 2026 has no public holiday).

Application 1, accepted Mon 2 Nov:
  FOOD (approval bureau, limit 5): decided Wed 4 Nov           -> used 2, on time
  FIRE (fire dept, limit 5): suspended Tue 3 Nov for expert review, resumed Thu 5 Nov
       (paused: working days in (3, 5] = 2), extended by 2 (head) on 5 Nov, decided Thu 12 Nov
       -> elapsed 8 (3,4,5,6,9,10,11,12), used 8 - 2 = 6; due = 2 Nov + (5 + 2 + 2) = Fri 13 Nov: on time
  promised (package, limit 7): paused with FIRE (2 days), decided 12 Nov -> used 6, due 13 Nov: on time
Application 2, accepted Mon 2 Nov:
  FIRE decided Fri 6 Nov                                         -> used 4, on time
  FOOD decided Mon 16 Nov (due Mon 9 Nov)                        -> used 10, overdue
  promised decided 16 Nov (due Wed 11 Nov)                       -> used 10, overdue
Application 3, accepted Mon 30 Nov, decided in December: not in November's figures.

By department (tasks): approval bureau 2 cases, 1 on time, 1 overdue, used (2 + 10) / 2 = 6.0,
limit 5.0; fire 2 cases, 2 on time, used (6 + 4) / 2 = 5.0, limit (7 + 5) / 2 = 6.0,
1 suspension, 1 extension. Applications (lead: the bureau): 2, 1 on time, used (6 + 10) / 2 = 8.0,
limit 7.0, 1 suspension. Bottleneck of the package: the bureau (6.0) before fire (5.0).
"""

import datetime
import io

import openpyxl
import pytest

from approvals import services as approvals
from approvals.supervision import stats
from approvals.workflow import TaskStatus
from tests.factories import PASSWORD

from .conftest import accepted, task_of

T = TaskStatus


def d(day, month=11):
    return datetime.date(2026, month, day)


def decide(city, app, code, reviewer_key):
    task = task_of(app, code)
    if task.status == T.PENDING:
        approvals.task_claim(actor=city[reviewer_key], task=task)
    approvals.task_decide(
        actor=city[reviewer_key], task=task_of(app, code), decision=T.APPROVED, opinion="同意"
    )


def grant(city, app):
    app.refresh_from_db()
    approvals.application_decide(actor=city["lead"], application=app, grant=True)


@pytest.fixture
def november(city, today):
    today(d(2))
    app1, app2 = accepted(city), accepted(city)
    fire1 = task_of(app1, "FIRE")
    approvals.task_claim(actor=city["fire_reviewer"], task=fire1)
    today(d(3))
    approvals.task_suspend(
        actor=city["fire_reviewer"], task=fire1, procedure="expert_review", reason="专家评审", expected_days=2
    )
    today(d(4))
    decide(city, app1, "FOOD", "bureau_reviewer")
    today(d(5))
    approvals.task_resume(actor=city["fire_reviewer"], task=task_of(app1, "FIRE"))
    approvals.task_request_extension(
        actor=city["fire_reviewer"], task=task_of(app1, "FIRE"), days=2, reason="现场复核"
    )
    approvals.task_extension_decide(
        actor=city["fire_head"], task=task_of(app1, "FIRE"), approve=True, days=2, reason="同意延期"
    )
    today(d(6))
    decide(city, app2, "FIRE", "fire_reviewer")
    today(d(12))
    decide(city, app1, "FIRE", "fire_reviewer")
    grant(city, app1)
    today(d(16))
    decide(city, app2, "FOOD", "bureau_reviewer")
    grant(city, app2)
    today(d(30))
    app3 = accepted(city)
    today(d(1, 12))
    decide(city, app3, "FOOD", "bureau_reviewer")
    decide(city, app3, "FIRE", "fire_reviewer")
    grant(city, app3)
    return city


def figures(rows):
    return {f.label: f.as_dict() for f in rows}


def test_november_by_department_item_application_and_bottleneck(november):
    result = stats.monthly_stats(first=d(1), last=d(30))
    departments = figures(result.by_department)
    assert departments["行政审批局"] == {
        "label": "行政审批局",
        "count": 2,
        "on_time": 1,
        "on_time_rate": 0.5,
        "overdue": 1,
        "avg_used": 6.0,
        "avg_limit": 5.0,
        "usage": 1.2,
        "suspensions": 0,
        "extensions": 0,
    }
    assert departments["应急管理局"] == {
        "label": "应急管理局",
        "count": 2,
        "on_time": 2,
        "on_time_rate": 1.0,
        "overdue": 0,
        "avg_used": 5.0,
        "avg_limit": 6.0,
        "usage": round(10 / 12, 4),
        "suspensions": 1,
        "extensions": 1,
    }
    assert figures(result.by_item)["消防安全检查"]["count"] == 2
    applications = figures(result.applications_by_department)["行政审批局"]
    assert (applications["count"], applications["on_time"], applications["overdue"]) == (2, 1, 1)
    assert (applications["avg_used"], applications["avg_limit"], applications["suspensions"]) == (8.0, 7.0, 1)
    assert result.tasks_total.count == 4 and result.tasks_total.overdue == 1
    [bottleneck] = result.bottlenecks
    assert bottleneck.package == "开办餐饮店"
    assert [(f.label, f.avg_used) for f in bottleneck.departments] == [
        ("行政审批局", 6.0),
        ("应急管理局", 5.0),
    ]

    december = stats.monthly_stats(first=d(1, 12), last=d(31, 12))
    assert december.tasks_total.count == 2 and december.applications_total.count == 1


def test_scope_limits_the_figures(november):
    fire_only = stats.monthly_stats(first=d(1), last=d(30), paths=[november["fire"].path])
    assert [f.label for f in fire_only.by_department] == ["应急管理局"]
    assert fire_only.applications_total.count == 0


def test_xlsx_export_has_the_numbers(client, november):
    assert client.login(username="sup", password=PASSWORD)
    response = client.get("/supervision/stats.xlsx?month=2026-11")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    departments = book.worksheets[0]
    rows = {row[0]: row for row in departments.iter_rows(min_row=2, values_only=True)}
    assert rows["行政审批局"][1:5] == (2, 1, 0.5, 1)
    assert rows["应急管理局"][5:] == (5.0, 6.0, round(10 / 12, 4), 1, 1)
    bottlenecks = list(book.worksheets[3].iter_rows(min_row=2, values_only=True))
    assert bottlenecks == [("开办餐饮店", 1, "行政审批局", 2, 6.0), ("开办餐饮店", 2, "应急管理局", 2, 5.0)]


def test_bad_month_is_a_clear_error(client, november):
    assert client.login(username="sup", password=PASSWORD)
    response = client.get("/supervision/stats.xlsx?month=2026-13")
    assert response.status_code == 400 and "YYYY-MM" in response.content.decode()
    page = client.get("/supervision/stats/?month=nonsense", follow=True)
    assert page.status_code == 200 and "YYYY-MM" in page.content.decode()


def test_the_public_page_shows_aggregates_and_no_personal_data(client, november):
    from approvals.models import Application

    response = client.get("/supervision/public/?month=2026-11")
    assert response.status_code == 200
    html = response.content.decode()
    assert "行政审批局" in html and "应急管理局" in html and "消防安全检查" in html
    people = ["张三丰", "陈窗口", "周牵头", "李审核", "赵审核", "钱局长", "吴监察", "zhang"]
    numbers = list(Application.objects.values_list("number", flat=True))
    for secret in people + numbers + [str(a.uuid) for a in Application.objects.all()]:
        assert secret not in html
    assert "stats.xlsx" not in html
