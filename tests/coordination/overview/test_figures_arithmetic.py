"""The small arithmetic the providers share: months, 万元, on-time signals."""

import datetime
import itertools
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from approvals.supervision import stats
from coordination.overview import conf, figures

months = st.dates(min_value=datetime.date(2001, 1, 1), max_value=datetime.date(2099, 12, 31))


@given(months, st.integers(min_value=-300, max_value=300))
def test_add_months_moves_whole_months(day, n):
    first = figures.month_start(day)
    moved = figures.add_months(first, n)
    assert moved.day == 1
    assert (moved.year * 12 + moved.month) - (first.year * 12 + first.month) == n
    assert figures.add_months(moved, -n) == first
    assert stats.add_months(first, n) == moved


@given(months)
def test_trend_months_are_the_last_twelve_ending_with_this_one(day):
    trend = figures.trend_months(day)
    assert len(trend) == conf.OVERVIEW_TREND_MONTHS
    assert trend[-1] == day.replace(day=1)
    assert all(figures.add_months(a, 1) == b for a, b in itertools.pairwise(trend))


@given(st.decimals(min_value=0, max_value=Decimal("1e12"), places=2))
def test_wan_is_yuan_divided_by_ten_thousand(amount):
    assert abs(Decimal(str(figures.wan(amount))) - amount / 10000) <= Decimal("0.005")


@given(st.floats(min_value=0, max_value=1), st.floats(min_value=0, max_value=1))
def test_a_higher_rate_never_shows_a_worse_signal(a, b):
    rank = {"red": 0, "yellow": 1, "green": 2}
    low, high = sorted((a, b))
    assert rank[figures.rate_signal(low)] <= rank[figures.rate_signal(high)]
    assert figures.rate_signal(high, count=0) == ""


def test_signal_thresholds():
    assert figures.rate_signal(conf.OVERVIEW_ON_TIME_TARGET) == "green"
    assert figures.rate_signal(conf.OVERVIEW_ON_TIME_WARNING) == "yellow"
    assert figures.rate_signal(conf.OVERVIEW_ON_TIME_WARNING - 0.01) == "red"
    assert figures.percent(1, 3) == 33.3 and figures.percent(1, 0) is None
