"""The dashboard: counts per signal, worst first, filters, and a query count that does not grow."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals import services as approvals
from approvals.supervision import selectors
from approvals.supervision.selectors import DashboardFilters
from tests.factories import PASSWORD

from .conftest import accepted, accepted_item, task_of


def test_worst_first_with_counts_and_filters(city, today):
    late = accepted(city)
    today(datetime.date(2026, 11, 4))
    recent = accepted(city)
    approvals.task_claim(actor=city["fire_reviewer"], task=task_of(recent, "FIRE"))
    approvals.task_suspend(
        actor=city["fire_reviewer"],
        task=task_of(recent, "FIRE"),
        procedure="expert_review",
        reason="专家评审",
        expected_days=5,
    )
    today(datetime.date(2026, 11, 10))
    board = selectors.dashboard(user=city["supervisor"])
    # late (accepted 2 Nov): both tasks red (due 9 Nov), the application yellow (due 11 Nov);
    # recent (accepted 4 Nov): FOOD yellow (due 11 Nov), FIRE paused and so the application too.
    signals = [(row.kind, row.live.signal) for row in board.page.object_list]
    assert signals[:2] == [("task", "red"), ("task", "red")]
    assert board.counts == {"red": 2, "yellow": 2, "green": 0, "paused": 2}
    paused = [row for row in board.page.object_list if row.live.signal == "paused"]
    assert {row.pause_reason for row in paused} == {"专家评审"}
    assert [r.live.severity for r in board.page.object_list] == sorted(
        r.live.severity for r in board.page.object_list
    )

    only_fire = selectors.dashboard(
        user=city["supervisor"], filters=DashboardFilters(department=city["fire"].pk)
    )
    assert {row.department for row in only_fire.page.object_list} == {city["fire"]}
    only_red = selectors.dashboard(user=city["supervisor"], filters=DashboardFilters(signal="red"))
    assert {row.application.pk for row in only_red.page.object_list} == {late.pk}
    by_item = selectors.dashboard(
        user=city["supervisor"], filters=DashboardFilters(item=city["items"]["FOOD"].pk)
    )
    assert sorted((row.kind, row.item_name) for row in by_item.page.object_list) == [
        ("application", "开办餐饮店"),
        ("application", "开办餐饮店"),
        ("task", "食品经营许可"),
        ("task", "食品经营许可"),
    ]


def test_query_count_does_not_grow_with_rows(client, city, today, django_assert_num_queries):
    assert client.login(username="sup", password=PASSWORD)
    accepted_item(city)  # one task and its application: 2 rows
    assert client.get("/supervision/").status_code == 200  # warm the caches (content types, calendar)
    with CaptureQueriesContext(connection) as two_rows:
        page = client.get("/supervision/")
    assert len(page.context["page"].object_list) == 2
    for _ in range(9):
        accepted_item(city)
    with django_assert_num_queries(len(two_rows.captured_queries)):
        page = client.get("/supervision/")
    assert len(page.context["page"].object_list) == 20


def test_pages_in_sql_equal_the_live_order_with_fresh_and_stale_signals(city, today, monkeypatch):
    """Cases accepted over two weeks, the sweep run on some days and not others: some stored
    signals are current, others are due a check. Paging through the dashboard (3 rows a page)
    gives exactly the list and counts that computing every live signal would."""
    from approvals.supervision import conf
    from approvals.supervision.live import live_signal
    from portal.clocks import tasks as clock_tasks

    monkeypatch.setattr(conf, "PAGE_SIZE", 3)
    day = datetime.date(2026, 11, 2)
    for offset in range(0, 10, 2):  # accept every other working day; sweep after some of them
        today(day + datetime.timedelta(days=offset))
        accepted(city)
        if offset in (2, 6):
            clock_tasks.sweep(today(), force=True)
    today(datetime.date(2026, 11, 16))
    board = selectors.dashboard(user=city["supervisor"])
    rows = []
    for number in range(1, board.page.paginator.num_pages + 1):
        rows += selectors.dashboard(
            user=city["supervisor"], filters=DashboardFilters(page=number)
        ).page.object_list
    # Worst first, ties of severity and due date by kind (tasks first) and the subject's id.
    expected = sorted(
        rows,
        key=lambda r: (
            live_signal(r.clock, today()).severity,
            r.clock.due_date,
            0 if r.kind == "task" else 1,
            int(r.clock.subject_id),
        ),
    )
    assert [r.clock.pk for r in rows] == [r.clock.pk for r in expected]
    assert len({r.clock.pk for r in rows}) == len(rows) == board.total == 15  # 5 cases × (2 tasks + 1)
    counted = {}
    for r in rows:
        counted[r.live.signal] = counted.get(r.live.signal, 0) + 1
    assert {k: v for k, v in board.counts.items() if v} == counted
    stale = [r for r in rows if r.clock.next_check_on and r.clock.next_check_on <= today()]
    assert stale and len(stale) < len(rows)  # both kinds were really mixed
