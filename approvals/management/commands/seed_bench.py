"""`manage.py seed_bench --scale N`: the approvals part of the city-scale benchmark data set (issue 11).

At scale 1: 200 org units, 2,000 officials, 500 items (in packages of three), 1,000,000
applications, 3,000,000 department tasks, 2,000,000 audit events; everything is proportional to
N (N may be 0.001). Open tasks get running review clocks; 1 % of all task slots (three per
application) change signal today (stored one level greener, due for a check today), so the daily
sweep has that much real work: recompute, notify, audit. The audit events continue the existing hash
chain, computed here in the order `audit_verify` walks it.

Benchmark data only: run it on a scratch database (see docs/performance.md, "City-scale harness").
The sharing and PPP parts are `seed_bench_sharing` and `seed_bench_ppp`; `bench/seed.sh` runs all three.
"""

from __future__ import annotations

import datetime
import random
import time

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from approvals.models import Application, DepartmentTask, Item, Package, PackageItem, StatusChange
from approvals.workflow import ApplicationStatus as A
from approvals.workflow import TaskStatus as T
from coordination.models import OrgKind, OrgLevel, OrgUnit, Position, Role
from portal.audit import chain
from portal.audit.models import AuditEvent
from portal.clocks import conf as clock_conf
from portal.clocks import ledger
from portal.clocks.models import Clock, ClockEvent, EventKind, Signal
from portal.db import advisory_xact_lock
from portal.models import User, UserKind

# Counts at scale 1 (issue 11).
SCALE_1 = {
    "units": 200,
    "officials": 2_000,
    "items": 500,
    "applications": 1_000_000,
    "audit_events": 2_000_000,
}
TASKS_PER_APPLICATION = 3  # packages of three items: 3,000,000 tasks at scale 1
APPLICATIONS_PER_APPLICANT = 10
BENCH_PASSWORD = "Bench@2026"  # noqa: S105 - benchmark accounts on a scratch database
ROOT_CODE = "bench-city"
BATCH = 5_000

# Share of applications in each state: most are finished, a fifth are under review (open tasks).
STATE_MIX = [
    (A.ARCHIVED, 0.55),
    (A.DELIVERED, 0.10),
    (A.REFUSED, 0.03),
    (A.IN_REVIEW, 0.22),
    (A.SUBMITTED, 0.05),
    (A.WITHDRAWN, 0.03),
    (A.DRAFT, 0.02),
]
DONE = {A.ARCHIVED, A.DELIVERED, A.REFUSED}
EARLIER_SIGNAL = {Signal.YELLOW: Signal.GREEN, Signal.RED: Signal.YELLOW}


def scaled(name: str, scale: float, minimum: int) -> int:
    return max(minimum, round(SCALE_1[name] * scale))


def _batches(rows, size=BATCH):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def append_audit_events(events, *, total: int, progress: bool = True) -> int:
    """Append `events` (dicts: actor_id, action, content_type_id, object_type, object_id,
    object_repr, after) to the audit chain, computing each hash the way `audit_record` does, in
    sequence order. Holds the chain lock per batch, so the chain never forks."""
    written = 0
    bar = tqdm(total=total, desc="audit events", unit="ev", disable=not progress)
    for batch in _batches(events):
        with transaction.atomic():
            advisory_xact_lock(chain.AUDIT_CHAIN_LOCK)
            last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash", "created_at").first()
            sequence, prev_hash = (last["sequence"], last["hash"]) if last else (0, chain.GENESIS_HASH)
            base = max(timezone.now(), last["created_at"]) if last else timezone.now()
            base = base.astimezone(datetime.UTC)
            rows = []
            for i, event in enumerate(batch, start=1):
                sequence += 1
                created_at = base + datetime.timedelta(microseconds=i)
                after = chain.to_json_value(event["after"])
                payload = chain.event_payload(
                    sequence=sequence,
                    created_at=created_at,
                    actor_id=event["actor_id"],
                    on_behalf_of_id=None,
                    action=event["action"],
                    object_type=event["object_type"],
                    object_id=event["object_id"],
                    object_repr=event["object_repr"],
                    before=None,
                    after=after,
                    reason="",
                    request_id="bench-seed",
                    ip=None,
                    prev_hash=prev_hash,
                )
                digest = chain.compute_hash(payload)
                rows.append(
                    AuditEvent(
                        sequence=sequence,
                        created_at=created_at,
                        actor_id=event["actor_id"],
                        action=event["action"],
                        content_type_id=event["content_type_id"],
                        object_id=event["object_id"],
                        object_repr=event["object_repr"],
                        after=after,
                        request_id="bench-seed",
                        prev_hash=prev_hash,
                        hash=digest,
                    )
                )
                prev_hash = digest
            AuditEvent.objects.bulk_create(rows)
            written += len(rows)
            bar.update(len(rows))
    bar.close()
    return written


