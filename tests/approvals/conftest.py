"""The approvals tests assert English messages; pages choose their language per request."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield
