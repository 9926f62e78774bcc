"""The city-scale harness at a tiny scale, so it never rots (issue 11, docs/performance.md).

Seeds the three parts at scale 0.0002 into the test database, checks the counts and that both hash
chains verify, and runs each non-HTTP benchmark once, asserting results, never timings.
"""

import datetime

import pytest
from django.core.management import call_command

from approvals.models import Application, DepartmentTask
from bench import city_bench
from operations.models import Project
from operations.performance.models import Evaluation
from portal.audit.models import AuditEvent
from portal.clocks.models import Clock
from sharing.exchange.models import AccessLog, DataRecord
from sharing.models import DataResource

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SCALE = "0.0002"  # 200 applications, 400 audit events, 1,000 access-log rows
TODAY = datetime.date(2026, 11, 4)  # a Wednesday


@pytest.fixture
def seeded():
    call_command("seed_bench", "--scale", SCALE, "--today", TODAY.isoformat(), "--no-progress")
    call_command("seed_bench_sharing", "--scale", SCALE, "--no-progress")
    call_command("seed_bench_ppp", "--scale", SCALE)


def test_seed_counts_and_chains(seeded):
    assert Application.objects.filter(package__code__startswith="BNP-").count() == 200
    tasks = DepartmentTask.objects.filter(item__code__startswith="BN-")
    assert 200 < tasks.count() <= 600  # three per accepted application
    open_tasks = tasks.exclude(status__in=["approved", "rejected"]).count()
    assert Clock.objects.filter(purpose="review").count() == open_tasks > 0
    assert Clock.objects.filter(next_check_on__lte=TODAY).count() == 6  # 1 % of 600 task slots
    assert AuditEvent.objects.filter(request_id="bench-seed").count() == 400
    assert DataResource.objects.filter(code__startswith="C99-").count() == 3
    assert DataRecord.objects.count() == 200
    assert AccessLog.objects.count() == 1000
    assert Project.objects.filter(code__startswith="bench-ppp-").count() == 2
    assert Evaluation.objects.count() == 20

    audit = city_bench.bench_audit_verify()
    assert audit["ok"] and audit["checked"] == AuditEvent.objects.count()
    log = city_bench.bench_accesslog_verify()
    assert log["ok"] and log["checked"] == 1000


def test_seeding_twice_is_refused(seeded):
    with pytest.raises(Exception, match="already seeded"):
        call_command("seed_bench", "--scale", SCALE, "--no-progress")


def test_benchmarks_run_once(seeded):
    due = dict(Clock.objects.filter(next_check_on__lte=TODAY).values_list("pk", "signal"))
    sweep = city_bench.bench_sweep(TODAY)
    assert sweep["due"] == 6
    assert sweep["left_due"] == 0  # every due clock was looked at and moved its next check on
    assert sweep["changed"] == 6
    assert sweep["queries"] >= 6 * 3  # lock, ledger, update per clock at least
    after = dict(Clock.objects.filter(pk__in=due).values_list("pk", "signal"))
    assert all(after[pk] != signal for pk, signal in due.items())  # every due clock changed signal

    recompute = city_bench.bench_recompute(TODAY.year)
    assert recompute["done"] and recompute["open_clocks"] > 0

    export = city_bench.bench_export()
    assert export["records"] == 200 and export["bytes"] > 200 * 50
    assert export["peak_rss_mb"] > 0

    # The sweep and the recomputation audited their changes on the same chain.
    assert city_bench.bench_audit_verify()["ok"]
