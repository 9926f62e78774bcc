"""Working days: the public interface of the calendar. Other apps import exactly these names.

    from portal.workcal.days import (
        is_workday, is_provisional, add_working_days, working_days_between, year_status,
    )

``is_workday(d: date) -> bool``
    True on a working day: Mon–Fri (conf WORKCAL_WEEKEND_DAYS) unless the calendar makes it a day
    off, or a weekend day the calendar makes a make-up working day (调休上班).

``is_provisional(d: date) -> bool``
    True when the year of ``d`` has no data or is not confirmed by an administrator. Show deadlines
    for which this is true as provisional (template filter ``{{ d|deadline }}``, library
    ``workcal``).

``add_working_days(start: date, n: int) -> date``
    With WORKCAL_START_DAY_COUNTS = False (default, "自受理之日起": the start day does not count):
    n > 0: the n-th working day strictly after ``start``; n == 0: ``start``; n < 0: the |n|-th
    working day strictly before ``start``.
    With WORKCAL_START_DAY_COUNTS = True (the start day counts as day 1 when it is a working day):
    n > 0: the n-th working day on or after ``start``; n == 0: ``start``; n < 0: the |n|-th
    working day on or before ``start``.

``working_days_between(a: date, b: date) -> int``
    Default: the number of working days d with a < d <= b (0 when b <= a).
    WORKCAL_START_DAY_COUNTS = True: the number with a <= d <= b (0 when b < a).
    Either way, for b a working day with b > a (True: b >= a), add_working_days(a,
    working_days_between(a, b)) == b, and working_days_between(a, add_working_days(a, n)) == n
    for n >= 0 (True: n >= 1).

``year_status(year: int) -> "confirmed" | "provisional" | "missing"``

Also: ``range_is_provisional(a, b)`` (any year from a to b provisional or missing: a deadline
computed across such a year may move), ``clear_cache(years=None)``.

Nothing here raises for a year without data: such a year is Mon–Fri and provisional. Only going
beyond date.min / date.max raises OverflowError.

Performance: each process keeps, per year, the working-day flags, the sorted working days and a
running count, built from one query per year (several years at once where possible) and kept for
WORKCAL_CACHE_SECONDS. The calendar services clear it at once in the process that writes; other
processes (Celery workers) must call ``clear_cache(years)`` when they react to
``portal.workcal.signals.calendar_changed``. add_working_days and working_days_between cost O(1)
per year crossed, not per day.
"""

from __future__ import annotations

import calendar
import operator
import time
from array import array
from dataclasses import dataclass
from datetime import date

from django.core.signals import setting_changed
from django.dispatch import receiver

from portal.workcal import conf

CONFIRMED = "confirmed"
PROVISIONAL = "provisional"
MISSING = "missing"

# Attribute set on the services' on-commit callbacks (see _uncommitted_change).
AFTER_COMMIT_MARKER = "workcal_calendar_change"

MIN_ORDINAL = date.min.toordinal()
MAX_ORDINAL = date.max.toordinal()


@dataclass(frozen=True, slots=True)
class _Year:
    year: int
    status: str
    first: int  # ordinal of 1 January
    flags: bytes  # flags[i] == 1 when day i of the year is a working day
    upto: array  # upto[i] = working days among days 0..i of the year
    workdays: tuple[int, ...]  # ordinals of the working days, ascending
    loaded_at: float


_cache: dict[int, _Year] = {}
_settings: tuple | None = None  # (cache seconds, weekend days, start day counts)


def _conf() -> tuple:
    global _settings
    if _settings is None:
        _settings = (conf.cache_seconds(), conf.weekend_days(), conf.start_day_counts())
    return _settings


@receiver(setting_changed)
def _on_setting_changed(*, setting, **kwargs):
    if setting.startswith("WORKCAL_"):
        clear_cache()


def clear_cache(years=None) -> None:
    """Forget the cached years (all of them when `years` is None); they reload on next use."""
    global _settings
    if years is None:
        _cache.clear()
        _settings = None
    else:
        for year in years:
            _cache.pop(year, None)


def _build(year: int, status: str, exceptions: dict[int, bool], weekend: frozenset[int], now: float) -> _Year:
    first = date(year, 1, 1).toordinal()
    length = 366 if calendar.isleap(year) else 365
    weekday = date(year, 1, 1).weekday()
    flags = bytearray(length)
    for i in range(length):
        flags[i] = (weekday + i) % 7 not in weekend
    for ordinal, works in exceptions.items():
        flags[ordinal - first] = works
    upto = array("H", bytes(2 * length))
    workdays = []
    count = 0
    for i in range(length):
        if flags[i]:
            count += 1
            workdays.append(first + i)
        upto[i] = count
    return _Year(year, status, first, bytes(flags), upto, tuple(workdays), now)


def _load(first_year: int, last_year: int) -> dict[int, _Year]:
    """(Re)load the years first_year..last_year with one query; returns them."""
    from portal.workcal.models import CalendarYear

    rows = CalendarYear.objects.filter(year__gte=first_year, year__lte=last_year).values_list(
        "year", "status", "days__date", "days__is_workday"
    )
    found: dict[int, tuple[str, dict[int, bool]]] = {}
    for year, status, day, works in rows:
        entry = found.setdefault(year, (status, {}))
        if day is not None and day.year == year:
            entry[1][day.toordinal()] = bool(works)
    _seconds, weekend, _counts = _conf()
    now = time.monotonic()
    keep = not _uncommitted_change()
    loaded = {}
    for year in range(first_year, last_year + 1):
        status, exceptions = found.get(year, (MISSING, {}))
        loaded[year] = _build(year, status, exceptions, weekend, now)
        if keep:
            _cache[year] = loaded[year]
    return loaded


