"""The demo city populates the overview: the demo leader sees numbers in every area; the supervisor
and a reviewer see their scope; the public sees the public figures."""

import os

import pytest
from django.core.management import call_command

from coordination.overview import registry
from portal.models import User


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def test_the_demo_fills_every_tile_for_the_leader(demo):
    leader = User.objects.get(username="leader")
    sections = {s.key: s for s in registry.sections(registry.viewer_for(leader))}
    assert {"approvals", "sharing", "ppp"} <= set(sections)
    values = {
        key: {m.label: m.value for m in sections[key].metrics} for key in ("approvals", "sharing", "ppp")
    }
    assert values["approvals"]["Applications this year"] > 0
    assert values["approvals"]["Open cases overdue (red)"] > 0
    assert (
        values["sharing"]["Departments connected"] > 0 and values["sharing"]["Published data resources"] > 0
    )
    assert values["ppp"]["PPP projects"] > 0 and values["ppp"]["Average latest evaluation score"]

    supervisor = User.objects.get(username="supervisor")
    assert "approvals" in [s.key for s in registry.sections(supervisor)]
    reviewer = User.objects.get(username="reviewer")
    assert [s.key for s in registry.sections(reviewer) if s.key in ("approvals", "sharing", "ppp")] == [
        "approvals"
    ]
    assert all(s.public for s in registry.sections(None))
