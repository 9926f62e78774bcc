"""The signal of a clock as of a day, from its stored due date (no ledger read).

For a running clock the stored due date is exact (it changes only with a ledger event or a
calendar change, and both recompute it), so the live signal follows DOMAIN.md §3 and
portal.clocks.ledger.compute exactly: red after the due date, yellow when the working days left
are at most max(min, ceil(ratio × (limit + extensions))), else green. A paused clock is grey.
The daily sweep stores the same signal the next morning; the dashboard shows it the same day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from portal.clocks import conf as clock_conf
from portal.clocks.ledger import remaining_working_days, yellow_threshold
from portal.clocks.models import Clock, ClockState, Signal

SEVERITY = {Signal.RED: 0, Signal.YELLOW: 1, Signal.GREEN: 2, Signal.PAUSED: 3, Signal.DONE: 4}


@dataclass(frozen=True)
class Live:
    signal: str
    remaining_days: int | None  # working days left (None unless running and not overdue)
    overdue_days: int | None  # working days late (None unless red)

    @property
    def severity(self) -> int:
        return SEVERITY.get(self.signal, 5)


def live_signal(clock: Clock, today: datetime.date) -> Live:
    if clock.state == ClockState.STOPPED:
        return Live(Signal.DONE, None, None)
    if clock.state == ClockState.PAUSED:
        return Live(Signal.PAUSED, None, None)
    remaining = remaining_working_days(today, clock.due_date)
    if today > clock.due_date:
        return Live(Signal.RED, None, -remaining)
    threshold = yellow_threshold(
        clock.limit_days + clock.extension_days,
        clock.yellow_min_days if clock.yellow_min_days is not None else clock_conf.YELLOW_MIN_DAYS,
        Decimal(str(clock.yellow_ratio)) if clock.yellow_ratio is not None else clock_conf.YELLOW_RATIO,
    )
    return Live(Signal.YELLOW if remaining <= threshold else Signal.GREEN, remaining, None)
