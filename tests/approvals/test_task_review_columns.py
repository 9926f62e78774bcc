"""A department task carries a copy of its review clock (DepartmentTask.review_*) for the inbox to
sort and filter on. The copy is kept in the clock's own transaction whatever moves the clock: the
start at acceptance, a suspension and its end, an extension, the decision, the daily sweep, and a
recomputation after a calendar change. If any path forgets it, the inbox sorts wrongly."""

# The fixtures `city` and `today` are shared with test_application_workflow by import.
# ruff: noqa: F811

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals import services
from approvals.models import DepartmentTask
from approvals.receivers import review_fields
from approvals.selectors import work as sel
from approvals.workflow import TaskStatus
from portal.clocks import tasks as clock_tasks
from portal.clocks.models import Clock
from tests.approvals.test_application_workflow import city, in_review, tasks_of, today  # noqa: F401

T = TaskStatus


def assert_in_step(task):
    task = DepartmentTask.objects.get(pk=task.pk)
    clock = Clock.objects.get(subject_id=str(task.pk), purpose="review")
    copy = {name: getattr(task, name) for name in review_fields(clock)}
    assert copy == review_fields(clock)
    return task


@pytest.mark.django_db
def test_every_clock_change_is_copied_onto_the_task(today, city):
    app = in_review(city)
    food = assert_in_step(tasks_of(app)["FOOD"])
    assert food.review_state == "running" and food.review_due is not None
    reviewer = city["reviewers"][0]
    services.task_claim(actor=reviewer, task=food)
    services.task_suspend(
        actor=reviewer, task=food, procedure="expert_review", reason="专家评审", expected_days=5
    )
    assert assert_in_step(food).review_state == "paused"
    today(datetime.date(2026, 11, 9))
    services.task_resume(actor=reviewer, task=food)
    resumed = assert_in_step(food)
    assert resumed.review_state == "running"
    services.task_request_extension(actor=reviewer, task=food, days=10, reason="情况复杂")
    services.task_extension_decide(actor=city["head"], task=food, approve=True, days=10, reason="同意延长")
    assert assert_in_step(food).review_due > resumed.review_due
    # The daily sweep turns the signal as the due date nears; the copy follows.
    due = DepartmentTask.objects.get(pk=food.pk).review_due
    today(due)
    clock_tasks.sweep(today=due, force=True)
    assert assert_in_step(food).review_signal in ("yellow", "red")
    services.task_decide(actor=reviewer, task=food, decision=T.APPROVED, opinion="同意")
    decided = assert_in_step(food)
    assert decided.review_state == "stopped"


@pytest.mark.django_db
def test_a_calendar_recomputation_moves_the_copied_due_date(today, city):
    app = in_review(city)
    fire = tasks_of(app)["FIRE"]
    before = assert_in_step(fire).review_due
    clock = Clock.objects.get(subject_id=str(fire.pk), purpose="review")
    # Make the stored due date stale, as a calendar change would; the recomputation fixes both.
    Clock.objects.filter(pk=clock.pk).update(due_date=before - datetime.timedelta(days=3))
    from portal.clocks import services as clock_services

    assert clock_services.clock_recompute(clock_id=clock.pk, reason="calendar") is True
    assert assert_in_step(fire).review_due == before


@pytest.mark.django_db
def test_the_inbox_reads_no_clock_and_sorts_by_the_copied_due_date(today, city):
    first = in_review(city)
    today(datetime.date(2026, 11, 4))
    second = in_review(city)
    reviewer = city["reviewers"][0]
    with CaptureQueriesContext(connection) as queries:
        page = sel.inbox_page(user=reviewer, filters=sel.InboxFilters())
        rows = list(page.object_list)
    assert [t.application_id for t in rows] == [first.pk, second.pk]
    assert rows[0].review_due < rows[1].review_due
    assert not [q for q in queries.captured_queries if "clocks_clock" in q["sql"]]