class Command(BaseCommand):
    help = "Seed the approvals part of the city-scale benchmark data set (scratch databases only)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, required=True, help="1 = a city of a million people")
        parser.add_argument("--seed", type=int, default=11, help="random seed (default 11)")
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        scale = options["scale"]
        if not 0 < scale <= 5:
            raise CommandError("--scale must be in (0, 5]")
        if OrgUnit.objects.filter(code=ROOT_CODE).exists():
            raise CommandError("benchmark data is already seeded here; use a fresh database")
        self.rng = random.Random(options["seed"])  # noqa: S311 - reproducible fake data
        self.progress = not options["no_progress"]
        self.today = options["today"] or timezone.localdate()
        started = time.perf_counter()
        counts = seed(
            scale=scale, rng=self.rng, today=self.today, progress=self.progress, log=self.stdout.write
        )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"seed_bench --scale {scale}: "
            + ", ".join(f"{k} {v}" for k, v in counts.items())
            + f" in {elapsed:.1f} s"
        )


def seed(*, scale: float, rng: random.Random, today: datetime.date, progress: bool = True, log=print) -> dict:
    n_units = scaled("units", scale, 4)
    n_officials = scaled("officials", scale, 8)
    n_items = max(3, scaled("items", scale, 6) // 3 * 3)
    n_apps = scaled("applications", scale, 10)
    n_applicants = max(3, n_apps // APPLICATIONS_PER_APPLICANT)

    # Organisation: a city with departments under it (treebeard paths, so one call per unit).
    root = OrgUnit.objects.add_root(
        instance=OrgUnit(code=ROOT_CODE, name="基准市", kind=OrgKind.GOVERNMENT, level=OrgLevel.MUNICIPAL)
    )
    units = []
    for i in range(1, n_units):
        root.refresh_from_db()
        units.append(
            OrgUnit.objects.add_child(
                root,
                instance=OrgUnit(
                    code=f"bench-u{i}",
                    name=f"基准市第{i}局",
                    kind=OrgKind.DEPARTMENT,
                    level=OrgLevel.MUNICIPAL,
                ),
            )
        )
    root.refresh_from_db()
    departments = units or [root]

    password = make_password(BENCH_PASSWORD)
    officials = User.objects.bulk_create(
        User(username=f"bench-off-{i}", kind=UserKind.OFFICIAL, full_name=f"公务员{i}", password=password)
        for i in range(n_officials)
    )
    applicants = []
    for batch in _batches(
        User(username=f"bench-cit-{i}", kind=UserKind.CITIZEN, full_name=f"市民{i}", password=password)
        for i in range(n_applicants)
    ):
        applicants += User.objects.bulk_create(batch)
    roles = {r.code: r for r in Role.objects.all()}
    positions = Position.objects.bulk_create(
        Position(user=u, unit=departments[i % len(departments)], title="审查员")
        for i, u in enumerate(officials)
    )
    through = Position.roles.through
    links = []
    for i, p in enumerate(positions):
        links.append(through(position_id=p.pk, role_id=roles["reviewer"].pk))
        if i % 4 == 0:
            links += [
                through(position_id=p.pk, role_id=roles["window_clerk"].pk),
                through(position_id=p.pk, role_id=roles["lead_coordinator"].pk),
            ]
        if i % 10 == 0:
            links.append(through(position_id=p.pk, role_id=roles["supervisor"].pk))
    through.objects.bulk_create(links)
    reviewers_by_unit: dict[int, list[int]] = {}
    for p in positions:
        reviewers_by_unit.setdefault(p.unit_id, []).append(p.user_id)

    items = Item.objects.bulk_create(
        Item(
            code=f"BN-{i:04d}",
            name=f"基准事项{i}",
            origin_department=departments[i % len(departments)],
            implementing_body=departments[i % len(departments)],
            statutory_limit_days=20,
            promised_limit_days=rng.choice([5, 8, 10, 15]),
            legal_basis="《中华人民共和国行政许可法》",
            published=True,
        )
        for i in range(n_items)
    )
    packages = Package.objects.bulk_create(
        Package(
            code=f"BNP-{j:04d}",
            name=f"基准套餐{j}",
            lead_department=items[3 * j].implementing_body,
            total_limit_days=15,
            published=True,
        )
        for j in range(n_items // 3)
    )
    PackageItem.objects.bulk_create(
        PackageItem(package=p, item=items[3 * j + k], order=k)
        for j, p in enumerate(packages)
        for k in range(TASKS_PER_APPLICATION)
    )
    package_items = {p.pk: items[3 * j : 3 * j + 3] for j, p in enumerate(packages)}

    # Applications, their tasks and the review clocks of the open tasks.
    app_ct = ContentType.objects.get_for_model(Application)
    task_ct = ContentType.objects.get_for_model(DepartmentTask)
    states = [s for s, _share in STATE_MIX]
    weights = [share for _s, share in STATE_MIX]
    n_tasks_total = n_apps * TASKS_PER_APPLICATION
    n_changing = max(1, round(n_tasks_total * 0.01))
    ledger_cache: dict[tuple[datetime.date, int], ledger.Result] = {}
    counts = {"units": n_units, "officials": n_officials, "applicants": n_applicants, "items": n_items}
    n_open_tasks = n_clocks = n_due = 0
    audit_source = []  # (actor, action, app pk, number, status) — appended to the chain at the end
    bar = tqdm(total=n_apps, desc="applications", unit="app", disable=not progress)
    seq = 0
    for batch_start in range(0, n_apps, BATCH):
        size = min(BATCH, n_apps - batch_start)
        with transaction.atomic():
            apps = []
            for _k in range(size):
                seq += 1
                status = rng.choices(states, weights)[0]
                package = rng.choice(packages)
                received = today - datetime.timedelta(days=rng.randint(1, 3 * 365))
                if status == A.IN_REVIEW:
                    received = today - datetime.timedelta(days=rng.randint(1, 20))
                app = Application(
                    applicant=applicants[rng.randrange(len(applicants))],
                    package=package,
                    lead_department_id=package.lead_department_id,
                    status=status,
                    form_data={"项目名称": f"基准项目{seq}", "建设地点": "基准市"},
                )
                if status != A.DRAFT:
                    app.number = f"BN{received:%Y%m%d}{seq:08d}"
                    app.query_code = f"{rng.randrange(16**6):06x}"
                    app.received_on = received
                if status in DONE or status == A.IN_REVIEW:
                    app.accepted_on = received
                    app.acceptance_mode = "normal"
                if status in DONE:
                    app.decided_on = received + datetime.timedelta(days=rng.randint(3, 20))
                apps.append(app)
            Application.objects.bulk_create(apps)
            StatusChange.objects.bulk_create(
                StatusChange(application=a, from_status="", to_status=a.status)
                for a in apps
                if a.status != A.DRAFT
            )
            tasks = []
            for app in apps:
                if app.status not in DONE and app.status != A.IN_REVIEW:
                    continue
                for item in package_items[app.package_id]:
                    reviewers = reviewers_by_unit.get(item.implementing_body_id) or [None]
                    if app.status in DONE:
                        status = T.REJECTED if app.status == A.REFUSED else T.APPROVED
                        assignee = rng.choice(reviewers)
                    else:
                        status = rng.choice([T.PENDING, T.IN_REVIEW, T.IN_REVIEW])
                        assignee = rng.choice(reviewers) if status == T.IN_REVIEW else None
                    tasks.append(
                        DepartmentTask(
                            application=app,
                            item=item,
                            department_id=item.implementing_body_id,
                            status=status,
                            assignee_id=assignee,
                            decided_at=timezone.now() if app.status in DONE else None,
                            opinion="同意。" if app.status in DONE else "",
                        )
                    )
            open_tasks = []
            for task in tasks:
                if task.status in (T.APPROVED, T.REJECTED):
                    continue
                n_open_tasks += 1
                limit = task.item.promised_limit_days
                key = (task.application.accepted_on, limit)
                if key not in ledger_cache:
                    ledger_cache[key] = ledger.compute(
                        [ledger.Entry(kind=EventKind.START, on=key[0])],
                        limit=limit,
                        today=today,
                        min_days=clock_conf.YELLOW_MIN_DAYS,
                        ratio=clock_conf.YELLOW_RATIO,
                    )
                r = ledger_cache[key]
                next_check, signal = r.next_check_on, r.signal
                if n_due < n_changing and r.signal in EARLIER_SIGNAL:
                    # Due today and really changing: stored one level earlier, as if it turned today,
                    # so the sweep notifies and audits as it would in the city.
                    next_check, signal, n_due = today, EARLIER_SIGNAL[r.signal], n_due + 1
                elif next_check is not None and next_check <= today:
                    next_check = today + datetime.timedelta(days=1)  # keep the 1 % exact
                # The task's copy of its review clock (what approvals.receivers keeps in step).
                task.review_state, task.review_signal, task.review_started = r.state, signal, r.started_on
                task.review_due, task.review_provisional = r.due_date, r.due_provisional
                open_tasks.append((task, limit, r, signal, next_check))
            DepartmentTask.objects.bulk_create(tasks)
            clocks = [
                Clock(
                    subject_type=task_ct,
                    subject_id=str(task.pk),
                    purpose="review",
                    label=f"{task.application.number}: {task.item.name}",
                    limit_days=limit,
                    state=r.state,
                    started_on=r.started_on,
                    consumed_days=r.consumed_days,
                    due_date=r.due_date,
                    due_provisional=r.due_provisional,
                    signal=signal,
                    signal_since=r.started_on,
                    next_check_on=next_check,
                )
                for task, limit, r, signal, next_check in open_tasks
            ]
            Clock.objects.bulk_create(clocks)
            ClockEvent.objects.bulk_create(
                ClockEvent(clock=c, kind=EventKind.START, on=c.started_on) for c in clocks
            )
            n_clocks += len(clocks)
        for app in apps:
            if app.status != A.DRAFT:
                audit_source.append((app.applicant_id, app.pk, app.number, app.status))
        bar.update(size)
    bar.close()
    counts.update(
        applications=n_apps, tasks=DepartmentTask.objects.filter(item__code__startswith="BN-").count()
    )
    counts.update(open_tasks=n_open_tasks, clocks=n_clocks, clocks_due_today=n_due)

    n_events = scaled("audit_events", scale, 10)
    officials_ids = [u.pk for u in officials]

    def events():
        produced = 0
        while audit_source:
            for applicant_id, pk, number, status in audit_source:
                for actor_id, action, after in (
                    (applicant_id, "application.submit", A.SUBMITTED),
                    (rng.choice(officials_ids), "application.decide", status),
                ):
                    if produced >= n_events:
                        return
                    yield {
                        "actor_id": actor_id,
                        "action": action,
                        "content_type_id": app_ct.pk,
                        "object_type": "approvals.application",
                        "object_id": str(pk),
                        "object_repr": number,
                        "after": {"status": after},
                    }
                    produced += 1

    counts["audit_events"] = append_audit_events(events(), total=n_events, progress=progress)
    return counts
