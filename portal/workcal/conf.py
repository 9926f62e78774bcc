"""Settings of the working-day calendar, read when used (so `override_settings` works in tests).

None of these is in settings.py; each is read with ``getattr(settings, NAME, default)``. Set one in
settings.py (or from the environment there) to change it. See docs/calendar.md.
"""

from django.conf import settings

DEFAULTS = {
    # Does the start day itself count as working day 1 of a time limit? The default is the
    # practice "自受理之日起" (time limits run from the day after acceptance): it does not.
    "WORKCAL_START_DAY_COUNTS": False,
    # Each process keeps every year's exceptions in memory and reloads a year after this many
    # seconds (the calendar services also clear the cache at once in the process that writes).
    "WORKCAL_CACHE_SECONDS": 60,
    # Weekly rest days, as date.weekday() numbers (Monday = 0). Basis: 国务院关于职工工作时间的规定
    # (国务院令第174号, 1995), art. 7: 国家机关、事业单位实行统一的工作时间，星期六和星期日为周休息日.
    # The calendar stores only the exceptions to this week (holidays, make-up working days).
    "WORKCAL_WEEKEND_DAYS": (5, 6),
    # Default year range of `manage.py calendar_seed` (None as the last year: next year).
    "WORKCAL_SEED_FROM_YEAR": 2004,
    "WORKCAL_SEED_TO_YEAR": None,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


def start_day_counts() -> bool:
    return bool(get("WORKCAL_START_DAY_COUNTS"))


def cache_seconds() -> float:
    return float(get("WORKCAL_CACHE_SECONDS"))


def weekend_days() -> frozenset[int]:
    return frozenset(int(d) for d in get("WORKCAL_WEEKEND_DAYS"))


def seed_from_year() -> int:
    return int(get("WORKCAL_SEED_FROM_YEAR"))


def seed_to_year() -> int | None:
    value = get("WORKCAL_SEED_TO_YEAR")
    return None if value is None else int(value)
