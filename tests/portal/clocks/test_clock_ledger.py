"""The clock ledger: due dates, consumed days and signals recomputed from the events and the
calendar, checked against an independent count over chinesecalendar's data."""

import datetime

import chinese_calendar
import pytest

from portal.clocks import services, tasks
from portal.clocks.models import Clock, ClockEvent, ClockState, EventKind, Signal
from portal.errors import DomainError, TransitionNotAllowed
from portal.notifications.models import Notification
from portal.workcal import days
from portal.workcal import services as calendar
from tests.factories import AdminFactory, OfficialFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
START = datetime.date(2026, 9, 28)


def oracle_add(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `start`, counted independently of the portal's calendar."""
    day = start
    while n > 0:
        day += datetime.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


def oracle_between(a: datetime.date, b: datetime.date) -> int:
    return sum(
        chinese_calendar.is_workday(a + datetime.timedelta(days=i)) for i in range(1, (b - a).days + 1)
    )


_STATE = {}


def _move_today(day):
    _STATE["today"] = day


@pytest.fixture
def today(monkeypatch):
    """Freeze the clocks' idea of today."""
    _STATE["today"] = D(2026, 9, 28)
    monkeypatch.setattr(services, "local_today", lambda: _STATE["today"])
    return _move_today


@pytest.fixture
def owner():
    return OfficialFactory(username="owner", email="owner@example.gov.cn")


def start(owner, *, limit=20, on=START, purpose="limit", **kwargs):
    """Start a clock on `on`; if the frozen today is earlier, today moves to `on` (no future starts)."""
    if on > services.local_today():
        _move_today(on)
    subject = UserFactory()
    return services.clock_start(
        subject=subject,
        limit_days=limit,
        start_on=on,
        owner=owner,
        purpose=purpose,
        label=f"事项 {subject.pk}",
        **kwargs,
    )


def test_due_date_skips_national_day_and_counts_the_make_up_saturday(today, owner):
    clock = start(owner, limit=20, on=D(2026, 9, 28))
    assert clock.due_date == oracle_add(D(2026, 9, 28), 20)
    assert clock.state == ClockState.RUNNING
    assert clock.signal == Signal.GREEN
    assert clock.consumed_days == 0
    assert [e.kind for e in clock.events.all()] == [EventKind.START]


@pytest.mark.parametrize(
    "start_on", [D(2026, 2, 13), D(2026, 2, 16), D(2025, 9, 30), D(2025, 10, 3), D(2026, 12, 1)]
)
def test_due_dates_match_the_independent_count(today, owner, start_on):
    today(start_on)
    clock = start(owner, limit=20, on=start_on)
    assert clock.due_date == oracle_add(start_on, 20)


def test_consumed_days_follow_the_calendar(today, owner):
    clock = start(owner, limit=20, on=D(2026, 9, 28))
    today(D(2026, 10, 12))
    services.clock_recompute(clock_id=clock.pk)
    clock.refresh_from_db()
    assert clock.consumed_days == oracle_between(D(2026, 9, 28), D(2026, 10, 12))


def test_a_pause_moves_the_due_date_by_the_paused_working_days(today, owner):
    clock = start(owner, limit=20, on=D(2026, 11, 2))
    today(D(2026, 11, 5))
    services.clock_pause(
        clock=clock,
        actor=owner,
        reason="专家评审",
        legal_basis="《行政许可法》第四十五条",
        expected_days=5,
        on=D(2026, 11, 5),
    )
    clock.refresh_from_db()
    assert clock.state == ClockState.PAUSED and clock.signal == Signal.PAUSED
    assert clock.next_check_on == D(2026, 11, 6)  # an open pause is looked at again every day
    # While paused, the due date assumes the announced 5 working days.
    assert clock.due_date == oracle_add(D(2026, 11, 2), 25)
    today(D(2026, 11, 16))
    services.clock_resume(clock=clock, actor=owner, on=D(2026, 11, 16))
    clock.refresh_from_db()
    paused = oracle_between(D(2026, 11, 5), D(2026, 11, 16))
    assert clock.paused_days == paused == 7
    assert clock.due_date == oracle_add(D(2026, 11, 2), 20 + paused)
    assert clock.consumed_days == oracle_between(D(2026, 11, 2), D(2026, 11, 16)) - paused
    assert clock.signal == Signal.GREEN


def test_pause_and_resume_on_the_same_day_cost_nothing(today, owner):
    clock = start(owner, limit=10, on=D(2026, 11, 2))
    due = clock.due_date
    services.clock_pause(clock=clock, actor=owner, reason="听证", legal_basis="第四十五条", on=D(2026, 11, 2))
    services.clock_resume(clock=clock, actor=owner, on=D(2026, 11, 2))
    clock.refresh_from_db()
    assert clock.due_date == due and clock.paused_days == 0


def test_an_extension_adds_working_days(today, owner):
    approver = OfficialFactory(username="head")
    clock = start(owner, limit=20, on=D(2026, 11, 2))
    today(D(2026, 11, 3))
    services.clock_extend(
        clock=clock, actor=owner, days=10, approved_by=approver, reason="情况复杂", on=D(2026, 11, 3)
    )
    clock.refresh_from_db()
    assert clock.extension_days == 10
    assert clock.due_date == oracle_add(D(2026, 11, 2), 30)
    event = clock.events.get(kind=EventKind.EXTEND)
    assert event.approved_by == approver and event.days == 10


def test_stop_records_whether_it_finished_late(today, owner):
    on_time = start(owner, limit=5, on=D(2026, 11, 2))
    late = start(owner, limit=5, on=D(2026, 11, 2))
    today(D(2026, 11, 9))
    services.clock_stop(clock=on_time, actor=owner, on=D(2026, 11, 9))
    today(D(2026, 11, 10))
    services.clock_stop(clock=late, actor=owner, on=D(2026, 11, 10))
    on_time.refresh_from_db()
    late.refresh_from_db()
    assert on_time.due_date == D(2026, 11, 9)
    assert (on_time.state, on_time.signal, on_time.finished_late) == (ClockState.STOPPED, Signal.DONE, False)
    assert late.finished_late is True
    assert on_time.next_check_on is None


@pytest.mark.parametrize(("limit", "threshold"), [(20, 4), (5, 2), (1, 2), (45, 9), (11, 3)])
def test_yellow_threshold_is_max_of_two_and_a_fifth_of_the_limit(today, owner, limit, threshold):
    clock = start(owner, limit=limit, on=D(2026, 11, 2))
    result = services.evaluate(clock, today=D(2026, 11, 2))
    assert result.threshold == threshold


def test_signal_turns_yellow_then_red_on_the_right_days(today, owner):
    clock = start(owner, limit=20, on=D(2026, 11, 2))  # threshold 4
    due = clock.due_date
    yellow_from = clock.next_check_on
    assert oracle_between(yellow_from, due) == 4
    day_before = yellow_from - datetime.timedelta(days=1)
    assert services.evaluate(clock, today=day_before).signal == Signal.GREEN
    assert services.evaluate(clock, today=yellow_from).signal == Signal.YELLOW
    assert services.evaluate(clock, today=due).signal == Signal.YELLOW
    assert services.evaluate(clock, today=due).remaining_days == 0
    overdue = services.evaluate(clock, today=due + datetime.timedelta(days=1))
    assert overdue.signal == Signal.RED
    assert services.evaluate(clock, today=oracle_add(due, 2)).remaining_days == -2


def test_per_clock_thresholds_override_the_defaults(today, owner):
    clock = start(owner, limit=20, on=D(2026, 11, 2), yellow_min_days=6, yellow_ratio="0.10")
    assert services.evaluate(clock).threshold == 6


def test_a_clock_started_already_late_is_red(today, owner):
    today(D(2026, 12, 1))
    clock = start(owner, limit=5, on=D(2026, 11, 2))
    assert clock.signal == Signal.RED


def test_transitions_that_make_no_sense_are_refused(today, owner):
    clock = start(owner)
    with pytest.raises(TransitionNotAllowed):
        services.clock_resume(clock=clock, actor=owner)
    services.clock_stop(clock=clock, actor=owner)
    with pytest.raises(TransitionNotAllowed):
        services.clock_pause(clock=clock, actor=owner, reason="听证", legal_basis="第四十五条")
    with pytest.raises(TransitionNotAllowed):
        services.clock_extend(clock=clock, actor=owner, days=5, approved_by=owner, reason="x")
    with pytest.raises(TransitionNotAllowed):
        services.clock_stop(clock=clock, actor=owner)
    assert [e.kind for e in ClockEvent.objects.filter(clock=clock)] == [EventKind.START, EventKind.STOP]


def test_one_clock_per_subject_and_purpose(today, owner):
    subject = UserFactory()
    services.clock_start(subject=subject, limit_days=5, owner=owner)
    with pytest.raises(TransitionNotAllowed):
        services.clock_start(subject=subject, limit_days=5, owner=owner)
    services.clock_start(subject=subject, limit_days=20, owner=owner, purpose="statutory")
    assert Clock.objects.filter(subject_id=str(subject.pk)).count() == 2


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c, u: services.clock_pause(clock=c, actor=u, reason="", legal_basis="第四十五条"), "reason"),
        (lambda c, u: services.clock_pause(clock=c, actor=u, reason="听证", legal_basis=" "), "reason"),
        (lambda c, u: services.clock_extend(clock=c, actor=u, days=0, approved_by=u, reason="x"), "days"),
        (
            lambda c, u: services.clock_extend(clock=c, actor=u, days=5, approved_by=None, reason="x"),
            "approved_by",
        ),
        (lambda c, u: services.clock_extend(clock=c, actor=u, days=5, approved_by=u, reason=""), "reason"),
    ],
)
def test_bad_input_is_refused_with_a_field_and_changes_nothing(today, owner, call, field):
    clock = start(owner)
    with pytest.raises(DomainError) as info:
        call(clock, owner)
    assert info.value.field == field
    assert str(info.value.message)
    assert clock.events.count() == 1


def test_events_cannot_be_dated_before_the_previous_one(today, owner):
    clock = start(owner, on=D(2026, 11, 2))
    with pytest.raises(DomainError):
        services.clock_pause(
            clock=clock, actor=owner, reason="听证", legal_basis="第四十五条", on=D(2026, 10, 30)
        )


def test_a_limit_below_one_day_is_refused(today, owner):
    with pytest.raises(DomainError):
        services.clock_start(subject=UserFactory(), limit_days=0, owner=owner)


def test_events_cannot_be_dated_in_the_future(today, owner):
    clock = start(owner, on=D(2026, 9, 28))
    with pytest.raises(DomainError) as info:
        services.clock_pause(
            clock=clock, actor=owner, reason="听证", legal_basis="第四十五条", on=D(2026, 12, 1)
        )
    assert info.value.field == "on"
    with pytest.raises(DomainError):
        services.clock_stop(clock=clock, actor=owner, on=D(2026, 12, 31))
    with pytest.raises(DomainError):
        services.clock_start(subject=UserFactory(), limit_days=5, owner=owner, start_on=D(2026, 10, 30))
    assert clock.events.count() == 1


@pytest.mark.parametrize("start_day_counts", [False, True])
def test_a_same_day_pause_costs_nothing_under_either_start_day_rule(today, owner, settings, start_day_counts):
    settings.WORKCAL_START_DAY_COUNTS = start_day_counts
    today(D(2025, 3, 3))
    clock = start(owner, limit=10, on=D(2025, 3, 3))
    due = clock.due_date
    today(D(2025, 3, 5))
    services.clock_pause(clock=clock, actor=owner, reason="听证", legal_basis="第四十五条", on=D(2025, 3, 5))
    services.clock_resume(clock=clock, actor=owner, on=D(2025, 3, 5))
    clock.refresh_from_db()
    assert (clock.due_date, clock.paused_days) == (due, 0)
    # A two-working-day pause moves the due date by exactly two working days.
    today(D(2025, 3, 10))
    services.clock_pause(clock=clock, actor=owner, reason="听证", legal_basis="第四十五条", on=D(2025, 3, 6))
    services.clock_resume(clock=clock, actor=owner, on=D(2025, 3, 10))
    clock.refresh_from_db()
    assert clock.paused_days == 2
    assert days.working_days_after(due, clock.due_date) == 2


