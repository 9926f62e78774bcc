"""The supervision demo: the demo supervisor sees red, yellow, green and paused cases, an issued
and an escalated notice, and last month's statistics; loading it again adds nothing."""

import os

import pytest
from django.core.management import call_command

from approvals.models import Application
from approvals.supervision import permissions, selectors, stats
from approvals.supervision.demo import load_demo
from approvals.supervision.models import SupervisionNotice
from portal.clocks import services as clocks
from portal.models import User


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def test_the_demo_supervisor_sees_every_signal_and_last_months_figures(demo):
    supervisor = User.objects.get(username="supervisor")
    board = selectors.dashboard(user=supervisor)
    assert all(board.counts[s] >= 1 for s in ("red", "yellow", "green", "paused")), board.counts
    statuses = set(SupervisionNotice.objects.values_list("status", flat=True))
    assert {"open", "escalated"} <= statuses
    first, last = stats.parse_month(None, today=clocks.local_today())
    figures = stats.monthly_stats(first=first, last=last, paths=permissions.supervised_paths(supervisor))
    assert figures.tasks_total.count >= 5 and figures.tasks_total.overdue >= 1
    assert figures.tasks_total.extensions == 1 and figures.bottlenecks

    applications = Application.objects.count()
    notices = SupervisionNotice.objects.count()
    assert load_demo() == "supervision demo already loaded"
    assert (Application.objects.count(), SupervisionNotice.objects.count()) == (applications, notices)
