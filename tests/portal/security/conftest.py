import pytest


@pytest.fixture(autouse=True)
def _english(english_messages):
    yield
