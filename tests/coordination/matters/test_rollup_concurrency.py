"""Racing reports and milestone completions on PostgreSQL keep the cached roll-up exact: each
service locks the matter and its ancestors in one order, so nobody computes from a stale sibling."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from coordination.matters import services
from coordination.matters.models import Matter
from tests.factories.matters import make_matter

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*calls):
    barrier = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            call()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def test_sibling_milestones_completed_at_once_roll_up_right(p):
    root = make_matter(p, title="城市运行管理中心建设", lead="data")
    left = make_matter(
        p, title="指挥大厅", lead="data", parent=root, milestones=[{"title": "a", "weight": 1}]
    )
    right = make_matter(
        p,
        title="指标体系",
        lead="company",
        cooperating=("data",),
        parent=root,
        milestones=[{"title": "b", "weight": 1}],
    )
    for _round in range(3):
        errors = race(
            lambda: services.milestone_complete(actor=p["steward"], milestone=left.milestones.get()),
            lambda: services.progress_report_submit(
                actor=p["enterprise"], matter=right, text="完成", milestones=[right.milestones.get().pk]
            ),
        )
        assert errors == []
        assert Matter.objects.get(pk=root.pk).progress == Decimal(100)
        # reset for another round: fresh milestones on both
        left.milestones.update(done=False)
        right.milestones.update(done=False)
        Matter.objects.filter(pk__in=[root.pk, left.pk, right.pk]).update(progress=0)


def test_two_reports_completing_the_same_milestone_complete_it_once(p):
    matter = make_matter(
        p, lead="data", cooperating=("company",), milestones=[{"title": "上线", "weight": 1}]
    )
    milestone = matter.milestones.get()
    errors = race(
        lambda: services.progress_report_submit(
            actor=p["steward"], matter=matter, text="上线", milestones=[milestone.pk]
        ),
        lambda: services.progress_report_submit(
            actor=p["enterprise"], matter=matter, text="上线", milestones=[milestone.pk]
        ),
    )
    # The losing thread runs in the default language (translation overrides are per thread).
    assert len(errors) == 1 and ("already done" in str(errors[0]) or "已完成" in str(errors[0]))
    assert matter.reports.count() == 1
    assert Matter.objects.get(pk=matter.pk).progress == Decimal(100)
