"""Reads of the working-day calendar for pages. The calendar is the same for every user."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from django.utils.dates import MONTHS, WEEKDAYS_ABBR

from portal.workcal import conf
from portal.workcal.days import MISSING
from portal.workcal.models import CalendarDay, CalendarYear

WORKDAY, WEEKEND, HOLIDAY, MAKEUP = "workday", "weekend", "holiday", "makeup"


@dataclass(frozen=True)
class Cell:
    date: date
    in_month: bool
    kind: str  # WORKDAY, WEEKEND, HOLIDAY (a weekday off) or MAKEUP (a weekend working day)
    name: str = ""
    reference: str = ""


def calendar_year_page(*, user, year: int) -> dict:
    """Everything the year page shows: the year row (or None), 12 month grids, the exceptions."""
    row = CalendarYear.objects.select_related("confirmed_by").filter(year=year).first()
    exceptions = list(CalendarDay.objects.filter(year_id=year).order_by("date")) if row else []
    by_date = {d.date: d for d in exceptions}
    weekend = conf.weekend_days()
    grid = calendar.Calendar(firstweekday=calendar.MONDAY)
    months = []
    counts = {WORKDAY: 0, WEEKEND: 0, HOLIDAY: 0, MAKEUP: 0}
    for month in range(1, 13):
        weeks = []
        for week in grid.monthdatescalendar(year, month):
            cells = []
            for d in week:
                exception = by_date.get(d)
                if exception is not None:
                    kind = MAKEUP if exception.is_workday else HOLIDAY
                else:
                    kind = WEEKEND if d.weekday() in weekend else WORKDAY
                in_month = d.month == month
                if in_month:
                    counts[kind] += 1
                cells.append(
                    Cell(
                        date=d,
                        in_month=in_month,
                        kind=kind,
                        name=exception.name if exception else "",
                        reference=exception.reference if exception else "",
                    )
                )
            weeks.append(cells)
        months.append({"number": month, "name": MONTHS[month], "weeks": weeks})
    return {
        "year": year,
        "row": row,
        "status": row.status if row else MISSING,
        "months": months,
        "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
        "exceptions": exceptions,
        "working_days": counts[WORKDAY] + counts[MAKEUP],
        "holiday_count": counts[HOLIDAY],
        "makeup_count": counts[MAKEUP],
        "weekend_days": sorted(weekend),
    }
