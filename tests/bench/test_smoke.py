"""The city-scale harness at a tiny scale, so it never rots (issue 11, docs/performance.md).

Seeds the three parts at scale 0.0002 into the test database, checks the counts and that both hash
chains verify, runs each non-HTTP benchmark once, and pulls through the exchange API with the seeded
credential as bench/locustfile.py's ExchangePull does, asserting results, never timings.
"""

import datetime
import json
import stat

import pytest
from django.core.management import call_command
from django.test import Client

from approvals.models import Application, DepartmentTask
from bench import city_bench
from bench.http_targets import targets
from operations.models import Project
from operations.performance.models import Evaluation
from portal.audit.models import AuditEvent
from portal.clocks.models import Clock
from sharing.exchange.models import AccessLog, ApiCredential, DataRecord
from sharing.models import Agreement, DataResource

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SCALE = "0.0002"  # 200 applications, 400 audit events, 1,000 access-log rows
TODAY = datetime.date(2026, 11, 4)  # a Wednesday


@pytest.fixture
def seeded(tmp_path):
    """Seeds the three parts; returns the file holding the exchange credential's token."""
    token_file = tmp_path / "bench-exchange-token"
    call_command("seed_bench", "--scale", SCALE, "--today", TODAY.isoformat(), "--no-progress")
    call_command("seed_bench_sharing", "--scale", SCALE, "--no-progress", "--token-file", str(token_file))
    call_command("seed_bench_ppp", "--scale", SCALE)
    return token_file


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


def test_exchange_pull_with_the_seeded_credential(seeded, english_messages):
    resource = DataResource.objects.filter(code__startswith="C99-").order_by("pk").first()
    agreement = Agreement.objects.get(resource=resource)
    assert agreement.status == "active" and agreement.provider_id == resource.provider_id
    assert agreement.consumer_id != resource.provider_id and agreement.consumer.code.startswith("bench-")
    assert agreement.approved_item_codes() == ["uscc", "name", "capital", "founded"]
    assert (agreement.valid_until - agreement.valid_from).days >= 364
    assert stat.S_IMODE(seeded.stat().st_mode) == 0o600
    token = seeded.read_text(encoding="utf-8").strip()
    assert ApiCredential.objects.get(agreement=agreement).prefix == token.split(".")[0]

    # What bench/http_targets.py hands the Locust scenario (no secret in it).
    exchange = targets()["exchange"]
    assert exchange["resource"] == resource.code and exchange["records"] == 200
    assert token not in json.dumps(targets(), ensure_ascii=False)

    client = Client(REMOTE_ADDR="10.9.8.7")
    headers = {
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        # As requests sends the scenario's UTF-8 bytes: WSGI hands them over decoded as Latin-1.
        "HTTP_X_PURPOSE": "基准测试 BENCH-2026-0011".encode().decode("latin-1"),
        "HTTP_X_END_USER": "公务员".encode().decode("latin-1"),
    }
    base = f"/api/exchange/resources/{resource.code}/records/"
    before = AccessLog.objects.count()

    page = client.get(f"{base}?after={exchange['first'] - 1}&limit=100", **headers)
    assert page.status_code == 200, page.content
    assert page.json()["count"] == 100 and page.json()["next"]
    assert page.json()["results"][0]["data"]["uscc"].startswith("91")

    export = client.get(f"{base}export?format=ndjson", **headers)
    assert export.status_code == 200
    lines = b"".join(export.streaming_content).decode("utf-8").splitlines()
    assert len(lines) == exchange["records"] == 200
    assert {json.loads(line)["id"] for line in lines} == set(
        DataRecord.objects.filter(resource=resource).values_list("id", flat=True)
    )

    logged = list(AccessLog.objects.filter(sequence__gt=before).order_by("sequence"))
    assert [(r.status, r.outcome, r.records) for r in logged] == [(200, "ok", 100), (200, "ok", 200)]
    assert all(r.agreement_id == agreement.pk and r.consumer_id == agreement.consumer_id for r in logged)
    assert logged[0].purpose == "基准测试 BENCH-2026-0011" and logged[0].end_user == "公务员"

    assert city_bench.bench_accesslog_verify()["ok"]
    assert city_bench.bench_audit_verify()["ok"]
