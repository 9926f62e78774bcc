"""Small helpers the providers share: periods, signals, money in 万元, chart skeletons.

They hold no data and import nothing above coordination, so every app's provider may use them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from . import conf


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def year_start(day: datetime.date) -> datetime.date:
    return day.replace(month=1, day=1)


def add_months(first: datetime.date, months: int) -> datetime.date:
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def trend_months(today: datetime.date, months: int | None = None) -> list[datetime.date]:
    """The first days of the last `months` months, the current one last."""
    months = months or conf.OVERVIEW_TREND_MONTHS
    current = month_start(today)
    return [add_months(current, -n) for n in range(months - 1, -1, -1)]


def rate_signal(rate: float | None, count: int = 1) -> str:
    """green / yellow / red for an on-time rate (0..1); "" when there is nothing to rate."""
    if rate is None or not count:
        return ""
    if rate >= conf.OVERVIEW_ON_TIME_TARGET:
        return "green"
    if rate >= conf.OVERVIEW_ON_TIME_WARNING:
        return "yellow"
    return "red"


def percent(part: int, whole: int) -> float | None:
    """part / whole as a percentage with one decimal; None when whole is 0."""
    return round(100 * part / whole, 1) if whole else None


def wan(amount) -> float:
    """Yuan to 万元 (ten thousand yuan), two decimals."""
    if amount is None:
        return 0.0
    return float((Decimal(amount) / Decimal(10000)).quantize(Decimal("0.01")))


def bar_line_option(*, categories, bars, bar_name, line=None, line_name="", line_max=None) -> dict:
    """A bar series with an optional line on a second axis (e.g. volume and on-time rate)."""
    series = [
        {"name": bar_name, "type": "bar", "data": bars, "barMaxWidth": 36, "itemStyle": {"color": "#3b82f6"}}
    ]
    y_axes = [{"type": "value", "minInterval": 1}]
    if line is not None:
        series.append(
            {
                "name": line_name,
                "type": "line",
                "yAxisIndex": 1,
                "data": line,
                "smooth": True,
                "connectNulls": True,
                "itemStyle": {"color": "#22c55e"},
            }
        )
        axis = {"type": "value", "min": 0}
        if line_max is not None:
            axis["max"] = line_max
        y_axes.append(axis)
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 44, "right": 44 if line is not None else 16, "top": 36, "bottom": 28},
        "xAxis": {"type": "category", "data": categories},
        "yAxis": y_axes,
        "series": series,
    }


def pie_option(*, name: str, data: list[dict]) -> dict:
    """A ring chart of {"name", "value"} slices."""
    return {
        "tooltip": {"trigger": "item"},
        "legend": {"bottom": 0, "type": "scroll"},
        "series": [
            {
                "name": name,
                "type": "pie",
                "radius": ["40%", "68%"],
                "center": ["50%", "45%"],
                "label": {"formatter": "{b}: {c}"},
                "data": data,
            }
        ],
    }
