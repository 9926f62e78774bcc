"""The exchange demo loads after the sharing demo, twice without change, and its printed token works."""

import pytest

from coordination.demo import DemoLoader
from sharing.demo import load_demo as load_sharing_demo
from sharing.exchange.demo import DEMO_TOKEN, load_demo
from sharing.exchange.models import AccessLog, DataRecord, Objection, ObjectionState, ReturnFlowRun
from sharing.exchange.verify import verify_access_log

from .conftest import pull

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (DataRecord, AccessLog, Objection, ReturnFlowRun)]


def test_demo_is_idempotent_and_usable(client):
    DemoLoader().load()
    load_sharing_demo()
    summary = load_demo()
    assert DEMO_TOKEN in summary
    first = counts()
    assert first[0] > 0 and first[1] == 5 and first[3] == 1
    assert Objection.objects.get().state == ObjectionState.MARKED
    assert AccessLog.objects.filter(status__gte=400).count() == 2
    assert DEMO_TOKEN in load_demo()
    assert counts() == first
    assert verify_access_log().ok

    body = pull(client, "A01-01-01-0001", DEMO_TOKEN).json()
    assert body["items"] == ["id_number", "name", "address"]
    assert sum(r["disputed"] for r in body["results"]) == 1
