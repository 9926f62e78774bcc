"""The dashboard's live signal equals the clock ledger's evaluation, day by day."""

import datetime

from approvals.supervision.live import live_signal
from portal.clocks import services as clocks
from portal.clocks.models import Signal
from portal.workcal import days as workdays

from .conftest import MONDAY, accepted, task_of


def test_live_signal_matches_the_ledger_every_day(city, today):
    app = accepted(city)
    clock = clocks.Clock.objects.get(subject_id=str(task_of(app, "FIRE").pk), purpose="review")
    seen = []
    day = MONDAY
    while day <= datetime.date(2026, 11, 20):
        live = live_signal(clock, day)
        result = clocks.evaluate(clock, today=day)
        assert live.signal == result.signal, day
        seen.append(live.signal)
        day += datetime.timedelta(days=1)
    # 5 working days from Monday 2 Nov: due Monday 9 Nov; yellow at 2 working days left or fewer.
    assert clock.due_date == datetime.date(2026, 11, 9)
    assert live_signal(clock, datetime.date(2026, 11, 4)).signal == Signal.GREEN
    assert live_signal(clock, datetime.date(2026, 11, 5)).signal == Signal.YELLOW
    assert live_signal(clock, datetime.date(2026, 11, 9)).signal == Signal.YELLOW
    red = live_signal(clock, datetime.date(2026, 11, 11))
    assert red.signal == Signal.RED and red.overdue_days == 2
    assert seen.index(Signal.RED) == (datetime.date(2026, 11, 10) - MONDAY).days
    assert workdays.is_workday(datetime.date(2026, 11, 10))
