"""The market demo loads after the city (and the approvals demo users), shows every need state and
every qualification case, and adds nothing the second time."""

import pytest

from approvals.intermediaries.demo import load_demo
from approvals.intermediaries.models import (
    BlacklistEntry,
    Complaint,
    Intermediary,
    Need,
    Qualification,
    Rating,
)
from approvals.intermediaries.verify import verify
from coordination.demo import DemoLoader


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_demo_loads_every_state_and_is_idempotent(db):
    DemoLoader().load()
    summary = load_demo()
    assert summary == "7 intermediaries, 8 service needs"
    assert set(Need.objects.values_list("status", flat=True)) == {
        "open",
        "selected",
        "failed",
        "contracted",
        "delivered",
        "completed",
        "cancelled",
    }
    modes = set(Need.objects.exclude(winner=None).values_list("mode", flat=True))
    assert {"draw", "optimal_price", "merit", "direct"} <= modes
    drawn = Need.objects.get(mode="draw", status="contracted")
    assert drawn.seed and verify(drawn, drawn.seed).winner_matches
    assert Qualification.objects.filter(status="suspended").count() == 1
    assert Qualification.objects.exclude(reminded_for=None).count() == 1
    assert BlacklistEntry.objects.count() == 1 and Rating.objects.count() == 1
    assert sorted(Complaint.objects.values_list("status", flat=True)) == ["open", "upheld"]
    assert Intermediary.objects.filter(status="pending").count() == 1
    for firm in Intermediary.objects.all():
        assert firm.unit.kind == "enterprise" and len(firm.unit.uscc) == 18
    assert load_demo() == "intermediary market already loaded"
    assert Need.objects.count() == 8
    # Every market notification can be delivered: its recipient has an e-mail address (the demo's
    # health check waits for zero undelivered notifications).
    from portal.notifications.models import Notification

    assert not Notification.objects.filter(kind="market_event", recipient__email="").exists()
