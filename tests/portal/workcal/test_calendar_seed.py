"""Seeding from the holidays package: the data migration's result and the idempotent command."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from portal.workcal import services
from portal.workcal.days import is_workday, year_status
from portal.workcal.models import CalendarDay, CalendarYear, YearStatus
from portal.workcal.seed import SOURCE_CHECKED, SOURCE_ESTIMATED, exceptions_from_holidays

pytestmark = pytest.mark.django_db

NOTICE = "国办发明电〔2026〕9号"  # made up for the tests


def snapshot(years):
    return sorted(
        CalendarDay.objects.filter(year__in=years).values_list(
            "date", "is_workday", "name", "reference", "note"
        )
    ), sorted(
        CalendarYear.objects.filter(year__in=years).values_list("year", "status", "source", "updated_at")
    )


def test_the_migration_seeded_2004_to_2027():
    years = dict(CalendarYear.objects.values_list("year", "status"))
    assert all(years[y] == YearStatus.CONFIRMED for y in range(2004, 2027))
    assert years[2027] == YearStatus.PROVISIONAL
    assert CalendarYear.objects.get(year=2026).source == SOURCE_CHECKED
    assert CalendarYear.objects.get(year=2027).source == SOURCE_ESTIMATED
    # Only exceptions are stored: no weekday is stored as a working day, no weekend as a day off.
    for d, works in CalendarDay.objects.values_list("date", "is_workday"):
        assert works == (d.weekday() >= 5)
    # Make-up days are there (调休), e.g. 2025-09-28, a Sunday.
    assert CalendarDay.objects.get(date=date(2025, 9, 28)).name == "调休上班"


def test_the_pure_helper_applies_the_override():
    days = {d.date: d for d in exceptions_from_holidays(2005)}
    assert days[date(2005, 12, 31)].reference == "国办发明电〔2005〕35号"
    assert days[date(2005, 12, 31)].is_workday


def test_the_command_is_idempotent(capsys):
    before = snapshot(range(2004, 2028))
    call_command("calendar_seed", "--from-year", "2004", "--to-year", "2027")
    assert "Nothing to change" in capsys.readouterr().out
    assert snapshot(range(2004, 2028)) == before


def test_the_command_recreates_a_missing_year_and_repairs_an_untouched_one(
    changes, django_capture_on_commit_callbacks
):
    expected_2027 = snapshot([2027])[0]
    CalendarYear.objects.filter(year=2027).delete()
    CalendarDay.objects.filter(date=date(2025, 10, 1)).delete()  # damage a seeded year directly...
    CalendarYear.objects.filter(year=2025).update(status=YearStatus.PROVISIONAL, confirmed_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("calendar_seed", "--from-year", "2025", "--to-year", "2027")
    assert snapshot([2027])[0] == expected_2027
    assert year_status(2027) == "provisional"
    assert not is_workday(date(2025, 10, 1))
    assert year_status(2025) == "confirmed"  # ... it is back to its checked state
    assert changes == [[2025, 2027]]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("calendar_seed", "--from-year", "2025", "--to-year", "2027")
    assert changes == [[2025, 2027]]  # nothing changed the second time


def test_the_command_never_overwrites_a_confirmed_or_edited_year(superuser):
    # An admin corrects 2026 (reopen, change a day, confirm again) and edits provisional 2027.
    services.calendar_year_reopen(actor=superuser, year=2026, reason="test")
    services.calendar_day_clear(actor=superuser, day=date(2026, 1, 1))
    services.calendar_year_confirm(actor=superuser, year=2026, reference=NOTICE)
    services.calendar_day_set(
        actor=superuser, day=date(2027, 2, 20), is_workday=True, name="调休上班", reference=NOTICE
    )
    before = snapshot([2026, 2027])
    call_command("calendar_seed", "--from-year", "2026", "--to-year", "2027")
    assert snapshot([2026, 2027]) == before
    assert is_workday(date(2026, 1, 1))
    assert is_workday(date(2027, 2, 20))


def test_the_command_seeds_future_years_provisional():
    call_command("calendar_seed", "--from-year", "2028", "--to-year", "2028")
    row = CalendarYear.objects.get(year=2028)
    assert row.status == YearStatus.PROVISIONAL
    assert row.source == SOURCE_ESTIMATED
    assert not is_workday(date(2028, 10, 2))  # National Day (a Monday), estimated


def test_the_command_refuses_a_reversed_range():
    with pytest.raises(CommandError):
        call_command("calendar_seed", "--from-year", "2027", "--to-year", "2026")
