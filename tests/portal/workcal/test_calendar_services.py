"""Calendar services: day set/clear, confirm/reopen, rules, permissions, the signal, the audit trail."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation

from portal.audit.models import AuditEvent
from portal.errors import Conflict, DomainError
from portal.workcal import services
from portal.workcal.days import add_working_days, is_provisional, is_workday, year_status
from portal.workcal.models import CalendarDay, CalendarYear, YearStatus
from tests.factories import OfficialFactory

pytestmark = pytest.mark.django_db

NOTICE_2027 = "国办发明电〔2026〕9号"  # a made-up reference for the tests


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# -- days ------------------------------------------------------------------------------------------


def test_set_a_weekday_off_and_a_weekend_working_day(superuser, changes, django_capture_on_commit_callbacks):
    monday, saturday = date(2027, 3, 1), date(2027, 3, 6)
    assert is_workday(monday) and not is_workday(saturday)
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_set(
            actor=superuser, day=monday, is_workday=False, name="测试假日", reference=""
        )
        # The process that writes sees the change at once, inside its transaction.
        assert not is_workday(monday)
        services.calendar_day_set(
            actor=superuser, day=saturday, is_workday=True, name="调休上班", reference=NOTICE_2027
        )
        assert changes == []  # nothing is sent before commit
    assert not is_workday(monday)
    assert is_workday(saturday)
    assert changes == [[2027], [2027]]
    assert CalendarDay.objects.get(date=saturday).reference == NOTICE_2027
    assert CalendarYear.objects.get(year=2027).edited


def test_change_and_clear_a_day(superuser, changes, django_capture_on_commit_callbacks):
    day = date(2027, 3, 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_set(actor=superuser, day=day, is_workday=False, name="A", reference="")
        services.calendar_day_set(actor=superuser, day=day, is_workday=False, name="B", reference="X")
        # Setting the same values again changes nothing and sends nothing.
        services.calendar_day_set(actor=superuser, day=day, is_workday=False, name="B", reference="X")
    assert CalendarDay.objects.get(date=day).name == "B"
    assert len(changes) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_clear(actor=superuser, day=day)
    assert not CalendarDay.objects.filter(date=day).exists()
    assert is_workday(day)
    assert changes[-1] == [2027]


def test_a_day_in_a_year_without_data_creates_the_year_provisional(superuser):
    services.calendar_day_set(
        actor=superuser, day=date(2040, 1, 2), is_workday=False, name="元旦", reference=""
    )
    assert year_status(2040) == "provisional"
    assert not is_workday(date(2040, 1, 2))


def test_a_weekend_working_day_needs_a_reference(superuser, changes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError) as exc:
        services.calendar_day_set(
            actor=superuser, day=date(2027, 3, 6), is_workday=True, name="调休上班", reference=" "
        )
    assert exc.value.field == "reference"
    assert "reference" in exc.value.message
    assert not CalendarDay.objects.filter(date=date(2027, 3, 6)).exists()
    assert changes == []


@pytest.mark.parametrize(
    ("day", "is_workday_", "name", "field"),
    [
        (date(2027, 3, 1), True, "x", "is_workday"),  # a Monday is a working day anyway
        (date(2027, 3, 6), False, "x", "is_workday"),  # a Saturday is off anyway
        (date(2027, 3, 1), False, "  ", "name"),
    ],
)
def test_pointless_or_incomplete_days_are_refused(superuser, day, is_workday_, name, field):
    with pytest.raises(DomainError) as exc:
        services.calendar_day_set(actor=superuser, day=day, is_workday=is_workday_, name=name, reference="R")
    assert exc.value.field == field


def test_a_confirmed_year_is_locked(superuser):
    with pytest.raises(Conflict, match="Reopen"):
        services.calendar_day_set(
            actor=superuser, day=date(2026, 3, 2), is_workday=False, name="x", reference=""
        )
    with pytest.raises(Conflict):
        services.calendar_day_clear(actor=superuser, day=date(2026, 1, 1))
    assert not is_workday(date(2026, 1, 1))


def test_clearing_nothing_is_refused(superuser):
    with pytest.raises(DomainError):
        services.calendar_day_clear(actor=superuser, day=date(2027, 3, 1))


# -- years -----------------------------------------------------------------------------------------


def test_confirm_and_reopen(superuser, changes, django_capture_on_commit_callbacks):
    due = add_working_days(date(2026, 12, 20), 15)
    assert is_provisional(due)
    with django_capture_on_commit_callbacks(execute=True):
        row = services.calendar_year_confirm(actor=superuser, year=2027, reference=f"  {NOTICE_2027} ")
    assert changes == [[2027]]
    row.refresh_from_db()
    assert row.status == YearStatus.CONFIRMED
    assert row.reference == NOTICE_2027
    assert row.confirmed_by == superuser
    assert row.confirmed_at is not None
    assert not is_provisional(due)

    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_year_reopen(actor=superuser, year=2027, reason="新通知")
    assert changes == [[2027], [2027]]
    row.refresh_from_db()
    assert row.status == YearStatus.PROVISIONAL
    assert row.confirmed_by is None and row.confirmed_at is None
    assert is_provisional(due)


def test_confirming_needs_a_reference(superuser):
    with pytest.raises(DomainError) as exc:
        services.calendar_year_confirm(actor=superuser, year=2027, reference="  ")
    assert exc.value.field == "reference"
    assert year_status(2027) == "provisional"


def test_confirm_and_reopen_refuse_the_wrong_state(superuser):
    with pytest.raises(Conflict):
        services.calendar_year_confirm(actor=superuser, year=2026, reference="R")
    with pytest.raises(Conflict):
        services.calendar_year_reopen(actor=superuser, year=2027)
    with pytest.raises(DomainError):
        services.calendar_year_confirm(actor=superuser, year=2040, reference="R")  # no such year


def test_a_year_without_holidays_cannot_be_confirmed(superuser):
    services.calendar_year_create(actor=superuser, year=2040)
    with pytest.raises(DomainError, match="no holidays"):
        services.calendar_year_confirm(actor=superuser, year=2040, reference="R")


def test_delete_a_provisional_year_but_not_a_confirmed_one(
    superuser, changes, django_capture_on_commit_callbacks
):
    with pytest.raises(Conflict):
        services.calendar_year_delete(actor=superuser, year=2026)
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_year_delete(actor=superuser, year=2027)
    assert year_status(2027) == "missing"
    assert is_workday(date(2027, 1, 1))  # New Year's Day 2027 is a Friday: Mon–Fri fallback
    assert changes == [[2027]]


# -- signal, rollback, permission, audit -------------------------------------------------------------


def test_no_signal_and_no_change_when_the_transaction_rolls_back(
    superuser, changes, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.calendar_year_confirm(actor=superuser, year=2027, reference=NOTICE_2027)
        assert year_status(2027) == "confirmed"  # the transaction sees its own change ...
        raise RuntimeError("something later in the same transaction failed")
    assert callbacks == []
    # ... but the cache kept nothing of it: the process sees the rolled-back state at once.
    assert changes == []
    assert year_status(2027) == "provisional"


def test_an_official_without_permission_is_refused(changes):
    official = OfficialFactory()
    with pytest.raises(PermissionDenied):
        services.calendar_day_set(
            actor=official, day=date(2027, 3, 1), is_workday=False, name="x", reference=""
        )
    with pytest.raises(PermissionDenied):
        services.calendar_year_confirm(actor=official, year=2027, reference="R")
    assert year_status(2027) == "provisional"


def test_changes_are_audited(superuser):
    services.calendar_day_set(
        actor=superuser, day=date(2027, 3, 1), is_workday=False, name="测试", reference=""
    )
    services.calendar_year_confirm(actor=superuser, year=2027, reference=NOTICE_2027)
    events = list(AuditEvent.objects.filter(action__startswith="workcal.").order_by("sequence"))
    assert [e.action for e in events] == ["workcal.day_set", "workcal.year_confirm"]
    assert all(e.actor_id == superuser.pk for e in events)
    assert events[0].after["date"] == "2027-03-01"
    assert events[1].before["status"] == "provisional"
    assert events[1].after["status"] == "confirmed"
    assert events[1].after["reference"] == NOTICE_2027
