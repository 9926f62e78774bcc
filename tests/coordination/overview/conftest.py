"""The overview tests: a small city (tests/factories/overview.py), English messages."""

import pytest

from tests.factories.overview import build_city, populate


@pytest.fixture(autouse=True)
def english(english_messages):
    """The tests assert English labels (tests/conftest.py: english_messages)."""


@pytest.fixture
def city(db):
    return build_city()


@pytest.fixture
def city2(city):
    """The city with 2 objects per area."""
    populate(city, 2)
    return city


def by_label(section) -> dict:
    return {m.label: m.value for m in section.metrics}
