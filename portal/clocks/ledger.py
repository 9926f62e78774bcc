"""Pure computation of a clock's state from its ledger and the working-day calendar.

Conventions (the start-day rule is the calendar's setting; the rest follows from it):

- The clock starts on START.on; `add_working_days(start, n)` is the n-th working day counted
  from there, so the due date is
  ``add_working_days(start, limit + extensions + paused working days)``.
- A pause from day p to a resume on day r stops the clock for the working days in (p, r]
  (whatever the start-day setting): the pause day itself was still running, the resume day is
  like a new start day. A pause and a resume on the same day cost nothing. While a pause is open,
  its working days up to today count as paused, the due date assumes the pause ends after its
  expected days (or today, when no duration was given), and the daily sweep looks at the clock
  again every day.
- The due date is provisional when any year between the start and the due date is not confirmed.
- Consumed working days are those in (start, min(today, stop)] that were not paused.
- Signal: PAUSED while paused, DONE once stopped, RED after the due date, YELLOW when the working
  days left are at most the yellow threshold, otherwise GREEN. The threshold is
  max(yellow_min_days, ceil(yellow_ratio × (limit + extensions))).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from portal.workcal import days as workdays

from .models import ClockState, EventKind, Signal


@dataclass(frozen=True)
class Entry:
    """The parts of a ClockEvent the computation needs."""

    kind: str
    on: datetime.date
    days: int | None = None
    expected_days: int | None = None


@dataclass(frozen=True)
class Result:
    state: str
    started_on: datetime.date
    stopped_on: datetime.date | None
    extension_days: int
    paused_days: int
    consumed_days: int
    due_date: datetime.date
    due_provisional: bool
    signal: str
    remaining_days: int
    threshold: int
    next_check_on: datetime.date | None
    finished_late: bool | None


def entries_from(events) -> list[Entry]:
    """Ledger entries from ClockEvent rows (already in order)."""
    return [Entry(kind=e.kind, on=e.on, days=e.days, expected_days=e.expected_days) for e in events]


def yellow_threshold(limit: int, min_days: int, ratio: Decimal) -> int:
    return max(min_days, math.ceil(Decimal(limit) * ratio))


def remaining_working_days(today: datetime.date, due: datetime.date) -> int:
    """Working days left until the due date (0 on the due date; negative once overdue)."""
    if today <= due:
        return workdays.working_days_between(today, due)
    return -workdays.working_days_between(due, today)


def compute(
    entries: list[Entry], *, limit: int, today: datetime.date, min_days: int, ratio: Decimal
) -> Result:
    if not entries or entries[0].kind != EventKind.START:
        raise ValueError("A clock's ledger begins with START.")
    start = entries[0].on
    state = ClockState.RUNNING
    extension = paused = 0
    pause_on: datetime.date | None = None
    pause_expected: int | None = None
    stopped_on: datetime.date | None = None
    for entry in entries[1:]:
        if entry.kind == EventKind.PAUSE and state == ClockState.RUNNING:
            state, pause_on, pause_expected = ClockState.PAUSED, entry.on, entry.expected_days
        elif entry.kind == EventKind.RESUME and state == ClockState.PAUSED:
            paused += workdays.working_days_after(pause_on, entry.on)
            state, pause_on = ClockState.RUNNING, None
        elif entry.kind == EventKind.EXTEND and state != ClockState.STOPPED:
            extension += entry.days or 0
        elif entry.kind == EventKind.STOP and state != ClockState.STOPPED:
            if state == ClockState.PAUSED:
                paused += workdays.working_days_after(pause_on, entry.on)
                pause_on = None
            state, stopped_on = ClockState.STOPPED, entry.on

    end = stopped_on or today
    open_pause = 0
    if state == ClockState.PAUSED:
        open_pause = workdays.working_days_after(pause_on, today)
        # Until it is resumed, assume the pause lasts as long as announced (or ends today).
        announced = pause_expected or 0
        assumed_pause = max(open_pause, announced)
    else:
        assumed_pause = 0
    elapsed = workdays.working_days_between(start, end)
    consumed = max(0, elapsed - paused - open_pause)
    total_limit = limit + extension
    due = workdays.add_working_days(start, total_limit + paused + assumed_pause)
    threshold = yellow_threshold(total_limit, min_days, ratio)

    if state == ClockState.STOPPED:
        signal, next_check = Signal.DONE, None
        remaining = remaining_working_days(stopped_on, due)
    elif state == ClockState.PAUSED:
        # Looked at again tomorrow: an open pause moves the due date as it lasts.
        signal, next_check = Signal.PAUSED, today + datetime.timedelta(days=1)
        remaining = remaining_working_days(today, due)
    else:
        remaining = remaining_working_days(today, due)
        if today > due:
            signal, next_check = Signal.RED, None
        elif remaining <= threshold:
            signal, next_check = Signal.YELLOW, due + datetime.timedelta(days=1)
        else:
            signal, next_check = Signal.GREEN, workdays.add_working_days(due, -threshold)
    return Result(
        state=state,
        started_on=start,
        stopped_on=stopped_on,
        extension_days=extension,
        paused_days=paused + open_pause,
        consumed_days=consumed,
        due_date=due,
        due_provisional=workdays.range_is_provisional(start, due),
        signal=signal,
        remaining_days=remaining,
        threshold=threshold,
        next_check_on=next_check,
        finished_late=(stopped_on > due) if stopped_on else None,
    )
