"""The seeded calendar against chinesecalendar, day by day for 2004–2026.

chinesecalendar is an independent source (its own data file). The two disagree on exactly one day,
2005-12-31, which the State Council notice for 2006 (国办发明电〔2005〕35号) makes a working day;
our calendar records it as an override with that reference, and the oracle here is corrected for
that one day only.
"""

import functools
from datetime import date, timedelta

import chinese_calendar
import pytest
from django.test import override_settings

from portal.workcal.days import add_working_days, is_workday, working_days_between
from portal.workcal.models import CalendarDay

pytestmark = pytest.mark.django_db

FIRST, LAST = date(2004, 1, 1), date(2026, 12, 31)
# The single documented disagreement: chinesecalendar says rest day, the notice says working day.
SETTLED = {date(2005, 12, 31): True}


@functools.cache
def oracle_is_workday(d: date) -> bool:
    if d in SETTLED:
        return SETTLED[d]
    return chinese_calendar.is_workday(d)


def oracle_add(start: date, n: int, *, start_counts: bool = False) -> date:
    """Walk day by day, counting working days (the definition, written independently)."""
    if n == 0:
        return start
    step = timedelta(days=1 if n > 0 else -1)
    d = start
    if start_counts:
        if oracle_is_workday(start):
            if abs(n) == 1:
                return start
            counted = 1
        else:
            counted = 0
    else:
        counted = 0
    while counted < abs(n):
        d += step
        if oracle_is_workday(d):
            counted += 1
    return d


def oracle_between(a: date, b: date) -> int:
    count, d = 0, a
    while d < b:
        d += timedelta(days=1)
        count += oracle_is_workday(d)
    return count


def every_day(first: date, last: date):
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)


def test_is_workday_matches_chinesecalendar_for_every_day_2004_2026_but_one():
    disagreements = [d for d in every_day(FIRST, LAST) if is_workday(d) != chinese_calendar.is_workday(d)]
    assert disagreements == [date(2005, 12, 31)]


def test_2005_12_31_is_a_working_day_with_the_notice_recorded():
    assert is_workday(date(2005, 12, 31)) is True
    row = CalendarDay.objects.get(date=date(2005, 12, 31))
    assert row.is_workday
    assert row.reference == "国办发明电〔2005〕35号"
    assert "12月31日（星期六）上班" in row.note


# Around National Day 2025 (holiday 10-01..10-08, make-up Saturday 10-11, Sunday 09-28) and the
# Spring Festivals of 2024 (make-up 02-04 and 02-18) and 2025 (make-up 01-26 and 02-08).
CLUSTERS = [
    (date(2025, 9, 20), date(2025, 10, 15)),
    (date(2025, 1, 18), date(2025, 2, 14)),
    (date(2024, 1, 30), date(2024, 2, 26)),
    (date(2020, 1, 20), date(2020, 2, 5)),  # the 2020 extension (春节延长假期)
    (date(2005, 12, 24), date(2006, 1, 8)),  # the settled 2005-12-31
]


@pytest.mark.parametrize(("first", "last"), CLUSTERS, ids=lambda d: d.isoformat())
def test_add_working_days_around_holiday_clusters(first, last):
    for start in every_day(first, last):
        for n in [*range(-12, 13), 20, 30, 60]:
            assert add_working_days(start, n) == oracle_add(start, n), (start, n)


def test_add_working_days_from_every_holiday_and_make_up_day():
    window = (date(2004, 2, 1), date(2026, 9, 30))  # room for the oracle on both sides
    starts = list(CalendarDay.objects.filter(date__range=window).values_list("date", flat=True))
    assert len(starts) > 400
    for start in starts:
        for n in (1, 2, 5, 10, 20, -1, -3, -10):
            assert add_working_days(start, n) == oracle_add(start, n), (start, n)


def test_add_working_days_sampled_over_2004_2026():
    for start in every_day(date(2004, 2, 15), date(2026, 9, 30)):
        if start.toordinal() % 3:
            continue
        for n in (1, 3, 7, 20, 60, -2, -20):
            assert add_working_days(start, n) == oracle_add(start, n), (start, n)


def test_working_days_between_sampled_over_2004_2026():
    for a in every_day(date(2004, 1, 1), date(2026, 8, 1)):
        if a.toordinal() % 11:
            continue
        for span in (0, 1, 6, 13, 45, 120):
            b = a + timedelta(days=span)
            assert working_days_between(a, b) == oracle_between(a, b), (a, b)
    assert working_days_between(date(2004, 1, 1), date(2026, 12, 31)) == oracle_between(
        date(2004, 1, 1), date(2026, 12, 31)
    )


@override_settings(WORKCAL_START_DAY_COUNTS=True)
def test_start_day_counts_setting_against_the_oracle():
    for first, last in CLUSTERS:
        for start in every_day(first, last):
            for n in (1, 2, 5, 10, -1, -2, -5):
                assert add_working_days(start, n) == oracle_add(start, n, start_counts=True), (start, n)
            b = start + timedelta(days=17)
            assert working_days_between(start, b) == oracle_between(start - timedelta(days=1), b)
