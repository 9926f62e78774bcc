"""An application carries a copy of its promised clock (Application.promise_*), as a department task
does of its review clock, so the supervision dashboard pages through the subjects' indexes instead
of through the clocks. The copy is kept in the clock's own transaction whatever moves the clock, a
full save() of an application read earlier does not write an old copy back, clocks created in bulk
are copied by copy_review_clocks, and migration 0009 fills the copy of existing applications."""

import datetime
import importlib

from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals import services
from approvals.models import Application
from approvals.models.applications import SIGNAL_RANK
from approvals.receivers import copy_review_clocks, promised_fields
from approvals.supervision import permissions, selectors
from approvals.supervision.live import SEVERITY
from portal.clocks import tasks as clock_tasks
from portal.clocks.models import Clock, ClockEvent

from .conftest import accepted, task_of

BLANK = {
    "promise_state": "",
    "promise_signal": "",
    "promise_started": None,
    "promise_due": None,
    "promise_provisional": False,
}


def promised_clock(app) -> Clock:
    return Clock.objects.get(
        subject_type=ContentType.objects.get_for_model(Application),
        subject_id=str(app.pk),
        purpose="promised",
    )


def assert_in_step(app) -> Application:
    app = Application.objects.get(pk=app.pk)
    clock = promised_clock(app)
    assert {name: getattr(app, name) for name in BLANK} == promised_fields(clock)
    return app


def test_every_promised_clock_change_is_copied_onto_the_application(city, today):
    app = accepted(city)
    started = assert_in_step(app)
    assert started.promise_state == "running" and started.promise_signal == "green"
    assert started.promise_started == today() and started.promise_due is not None
    # A task's suspension pauses the application's promised clock too; its end resumes it.
    fire = task_of(app, "FIRE")
    services.task_claim(actor=city["fire_reviewer"], task=fire)
    services.task_suspend(
        actor=city["fire_reviewer"], task=fire, procedure="expert_review", reason="专家评审", expected_days=2
    )
    assert assert_in_step(app).promise_state == "paused"
    today(datetime.date(2026, 11, 4))
    services.task_resume(actor=city["fire_reviewer"], task=task_of(app, "FIRE"))
    resumed = assert_in_step(app)
    assert resumed.promise_state == "running" and resumed.promise_due > started.promise_due
    # The daily sweep turns the signal as the due date nears; the copy follows.
    today(resumed.promise_due)
    clock_tasks.sweep(today=today(), force=True)
    assert assert_in_step(app).promise_signal == "yellow"
    services.application_withdraw(actor=city["applicant"], application=app, reason="不办了")
    assert assert_in_step(app).promise_state == "stopped"


def test_a_full_save_of_an_application_read_earlier_keeps_the_copy(city, today):
    app = accepted(city)
    earlier = Application.objects.get(pk=app.pk)  # read while the promised clock runs
    fire = task_of(app, "FIRE")
    services.task_claim(actor=city["fire_reviewer"], task=fire)
    services.task_suspend(
        actor=city["fire_reviewer"], task=fire, procedure="expert_review", reason="专家评审", expected_days=2
    )
    earlier.reasons = "备注"
    earlier.save()  # the in-memory copy still says "running"
    saved = assert_in_step(app)
    assert saved.promise_state == "paused" and saved.reasons == "备注"


def test_promised_clocks_created_in_bulk_are_copied(city, today):
    app = accepted(city)
    Clock.objects.filter(pk=promised_clock(app).pk).delete()
    Application.objects.filter(pk=app.pk).update(**BLANK)
    clock = Clock(
        subject_type=ContentType.objects.get_for_model(Application),
        subject_id=str(app.pk),
        purpose="promised",
        label="bulk",
        limit_days=7,
        state="running",
        started_on=today(),
        due_date=today() + datetime.timedelta(days=9),
        signal="yellow",
        signal_since=today(),
    )
    created = Clock.objects.bulk_create([clock])
    ClockEvent.objects.bulk_create([ClockEvent(clock=created[0], kind="start", on=today())])
    assert copy_review_clocks(created) == 1
    copied = assert_in_step(app)
    assert copied.promise_signal == "yellow" and copied.promise_due == today() + datetime.timedelta(days=9)


def test_the_migration_fills_the_copy_in_one_statement(city, today):
    apps = [accepted(city), accepted(city)]
    Application.objects.filter(pk__in=[a.pk for a in apps]).update(**BLANK)
    migration = importlib.import_module("approvals.migrations.0009_application_promised_clock_columns")
    with CaptureQueriesContext(connection) as queries, connection.schema_editor() as editor:
        migration.copy_promised_clocks(django_apps, editor)
    assert len([q for q in queries.captured_queries if q["sql"].lstrip().startswith("UPDATE")]) == 1
    for app in apps:
        assert assert_in_step(app).promise_state == "running"


def test_the_dashboard_never_meets_the_clocks_and_the_subjects_in_one_query(city, today):
    """The scope and the order come from the subjects' copies; the clock table is read only for
    the clocks due a check and for the page's own clocks (by their unique key)."""
    accepted(city)
    today(datetime.date(2026, 11, 3))
    accepted(city)
    with CaptureQueriesContext(connection) as queries:
        board = selectors.dashboard(user=city["supervisor"])
    assert board.total == 6 and len(board.page.object_list) == 6
    for query in queries.captured_queries:
        sql = query["sql"]
        if "clocks_clock" in sql:
            assert "approvals_departmenttask" not in sql and "approvals_application" not in sql, sql


def test_counts_and_scope_agree_with_the_city_overview(city, today):
    accepted(city)
    today(datetime.date(2026, 11, 10))
    accepted(city)
    board = selectors.dashboard(user=city["supervisor"])
    paths = permissions.supervised_paths(city["supervisor"])
    assert selectors.open_signal_counts(paths=paths) == board.counts
    assert selectors.open_signal_counts(paths=None) == board.counts  # nothing elsewhere
    assert sum(board.counts.values()) == board.total == 6
    other = selectors.dashboard(user=city["other_supervisor"])
    assert other.total == 0 and not other.page.object_list
    other_paths = permissions.supervised_paths(city["other_supervisor"])
    assert set(selectors.open_signal_counts(paths=other_paths).values()) == {0}


def test_the_indexes_rank_signals_as_the_live_signal_does():
    assert {str(signal): rank for signal, rank in SEVERITY.items()} == SIGNAL_RANK


def test_the_lead_queue_shows_the_promised_clock_from_the_copy(city, today, client):
    from django.urls import reverse

    app = accepted(city)
    clock = Clock.objects.get(subject_type__model="application", subject_id=str(app.pk), purpose="promised")
    client.force_login(city["lead"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("work:lead"))
    [row] = response.context["page"].object_list
    assert (row.promised_due, row.promised_signal, row.promised_state) == (
        clock.due_date,
        clock.signal,
        clock.state,
    )
    assert not any("clocks_clock" in q["sql"] for q in ctx.captured_queries)
