"""Seeding the calendar from the `holidays` package (China, with make-up working days).

Two layers:

- `exceptions_from_holidays(year)`: pure. The exceptions to the Mon–Fri week for one year, from
  the package, with our recorded `OVERRIDES` applied on top.
- `seed_years(...)`: writes those exceptions for a range of years, given the model classes (so the
  data migration can pass its historical models). Idempotent; it never changes a confirmed year
  or one an administrator has edited. Outside migrations call it through
  `portal.workcal.services.calendar_seed`, which adds the transaction, the audit event, the cache
  clearing and the change signal.

How the package exposes make-up working days: `holidays.China` (holidays 0.109) keeps the
State Council's substituted days in `ChinaStaticHolidays.special_public_holidays`; when a year is
populated, each weekend day that becomes a working day is added to the instance's
`weekend_workdays` set, and `is_working_day(d)` answers from it. A make-up day can lie in the year
*before* the holiday it pays for (2005-12-31 pays for 2006-01-03), so a year is built from an
instance populated with the years before and after it too.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from portal.workcal.models import YearStatus

# Stored names of make-up working days (the package names only the days off).
MAKEUP_WORKDAY_NAME = "调休上班"
# Name of a day off the package gives without a name (only with a non-standard weekend setting).
DAY_OFF_NAME = "休息日"

# Stored as CalendarYear.source.
SOURCE_CHECKED = "holidays package, checked against State Council notices"
SOURCE_ESTIMATED = "holidays package (estimated: no State Council notice yet)"

# Years whose package data has been checked day by day against the State Council notices and
# against chinesecalendar (tests/portal/workcal/test_calendar_oracle.py does it on every run).
# Seeding creates these years as confirmed; every other year is created provisional.
CHECKED_YEARS = range(2004, 2027)

# The package's country calendar and the language of the stored day names.
HOLIDAYS_COUNTRY = "CN"
HOLIDAYS_LANGUAGE = "zh_CN"


@dataclass(frozen=True)
class DayException:
    date: date
    is_workday: bool
    name: str
    reference: str = ""
    note: str = ""


# Days settled from an official document, applied on top of the package whatever its version says.
OVERRIDES: tuple[DayException, ...] = (
    DayException(
        date=date(2005, 12, 31),
        is_workday=True,
        name=MAKEUP_WORKDAY_NAME,
        reference="国办发明电〔2005〕35号",
        note=(
            "国务院办公厅关于2006年部分节假日安排的通知 (2005-12-16): “12月31日（星期六）上班”. "
            "chinesecalendar 1.11 treats this Saturday as a rest day; the notice settles it as a "
            "working day (the holidays package agrees)."
        ),
    ),
)


def default_is_workday(d: date, weekend_days: frozenset[int]) -> bool:
    return d.weekday() not in weekend_days


def _days_of(year: int):
    first = date(year, 1, 1)
    for i in range(366 if calendar.isleap(year) else 365):
        yield first + timedelta(days=i)


def exceptions_from_holidays(year: int, *, weekend_days: frozenset[int] | None = None) -> list[DayException]:
    """The exceptions to the week (`weekend_days`, default conf.weekend_days()) in `year`.

    A weekday the package makes a day off, and a weekly rest day it makes a working day, each
    with the package's name (Chinese) — then `OVERRIDES` for the year, which win.
    """
    import holidays

    if weekend_days is None:
        from portal.workcal import conf

        weekend_days = conf.weekend_days()
    first_year = holidays.country_holidays(HOLIDAYS_COUNTRY).start_year
    years = [y for y in (year - 1, year, year + 1) if first_year <= y <= date.max.year]
    package = holidays.country_holidays(HOLIDAYS_COUNTRY, years=years, language=HOLIDAYS_LANGUAGE)
    found: dict[date, DayException] = {}
    for d in _days_of(year):
        works = package.is_working_day(d)
        if works == default_is_workday(d, weekend_days):
            continue
        name = MAKEUP_WORKDAY_NAME if works else (package.get(d) or DAY_OFF_NAME)
        found[d] = DayException(date=d, is_workday=works, name=name)
    for override in OVERRIDES:
        if override.date.year != year:
            continue
        if override.is_workday == default_is_workday(override.date, weekend_days):
            found.pop(override.date, None)
        else:
            found[override.date] = override
    return [found[d] for d in sorted(found)]


def package_version() -> str:
    import holidays

    return f"holidays {holidays.__version__}"


def _row_key(day) -> tuple:
    return (day.date, bool(day.is_workday), day.name, day.reference, day.note)


def seed_years(
    *,
    year_model,
    day_model,
    years,
    now,
    checked_years=CHECKED_YEARS,
    weekend_days: frozenset[int] | None = None,
) -> list[int]:
    """Fill `years` from the package. Returns the years whose days or status changed.

    - a missing year is created, confirmed when it is in `checked_years`, else provisional;
    - an existing year that is confirmed, or that an administrator has edited, is left alone;
    - any other existing year (seeded, provisional, untouched) is brought up to date with the
      package: its days are replaced when they differ, and it is confirmed when it is now in
      `checked_years`.

    Runs in the caller's transaction. `year_model` / `day_model` may be historical models.
    """
    years = sorted(set(years))
    existing = {row.year: row for row in year_model.objects.filter(year__in=years)}
    version = package_version()
    changed = []
    for year in years:
        row = existing.get(year)
        if row is not None and (row.status == YearStatus.CONFIRMED or row.edited):
            continue
        wanted = exceptions_from_holidays(year, weekend_days=weekend_days)
        checked = year in checked_years
        status = YearStatus.CONFIRMED if checked else YearStatus.PROVISIONAL
        source = SOURCE_CHECKED if checked else SOURCE_ESTIMATED
        if row is None:
            row = year_model.objects.create(
                year=year,
                status=status,
                source=source,
                confirmed_at=now if checked else None,
                note=version,
            )
            _write_days(day_model, row, wanted)
            changed.append(year)
            continue
        current = {_row_key(day) for day in day_model.objects.filter(year=row)}
        days_differ = current != {_row_key(day) for day in wanted}
        if days_differ:
            day_model.objects.filter(year=row).delete()
            _write_days(day_model, row, wanted)
        if days_differ or row.status != status:
            row.status = status
            row.source = source
            row.confirmed_at = now if checked else None
            row.note = version
            row.save()
            changed.append(year)
    return changed


def _write_days(day_model, row, days: list[DayException]) -> None:
    day_model.objects.bulk_create(
        day_model(
            year=row,
            date=day.date,
            is_workday=day.is_workday,
            name=day.name,
            reference=day.reference,
            note=day.note,
        )
        for day in days
    )