def test_an_open_pause_is_looked_at_every_day_and_moves_the_due_date(today, owner):
    clock = start(owner, limit=10, on=D(2026, 11, 2))
    today(D(2026, 11, 4))
    services.clock_pause(
        clock=clock, actor=owner, reason="检验检测", legal_basis="第四十五条", on=D(2026, 11, 4)
    )
    clock.refresh_from_db()
    assert clock.next_check_on == D(2026, 11, 5)
    first_due = clock.due_date
    today(D(2026, 11, 11))
    tasks.sweep(D(2026, 11, 11))
    clock.refresh_from_db()
    assert clock.paused_days == oracle_between(D(2026, 11, 4), D(2026, 11, 11)) == 5
    assert clock.due_date == oracle_add(D(2026, 11, 2), 15) > first_due
    assert clock.next_check_on == D(2026, 11, 12)
    # The pause moving the due date is not announced as a changed deadline.
    assert not Notification.objects.filter(kind="deadline_changed").exists()


def test_a_due_date_depending_on_an_unconfirmed_year_is_provisional(today, owner):
    today(D(2026, 12, 15))
    calendar.calendar_year_reopen(actor=AdminFactory(), year=2026, reason="更正")
    clock = start(owner, limit=5, on=D(2026, 12, 15))
    assert clock.due_date.year == 2026
    assert clock.due_provisional is True
