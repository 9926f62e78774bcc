"""City-scale non-HTTP benchmarks (issue 11), over the data `bench/seed.sh SCALE` seeded.

Usage (from the project root, on the scratch database that was seeded):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench
    DJANGO_SETTINGS_MODULE=portal.settings .venv/bin/python bench/city_bench.py [--only sweep,export,...]

Measures: the daily reminder sweep (1 % of the tasks due for a signal check); recomputing every
open deadline after a calendar change; streaming one resource's records as the export API does
(records/s and peak RSS); verifying the audit chain and the access-log chain. Prints a Markdown
table. The sweep and the recomputation write (clock updates, audit events), so each run after the
first finds less to do: re-seed for comparable numbers.

The functions are also run once at a tiny scale by tests/bench/test_smoke.py, which asserts their
results, never their timings.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import sys
import time
from pathlib import Path


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class QueryCounter:
    """A connection.execute_wrapper that counts the queries run through it."""

    def __init__(self):
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


def bench_sweep(today: datetime.date | None = None) -> dict:
    """The daily sweep, forced, over every clock; only the due ones (next_check_on <= today) are read."""
    from django.db import connection
    from django.utils import timezone

    from portal.clocks import tasks
    from portal.clocks.models import Clock, DigestItem
    from portal.notifications.models import Notification

    today = today or timezone.localdate()
    total = Clock.objects.count()
    due = Clock.objects.filter(next_check_on__lte=today).count()
    notifications, items = Notification.objects.count(), DigestItem.objects.count()
    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):  # no cap, unlike CaptureQueriesContext's 9,000
        result = tasks.sweep(today, force=True)
    elapsed = time.perf_counter() - started
    return {
        "clocks": total,
        "due": due,
        "changed": result["changed"],
        "seconds": elapsed,
        "queries": counter.queries,
        "left_due": Clock.objects.filter(next_check_on__lte=today).count(),
        "notifications": Notification.objects.count() - notifications,
        "digest_items": DigestItem.objects.count() - items,
    }


def bench_recompute(year: int | None = None) -> dict:
    """Recompute every open deadline touching `year`, as after a change to that year's calendar."""
    from django.utils import timezone

    from portal.clocks import tasks
    from portal.clocks.models import Clock, ClockState, RecomputeRequest

    year = year or timezone.localdate().year
    open_clocks = Clock.objects.filter(state__in=[ClockState.RUNNING, ClockState.PAUSED]).count()
    request = RecomputeRequest.objects.create(years=[year])
    started = time.perf_counter()
    changed = tasks.recompute_for_request(request.pk)
    elapsed = time.perf_counter() - started
    request.refresh_from_db()
    return {
        "open_clocks": open_clocks,
        "changed": changed,
        "seconds": elapsed,
        "done": request.done_at is not None,
    }


def bench_recompute_change() -> dict:
    """A real calendar change: a working day a week from now becomes a day off (through the
    calendar service, as an administrator would), then every open deadline is recomputed. Clocks
    due on or after that day move by one working day, and their people are told."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from portal.clocks import tasks
    from portal.clocks.models import Clock, ClockState, DigestItem, RecomputeRequest
    from portal.notifications.models import Notification
    from portal.workcal import days as workdays
    from portal.workcal import services as calendar
    from portal.workcal.models import CalendarYear

    admin, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    day = timezone.localdate() + datetime.timedelta(days=7)
    while not workdays.is_workday(day):
        day += datetime.timedelta(days=1)
    if CalendarYear.objects.filter(year=day.year).first().is_confirmed:
        calendar.calendar_year_reopen(actor=admin, year=day.year, reason="benchmark")
    calendar.calendar_day_set(
        actor=admin, day=day, is_workday=False, name="基准测试临时休假", reference="bench"
    )
    open_clocks = Clock.objects.filter(state__in=[ClockState.RUNNING, ClockState.PAUSED]).count()
    notifications, items = Notification.objects.count(), DigestItem.objects.count()
    counter = QueryCounter()
    started = time.perf_counter()
    changed = 0
    with connection.execute_wrapper(counter):
        for request_id in RecomputeRequest.objects.filter(done_at__isnull=True).values_list("pk", flat=True):
            changed += tasks.recompute_for_request(request_id)
    elapsed = time.perf_counter() - started
    return {
        "open_clocks": open_clocks,
        "day_off": day.isoformat(),
        "changed": changed,
        "notifications": Notification.objects.count() - notifications,
        "digest_items": DigestItem.objects.count() - items,
        "queries": counter.queries,
        "seconds": elapsed,
    }


def bench_export(resource_code: str | None = None) -> dict:
    """Stream every record of one resource through the export API's own generator (NDJSON)."""
    from sharing.exchange import access
    from sharing.exchange.api import views
    from sharing.exchange.conf import export_chunk
    from sharing.models import DataResource

    resource_obj = (
        DataResource.objects.get(code=resource_code)
        if resource_code
        else DataResource.objects.filter(code__startswith="C99-").order_by("pk").first()
    )
    codes = list(resource_obj.items.order_by("order").values_list("code", flat=True))
    key = resource_obj.items.filter(is_key=True).values_list("code", flat=True).first() or ""
    grant = access.Grant(
        credential=None, agreement=None, resource=resource_obj, item_codes=codes, key_code=key
    )
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    records = size = 0
    rows = access.records_queryset(grant).iterator(chunk_size=export_chunk())
    for n, chunk in views._ndjson(rows, grant):
        records += n
        size += len(chunk.encode("utf-8"))
    elapsed = time.perf_counter() - started
    return {
        "resource": resource_obj.code,
        "records": records,
        "bytes": size,
        "seconds": elapsed,
        "records_per_s": records / elapsed if elapsed else 0.0,
        "peak_rss_mb_before": rss_before,
        "peak_rss_mb": peak_rss_mb(),
    }


