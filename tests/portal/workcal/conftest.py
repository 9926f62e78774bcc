"""Fixtures of the working-day calendar tests (the seeded calendar itself: tests/conftest.py)."""

import pytest

from portal.workcal.signals import calendar_changed
from tests.factories import AdminFactory

SEEDED = range(2004, 2028)


@pytest.fixture
def changes():
    """The `years` of every calendar_changed signal sent during the test."""
    received = []

    def receiver(sender, years, **kwargs):
        received.append(years)

    calendar_changed.connect(receiver, dispatch_uid="workcal-test-receiver")
    yield received
    calendar_changed.disconnect(dispatch_uid="workcal-test-receiver")


@pytest.fixture
def superuser():
    return AdminFactory(username="calendar-admin", full_name="日历管理员")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
