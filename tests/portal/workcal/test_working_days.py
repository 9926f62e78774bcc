"""The public interface: definitions, provisional years, missing years, properties, query counts."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.workcal import days
from portal.workcal.days import (
    add_working_days,
    is_provisional,
    is_workday,
    range_is_provisional,
    working_days_between,
    year_status,
)
from portal.workcal.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# 2003 and 2028 have no data: the properties must hold across missing years too.
any_date = st.dates(min_value=date(2003, 1, 1), max_value=date(2028, 12, 31))
any_n = st.integers(min_value=-400, max_value=400)


# -- definitions ----------------------------------------------------------------------------------


def test_the_start_day_does_not_count_by_default():
    # Monday 2026-03-09 .. Friday 2026-03-13: an ordinary week.
    monday = date(2026, 3, 9)
    assert add_working_days(monday, 1) == date(2026, 3, 10)
    assert add_working_days(monday, 4) == date(2026, 3, 13)
    assert add_working_days(monday, 5) == date(2026, 3, 16)  # over the weekend
    assert add_working_days(monday, 0) == monday
    assert add_working_days(monday, -1) == date(2026, 3, 6)
    assert working_days_between(monday, date(2026, 3, 13)) == 4
    assert working_days_between(monday, monday) == 0
    assert working_days_between(date(2026, 3, 13), monday) == 0


def test_national_day_2025():
    # 09-28 (Sunday) and 10-11 (Saturday) are make-up working days; 10-01..10-08 are off.
    assert is_workday(date(2025, 9, 28)) and is_workday(date(2025, 10, 11))
    assert not any(is_workday(date(2025, 10, d)) for d in range(1, 9))
    assert add_working_days(date(2025, 9, 27), 1) == date(2025, 9, 28)
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert add_working_days(date(2025, 10, 3), 2) == date(2025, 10, 10)
    assert add_working_days(date(2025, 10, 3), 3) == date(2025, 10, 11)
    assert add_working_days(date(2025, 10, 9), -1) == date(2025, 9, 30)
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 11)) == 3


@override_settings(WORKCAL_START_DAY_COUNTS=True)
def test_the_start_day_counts_when_the_setting_says_so():
    monday = date(2026, 3, 9)
    assert add_working_days(monday, 1) == monday
    assert add_working_days(monday, 5) == date(2026, 3, 13)
    assert add_working_days(monday, 0) == monday
    assert add_working_days(monday, -1) == monday
    assert add_working_days(monday, -2) == date(2026, 3, 6)
    # A start on a holiday: day 1 is the first working day after it.
    assert add_working_days(date(2025, 10, 1), 1) == date(2025, 10, 9)
    assert working_days_between(monday, date(2026, 3, 13)) == 5
    assert working_days_between(monday, monday) == 1
    assert working_days_between(date(2025, 10, 1), date(2025, 10, 1)) == 0
    assert working_days_between(date(2026, 3, 13), monday) == 0


def test_is_workday_rejects_what_is_not_a_date():
    with pytest.raises(TypeError):
        is_workday("2026-01-01")


# -- provisional and missing years -----------------------------------------------------------------


def test_year_status_of_the_seeded_calendar():
    assert year_status(2004) == "confirmed"
    assert year_status(2026) == "confirmed"
    assert year_status(2027) == "provisional"
    assert year_status(2003) == "missing"
    assert year_status(2040) == "missing"
    assert year_status(0) == "missing"


def test_a_deadline_crossing_into_2027_is_provisional():
    start = date(2026, 12, 15)
    due = add_working_days(start, 20)
    assert due.year == 2027
    assert not is_provisional(start)
    assert is_provisional(due)
    assert range_is_provisional(start, due)
    assert not range_is_provisional(start, add_working_days(start, 5))
    # 2027 has provisional data (New Year's Day from the package), not a bare Mon–Fri.
    assert not is_workday(date(2027, 1, 1))


def test_a_year_without_data_is_monday_to_friday_and_provisional():
    assert not CalendarYear.objects.filter(year=2040).exists()
    d = date(2040, 1, 1)  # a Sunday; New Year's Day would be a holiday, but 2040 has no data
    assert year_status(2040) == "missing"
    assert is_provisional(d)
    week = [d + timedelta(days=i) for i in range(1, 8)]
    assert [is_workday(x) for x in week] == [True, True, True, True, True, False, False]
    assert add_working_days(d, 5) == date(2040, 1, 6)  # Monday 2 .. Friday 6
    assert working_days_between(date(2039, 12, 29), date(2040, 1, 31)) == 23


def test_far_future_years_work():
    assert add_working_days(date(2100, 6, 1), 10) == date(2100, 6, 15)
    assert is_provisional(date(2100, 6, 15))
    assert working_days_between(date(2026, 1, 1), date(2100, 1, 1)) > 70 * 250
    end = add_working_days(date(2026, 1, 1), 100_000)
    assert end.year > 2400
    assert working_days_between(date(2026, 1, 1), end) == 100_000


def test_the_ends_of_the_date_range():
    assert add_working_days(date(9999, 12, 30), 1) == date(9999, 12, 31)  # a Friday
    with pytest.raises(OverflowError):
        add_working_days(date(9999, 12, 30), 5)
    with pytest.raises(OverflowError):
        add_working_days(date(1, 1, 2), -5)


# -- properties ------------------------------------------------------------------------------------


@HYPOTHESIS
@given(a=any_date, n=any_n)
def test_between_inverts_add(a, n):
    if n >= 0:
        assert working_days_between(a, add_working_days(a, n)) == n


@HYPOTHESIS
@given(a=any_date, b=any_date)
def test_add_inverts_between(a, b):
    if b > a and is_workday(b):
        assert add_working_days(a, working_days_between(a, b)) == b


@HYPOTHESIS
@given(a=any_date, n=st.integers(min_value=1, max_value=400))
def test_backwards_inverts_forwards_from_a_working_day(a, n):
    if is_workday(a):
        assert add_working_days(add_working_days(a, -n), n) == a
        assert add_working_days(add_working_days(a, n), -n) == a


@HYPOTHESIS
@given(a=any_date, n1=any_n, n2=any_n)
def test_monotonic_in_n(a, n1, n2):
    n1, n2 = sorted((n1, n2))
    assert add_working_days(a, n1) <= add_working_days(a, n2)
    if n1 < n2:
        assert add_working_days(a, n1) < add_working_days(a, n2)


@HYPOTHESIS
@given(a1=any_date, a2=any_date, n=any_n)
def test_monotonic_in_start(a1, a2, n):
    a1, a2 = sorted((a1, a2))
    assert add_working_days(a1, n) <= add_working_days(a2, n)


@HYPOTHESIS
@given(a=any_date, n=any_n)
def test_the_result_is_a_working_day(a, n):
    result = add_working_days(a, n)
    if n != 0:
        assert is_workday(result)
        assert (result > a) == (n > 0)


@HYPOTHESIS
@given(a=any_date, b=any_date, c=any_date)
def test_between_adds_up(a, b, c):
    a, b, c = sorted((a, b, c))
    assert working_days_between(a, c) == working_days_between(a, b) + working_days_between(b, c)


@override_settings(WORKCAL_START_DAY_COUNTS=True)
@HYPOTHESIS
@given(a=any_date, b=any_date, n=st.integers(min_value=1, max_value=400))
def test_properties_when_the_start_day_counts(a, b, n):
    assert working_days_between(a, add_working_days(a, n)) == n
    if b >= a and is_workday(b):
        assert add_working_days(a, working_days_between(a, b)) == b
    assert add_working_days(a, n) >= a
    assert add_working_days(a, -n) <= a


# -- cache and query counts ------------------------------------------------------------------------


def test_one_query_per_year_at_most_cold_and_none_warm(
    django_assert_max_num_queries, django_assert_num_queries
):
    start = date(2026, 11, 20)
    days.clear_cache()
    with django_assert_max_num_queries(2):  # 2026 and 2027
        due = add_working_days(start, 60)
    assert due.year == 2027
    with django_assert_num_queries(0):
        assert add_working_days(start, 60) == due
        assert working_days_between(start, due) == 60
        assert is_provisional(due)
        assert is_workday(due)


def test_a_span_of_many_years_is_one_query_cold(django_assert_max_num_queries):
    days.clear_cache()
    with django_assert_max_num_queries(1):
        working_days_between(date(2004, 1, 1), date(2100, 12, 31))
    with django_assert_max_num_queries(1):
        add_working_days(date(2004, 1, 1), 250 * 20)


def test_within_one_year_one_query_cold(django_assert_num_queries):
    days.clear_cache()
    with django_assert_num_queries(1):
        add_working_days(date(2025, 3, 3), 60)
        is_workday(date(2025, 12, 1))
        is_provisional(date(2025, 1, 1))


def test_the_cache_reloads_after_its_lifetime():
    d = date(2040, 5, 7)  # a Monday in a year without data
    assert is_workday(d)
    year = CalendarYear.objects.create(year=2040)
    CalendarDay.objects.create(year=year, date=d, is_workday=False, name="test")
    assert is_workday(d)  # still cached
    with override_settings(WORKCAL_CACHE_SECONDS=0):
        assert not is_workday(d)
        assert year_status(2040) == "provisional"


def test_clear_cache_forgets_a_year():
    d = date(2041, 5, 6)
    assert is_workday(d)
    year = CalendarYear.objects.create(year=2041)
    CalendarDay.objects.create(year=year, date=d, is_workday=False, name="test")
    days.clear_cache([2041])
    assert not is_workday(d)