def bench_audit_verify() -> dict:
    from portal.audit.verify import verify_chain

    started = time.perf_counter()
    report = verify_chain()
    elapsed = time.perf_counter() - started
    return {"checked": report.checked, "ok": report.ok, "seconds": elapsed}


def bench_accesslog_verify() -> dict:
    from sharing.exchange.verify import verify_access_log

    started = time.perf_counter()
    report = verify_access_log()
    elapsed = time.perf_counter() - started
    return {"checked": report.checked, "ok": report.ok, "seconds": elapsed}


BENCHES = {
    "sweep": bench_sweep,
    "recompute": bench_recompute,
    "recompute_change": bench_recompute_change,
    "export": bench_export,
    "audit": bench_audit_verify,
    "accesslog": bench_accesslog_verify,
}


def describe(name: str, r: dict) -> tuple[str, str]:
    if name == "sweep":
        return (
            f"reminder sweep: {r['clocks']:,} clocks, {r['due']:,} due",
            f"{r['seconds']:.2f} s, {r['queries']:,} queries, {r['changed']:,} changed, "
            f"{r['notifications']:,} notifications ({r['digest_items']:,} digest lines)",
        )
    if name == "recompute":
        return (
            f"deadline recomputation: {r['open_clocks']:,} open clocks",
            f"{r['seconds']:.2f} s, {r['changed']:,} changed",
        )
    if name == "recompute_change":
        return (
            f"deadline recomputation after {r['day_off']} became a day off: {r['open_clocks']:,} open clocks",
            f"{r['seconds']:.2f} s, {r['queries']:,} queries, {r['changed']:,} changed, "
            f"{r['notifications']:,} notifications ({r['digest_items']:,} digest lines)",
        )
    if name == "export":
        return (
            f"streaming export: {r['records']:,} records of {r['resource']}",
            f"{r['records_per_s']:,.0f} records/s, peak RSS {r['peak_rss_mb']:.0f} MB",
        )
    what = "audit_verify" if name == "audit" else "accesslog_verify"
    return (f"{what}: {r['checked']:,} rows", f"{r['seconds']:.2f} s ({'intact' if r['ok'] else 'TAMPERED'})")


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(BENCHES), help="comma-separated: " + ", ".join(BENCHES))
    args = parser.parse_args()
    rows = []
    # The export first: its peak RSS is the process's peak, so nothing bigger may run before it.
    order = ["export", "audit", "accesslog", "sweep", "recompute", "recompute_change"]
    for name in [n for n in order if n in args.only.split(",")]:
        result = BENCHES[name]()
        rows.append(describe(name, result))
        print(f"{rows[-1][0]}: {rows[-1][1]}", flush=True)
    print("\n| measurement | result |\n|---|---|")
    for what, value in rows:
        print(f"| {what} | {value} |")


if __name__ == "__main__":
    main()
