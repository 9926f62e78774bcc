"""Two admins at the same moment: the year's row lock serialises confirmation and day edits."""

import threading
import time
from datetime import date

import pytest
from django.db import close_old_connections, connection, transaction

from portal.errors import Conflict
from portal.workcal import services
from portal.workcal.models import CalendarDay, CalendarYear, YearStatus
from tests.factories import AdminFactory

# The seeded calendar is put back by tests/conftest.py after other transactional tests flush it.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_day_edit_waits_for_a_confirmation_in_progress_and_is_then_refused():
    admin = AdminFactory(username="calendar-admin-2")
    confirmed = threading.Event()
    release = threading.Event()
    outcome = {}

    def confirm():
        try:
            with transaction.atomic():
                services.calendar_year_confirm(actor=admin, year=2027, reference="R-1")
                confirmed.set()
                release.wait(10)
        finally:
            connection.close()

    def edit():
        try:
            services.calendar_day_set(
                actor=admin, day=date(2027, 3, 6), is_workday=True, name="调休上班", reference="R-2"
            )
            outcome["edit"] = "saved"
        except Conflict:
            outcome["edit"] = "refused"
        finally:
            connection.close()

    first = threading.Thread(target=confirm)
    first.start()
    assert confirmed.wait(10)
    second = threading.Thread(target=edit)
    second.start()
    time.sleep(0.5)
    assert "edit" not in outcome  # blocked on the year's row lock
    release.set()
    first.join(10)
    second.join(10)
    close_old_connections()
    assert outcome["edit"] == "refused"
    assert CalendarYear.objects.get(year=2027).status == YearStatus.CONFIRMED
    assert not CalendarDay.objects.filter(date=date(2027, 3, 6)).exists()
