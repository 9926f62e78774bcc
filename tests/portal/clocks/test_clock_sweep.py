"""The daily sweep, reminders once per level, and recomputation when the calendar changes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, translation

from portal.audit.models import AuditEvent
from portal.clocks import services, tasks
from portal.clocks.models import Clock, DigestItem, RecomputeRequest, Signal
from portal.notifications.models import Notification
from portal.workcal import services as calendar
from tests.factories import AdminFactory, OfficialFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
START = datetime.date(2026, 11, 2)


@pytest.fixture
def today(monkeypatch):
    state = {"today": D(2026, 11, 2)}
    monkeypatch.setattr(services, "local_today", lambda: state["today"])
    return lambda day: state.update(today=day)


@pytest.fixture
def owner():
    return OfficialFactory(username="owner", email="owner@example.gov.cn")


def start(owner, limit=20, on=START):
    return services.clock_start(
        subject=UserFactory(), limit_days=limit, start_on=on, owner=owner, label="并联审批 SP-20261102-000001"
    )


def test_sweep_turns_a_clock_yellow_and_tells_the_owner_once(today, owner):
    clock = start(owner)
    yellow_from = clock.next_check_on
    assert tasks.sweep(yellow_from)["changed"] == 1
    clock.refresh_from_db()
    assert clock.signal == Signal.YELLOW and clock.signal_since == yellow_from
    assert clock.next_check_on == clock.due_date + datetime.timedelta(days=1)
    # The sweep tells each person once, in a digest of their changes (here: one).
    notes = Notification.objects.filter(recipient=owner, kind="deadline_digest")
    assert notes.count() == 1
    assert "SP-20261102-000001" in notes.get().title + notes.get().body
    with translation.override(owner.language):
        assert formats.date_format(clock.due_date) in notes.get().body
    assert not Notification.objects.filter(kind="deadline_signal").exists()
    # Running the sweep again the same day (or the task twice) tells nobody twice.
    assert tasks.sweep(yellow_from)["changed"] == 0
    assert notes.count() == 1


def test_sweep_turns_red_after_the_due_date_and_tells_again(today, owner):
    clock = start(owner, limit=5)
    tasks.sweep(clock.next_check_on)
    clock.refresh_from_db()
    red_day = clock.due_date + datetime.timedelta(days=1)
    while not tasks.workdays.is_workday(red_day):
        red_day += datetime.timedelta(days=1)
    tasks.sweep(red_day)
    clock.refresh_from_db()
    assert clock.signal == Signal.RED and clock.next_check_on is None
    levels = sorted(DigestItem.objects.filter(user=owner).values_list("level", flat=True))
    assert levels == ["red", "yellow"]
    assert Notification.objects.filter(recipient=owner, kind="deadline_digest").count() == 2


def test_sweep_does_nothing_on_a_day_off_unless_forced(today, owner):
    clock = start(owner, limit=5)
    saturday = D(2026, 11, 7)
    assert tasks.sweep(saturday) == {"skipped": True, "changed": 0}
    clock.refresh_from_db()
    assert clock.signal == Signal.GREEN
    assert tasks.sweep(saturday, force=True)["changed"] == 1


def test_sweep_reads_only_the_clocks_that_change(today, owner):
    """The cost follows the number of clocks changing signal, not the number of clocks."""
    changing = [start(owner, limit=5) for _ in range(2)]
    day = changing[0].next_check_on

    def queries_for_sweep():
        Clock.objects.filter(pk__in=[c.pk for c in changing]).update(signal=Signal.GREEN, next_check_on=day)
        Notification.objects.all().delete()
        DigestItem.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            tasks.sweep(day)
        return [q["sql"] for q in ctx.captured_queries]

    few = queries_for_sweep()
    for _ in range(40):
        start(owner, limit=60)  # far from their deadlines: must not be read
    many = queries_for_sweep()
    assert len(many) == len(few)


def test_each_change_is_audited(today, owner):
    clock = start(owner)
    services.clock_pause(
        clock=clock, actor=owner, reason="现场勘查", legal_basis="本市事项配置", expected_days=3
    )
    services.clock_resume(clock=clock, actor=owner)
    actions = list(
        AuditEvent.objects.filter(object_id=str(clock.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["clock.start", "clock.pause", "clock.resume"]


def test_calendar_change_recomputes_open_deadlines_and_tells_the_owner(
    today, owner, django_capture_on_commit_callbacks
):
    admin = AdminFactory()
    clock = start(owner, limit=20, on=D(2026, 11, 2))
    old_due = clock.due_date
    finished = start(owner, limit=20, on=D(2026, 11, 2))
    services.clock_stop(clock=finished, actor=owner)
    calendar.calendar_year_reopen(actor=admin, year=2026, reason="补充临时调休")
    with django_capture_on_commit_callbacks(execute=True):
        calendar.calendar_day_set(
            actor=admin,
            day=D(2026, 11, 20),
            is_workday=False,
            name="临时休假",
            reference="国办发明电〔2026〕99号",
        )
    # Reopening the year and setting the day each asked for a recomputation; run them as the
    # worker (or the sweep) would.
    requests = list(RecomputeRequest.objects.order_by("pk"))
    assert len(requests) == 2
    for request in requests:
        tasks.recompute_for_request(request.pk)
    clock.refresh_from_db()
    assert clock.due_date > old_due
    assert tasks.workdays.working_days_between(D(2026, 11, 2), clock.due_date) == 20
    note = Notification.objects.get(recipient=owner, kind="deadline_digest")
    item = DigestItem.objects.get(user=owner, clock=clock)
    assert (item.old_due, item.due_date, item.kind) == (old_due, clock.due_date, "due_changed")
    assert item.sent_at is not None and item.digest in note.url
    with translation.override(owner.language):
        assert formats.date_format(old_due) in note.body and formats.date_format(clock.due_date) in note.body
    assert not RecomputeRequest.objects.filter(done_at__isnull=True).exists()
    assert sum(RecomputeRequest.objects.values_list("clocks_changed", flat=True)) == 1
    finished.refresh_from_db()
    assert finished.due_date == old_due  # a stopped clock keeps its history
    # Idempotent: a second run finds the request done.
    assert tasks.recompute_for_request(requests[-1].pk) == 0


def test_a_recomputation_locks_and_writes_only_the_clocks_that_change(today, owner):
    """After a calendar change most open clocks keep their due date: reading them costs a fixed
    number of queries per batch, and only a clock that really moves is locked, saved and audited."""
    clock = start(owner, limit=20)

    def queries_for_recompute():
        Clock.objects.filter(pk=clock.pk).update(due_date=clock.due_date - datetime.timedelta(days=1))
        request = RecomputeRequest.objects.create(years=[2026])
        with CaptureQueriesContext(connection) as ctx:
            assert tasks.recompute_for_request(request.pk) == 1
        return [q["sql"] for q in ctx.captured_queries]

    queries_for_recompute()  # the first run tells the owner; the repeats find them told
    few = queries_for_recompute()
    for _ in range(40):
        start(owner, limit=20)  # open and affected by the year, but nothing changes for them
    audit_before = AuditEvent.objects.count()
    many = queries_for_recompute()
    assert len(many) == len(few)
    assert AuditEvent.objects.count() == audit_before + 1  # the one clock that moved


def test_the_sweep_picks_up_recomputations_left_behind(today, owner):
    clock = start(owner, limit=20)
    RecomputeRequest.objects.create(years=[2026])
    tasks.sweep(D(2026, 11, 3))
    assert not RecomputeRequest.objects.filter(done_at__isnull=True).exists()
    assert Clock.objects.get(pk=clock.pk).due_date == clock.due_date


def test_recipients_come_from_the_subject_when_it_names_them(today, owner, monkeypatch):
    reviewer = OfficialFactory(username="reviewer")
    monkeypatch.setattr(type(owner), "clock_recipients", lambda self, clock: [reviewer], raising=False)
    clock = services.clock_start(subject=owner, limit_days=5, start_on=D(2026, 11, 2), owner=owner, label="x")
    tasks.sweep(clock.next_check_on)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["reviewer"]


def test_my_deadlines_lists_only_my_clocks_most_urgent_first(
    today, owner, client, django_assert_max_num_queries
):
    other = OfficialFactory(username="other")
    green = start(owner, limit=20)
    today(D(2026, 12, 1))
    red = start(owner, limit=5, on=D(2026, 11, 2))
    services.clock_start(subject=UserFactory(), limit_days=5, owner=other, label="别人的事项")
    client.force_login(owner)
    with django_assert_max_num_queries(12):
        response = client.get("/deadlines/")
    assert response.status_code == 200
    assert [c.pk for c in response.context["clocks"]] == [red.pk, green.pk]
    assert "别人的事项" not in response.content.decode()


def test_my_deadlines_needs_a_login(client):
    response = client.get("/deadlines/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
