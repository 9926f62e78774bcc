"""Platform micro-benchmarks (not run in CI beyond a smoke size).

Usage (from the project root, on the database DATABASE_URL names — use a scratch database):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench
    .venv/bin/python manage.py migrate -v0
    .venv/bin/python bench/platform_bench.py --clocks 20000

It measures: working-day arithmetic; the daily sweep over N clocks of which 1 % change signal;
audit events per second; the organisation-chart API list at 500 units. Results are printed as a
Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from coordination import services as org  # noqa: E402
from coordination.models import OrgKind, OrgLevel, OrgUnit  # noqa: E402
from portal.audit.services import audit_record  # noqa: E402
from portal.clocks import ledger, tasks  # noqa: E402
from portal.clocks.models import Clock, ClockEvent, EventKind, Signal  # noqa: E402
from portal.models import User, UserKind  # noqa: E402
from portal.workcal import days  # noqa: E402

ROWS: list[tuple[str, str]] = []


def row(name: str, value: str) -> None:
    ROWS.append((name, value))
    print(f"{name}: {value}", flush=True)


def timed(fn, repeat: int = 1) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - started) / repeat


def bench_calendar() -> None:
    start = datetime.date(2026, 9, 28)
    days.add_working_days(start, 20)  # warm the cache
    n = 20_000
    per_call = timed(lambda: days.add_working_days(start, 20), n)
    row("add_working_days(start, 20), warm cache", f"{per_call * 1e6:.1f} µs per call")
    per_call = timed(lambda: days.working_days_between(start, datetime.date(2027, 3, 1)), n)
    row("working_days_between across a year boundary", f"{per_call * 1e6:.1f} µs per call")


def bench_sweep(n_clocks: int) -> None:
    owner, _ = User.objects.get_or_create(username="bench-owner", defaults={"kind": UserKind.OFFICIAL})
    subject_type = ContentType.objects.get_for_model(User)
    today = datetime.date(2026, 11, 2)
    Clock.objects.filter(purpose__startswith="bench").delete()
    changing = max(1, n_clocks // 100)
    started = time.perf_counter()
    batch = []
    for i in range(n_clocks):
        result = ledger.compute(
            [ledger.Entry(kind=EventKind.START, on=today)],
            limit=20,
            today=today,
            min_days=2,
            ratio=ledger.Decimal("0.2"),
        )
        next_check = today if i < changing else result.next_check_on
        batch.append(
            Clock(
                subject_type=subject_type,
                subject_id=str(owner.pk),
                purpose=f"bench-{i}",
                label=f"bench {i}",
                owner=None,
                limit_days=20,
                state=result.state,
                started_on=today,
                due_date=result.due_date,
                signal=Signal.GREEN,
                signal_since=today,
                next_check_on=next_check,
            )
        )
        if len(batch) == 2000:
            Clock.objects.bulk_create(batch)
            batch = []
    Clock.objects.bulk_create(batch)
    ClockEvent.objects.bulk_create(
        ClockEvent(clock_id=pk, kind=EventKind.START, on=today)
        for pk in Clock.objects.filter(purpose__startswith="bench").values_list("pk", flat=True)
    )
    row(f"seed {n_clocks} clocks", f"{time.perf_counter() - started:.1f} s")
    with CaptureQueriesContext(connection) as ctx:
        elapsed = timed(lambda: tasks.sweep(today, force=True))
    row(
        f"daily sweep: {n_clocks} clocks, {changing} due for a check",
        f"{elapsed * 1000:.0f} ms, {len(ctx.captured_queries)} queries",
    )
    Clock.objects.filter(purpose__startswith="bench").delete()


def bench_audit(n: int) -> None:
    owner, _ = User.objects.get_or_create(username="bench-owner", defaults={"kind": UserKind.OFFICIAL})

    def one():
        with transaction.atomic():
            audit_record(actor=owner, action="bench.event", obj=owner, after={"n": 1})

    per = timed(one, n)
    row("audit_record in its own transaction", f"{1 / per:.0f} events/s ({per * 1000:.2f} ms each)")


def bench_org_api(units: int) -> None:
    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"kind": UserKind.OFFICIAL, "is_superuser": True, "is_staff": True}
    )
    root = OrgUnit.objects.filter(code="bench-root").first() or org.org_unit_create(
        actor=None,
        parent=None,
        data={
            "code": "bench-root",
            "name": "基准测试",
            "kind": OrgKind.GOVERNMENT,
            "level": OrgLevel.MUNICIPAL,
        },
    )
    have = OrgUnit.objects.get_children_count(root)
    for i in range(have, units):
        org.org_unit_create(
            actor=None,
            parent=root,
            data={
                "code": f"bench-{i}",
                "name": f"单位{i}",
                "kind": OrgKind.DEPARTMENT,
                "level": OrgLevel.MUNICIPAL,
            },
        )
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    url = f"/api/org-units/?parent=bench-root&limit={units}"
    client.get(url)
    samples = []
    for _ in range(20):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    row(
        f"GET /api/org-units/ ({units} units, in-process client)",
        f"median {statistics.median(samples) * 1000:.0f} ms, p95 {sorted(samples)[18] * 1000:.0f} ms, "
        f"{len(ctx.captured_queries)} queries",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clocks", type=int, default=2000)
    parser.add_argument("--audit", type=int, default=500)
    parser.add_argument("--units", type=int, default=500)
    args = parser.parse_args()
    row("database", connection.vendor)
    bench_calendar()
    bench_sweep(args.clocks)
    bench_audit(args.audit)
    bench_org_api(args.units)
    print("\n| measurement | result |\n|---|---|")
    for name, value in ROWS:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
