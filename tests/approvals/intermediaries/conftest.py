import pytest

from tests.factories.intermediaries import build_market


@pytest.fixture
def market(db):
    return build_market()
