import pytest

from portal.clocks import services as clocks
from tests.factories.matters import MONDAY, build_programme


@pytest.fixture(autouse=True)
def _english(english_messages):
    yield


@pytest.fixture
def today(monkeypatch):
    state = {"today": MONDAY}
    monkeypatch.setattr(clocks, "local_today", lambda: state["today"])

    def set_today(day=None):
        if day is not None:
            state["today"] = day
        return state["today"]

    return set_today


@pytest.fixture
def p(db, today):
    return build_programme()
