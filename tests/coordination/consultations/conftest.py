import datetime

import pytest

from portal.clocks import services as clocks
from tests.factories.consultations import consultation_city


@pytest.fixture(autouse=True)
def _english(english_messages):
    yield


@pytest.fixture
def today(monkeypatch):
    """Pin "today" (Asia/Shanghai) for the services and the pages; call it to move the day."""
    state = {"today": datetime.date(2026, 11, 2)}
    monkeypatch.setattr(clocks, "local_today", lambda: state["today"])

    def move(day=None):
        if day is not None:
            state["today"] = day
        return state["today"]

    return move


@pytest.fixture
def city(db):
    return consultation_city()