def _uncommitted_change() -> bool:
    """True inside a transaction that has changed the calendar and not committed yet.

    What such a transaction reads must not be cached: it may still roll back. The services
    register `after_commit_marker`-tagged callbacks; Django drops them on rollback and runs (then
    forgets) them on commit, so their presence is exactly "changed, not yet committed".
    """
    from django.db import connection

    return connection.in_atomic_block and any(
        getattr(entry[1], AFTER_COMMIT_MARKER, False) for entry in connection.run_on_commit
    )


def _years(first_year: int, last_year: int) -> dict[int, _Year]:
    """The years first_year..last_year (clamped to the date range), with at most one query."""
    first_year = max(first_year, date.min.year)
    last_year = min(last_year, date.max.year)
    now = time.monotonic()
    ttl = _conf()[0]
    result = {}
    stale = []
    for year in range(first_year, last_year + 1):
        entry = _cache.get(year)
        if entry is not None and now - entry.loaded_at < ttl:
            result[year] = entry
        else:
            stale.append(year)
    if stale:
        result.update(_load(stale[0], stale[-1]))
    return result


def _year(year: int) -> _Year:
    entry = _cache.get(year)
    if entry is not None and time.monotonic() - entry.loaded_at < _conf()[0]:
        return entry
    return _years(year, year)[year]


def _check_date(d) -> None:
    if not isinstance(d, date):
        raise TypeError(f"expected a date, got {type(d).__name__}")


def _year_of(ordinal: int) -> int:
    if ordinal < MIN_ORDINAL:
        return date.min.year
    if ordinal > MAX_ORDINAL:
        return date.max.year
    return date.fromordinal(ordinal).year


# -- the interface ------------------------------------------------------------------------------


def is_workday(d: date) -> bool:
    _check_date(d)
    entry = _year(d.year)
    return bool(entry.flags[d.toordinal() - entry.first])


def year_status(year: int) -> str:
    """The status of `year`: "confirmed", "provisional" or "missing" (no data: Mon–Fri)."""
    year = operator.index(year)
    if not date.min.year <= year <= date.max.year:
        return MISSING
    return _year(year).status


def is_provisional(d: date) -> bool:
    _check_date(d)
    return _year(d.year).status != CONFIRMED


def range_is_provisional(a: date, b: date) -> bool:
    """True when any year from a's to b's (either order) is provisional or missing."""
    _check_date(a)
    _check_date(b)
    first, last = sorted((a.year, b.year))
    return any(entry.status != CONFIRMED for entry in _years(first, last).values())


def _nth_after(ordinal: int, n: int) -> int:
    """Ordinal of the n-th (n >= 1) working day strictly after `ordinal`."""
    year = _year_of(ordinal)
    # One query for the years this is likely to cross (about 240 working days a year at least).
    estimate = min(ordinal + n * 366 // 240 + 31, MAX_ORDINAL)
    entries = _years(year, _year_of(estimate))
    entry = entries[year]
    i = ordinal - entry.first
    done = entry.upto[i] if i >= 0 else 0
    while True:
        available = len(entry.workdays) - done
        if n <= available:
            return entry.workdays[done + n - 1]
        n -= available
        year += 1
        if year > date.max.year:
            raise OverflowError("date value out of range")
        entry = entries.get(year) or _year(year)
        done = 0


def _nth_before(ordinal: int, n: int) -> int:
    """Ordinal of the n-th (n >= 1) working day strictly before `ordinal`."""
    year = _year_of(ordinal)
    estimate = max(ordinal - n * 366 // 240 - 31, MIN_ORDINAL)
    entries = _years(_year_of(estimate), year)
    entry = entries[year]
    i = ordinal - entry.first
    if i >= len(entry.flags):
        before = len(entry.workdays)
    else:
        before = entry.upto[i] - entry.flags[i]
    while True:
        if n <= before:
            return entry.workdays[before - n]
        n -= before
        year -= 1
        if year < date.min.year:
            raise OverflowError("date value out of range")
        entry = entries.get(year) or _year(year)
        before = len(entry.workdays)


def add_working_days(start: date, n: int) -> date:
    _check_date(start)
    n = operator.index(n)
    if n == 0:
        return start
    ordinal = start.toordinal()
    start_counts = _conf()[2]
    if n > 0:
        return date.fromordinal(_nth_after(ordinal - 1 if start_counts else ordinal, n))
    return date.fromordinal(_nth_before(ordinal + 1 if start_counts else ordinal, -n))


def _count_upto(entry: _Year, ordinal: int) -> int:
    """Working days of the entry's year up to and including `ordinal`."""
    i = ordinal - entry.first
    if i < 0:
        return 0
    if i >= len(entry.upto):
        return len(entry.workdays)
    return entry.upto[i]


def working_days_between(a: date, b: date) -> int:
    _check_date(a)
    _check_date(b)
    low = a.toordinal() - (1 if _conf()[2] else 0)  # count the days d with low < d <= b
    return _count_between(low, b.toordinal())


def working_days_after(a: date, b: date) -> int:
    """Working days d with a < d <= b, whatever WORKCAL_START_DAY_COUNTS says.

    For intervals that are not counted from a start day: the working days a pause stopped the
    clock for (the pause day itself was still running; the resume day is like a new start).
    """
    _check_date(a)
    _check_date(b)
    return _count_between(a.toordinal(), b.toordinal())


def _count_between(low: int, high: int) -> int:
    if high <= low:
        return 0
    b = date.fromordinal(high)
    total = 0
    for entry in _years(_year_of(low), b.year).values():
        total += _count_upto(entry, high) - _count_upto(entry, low)
    return total
