"""`manage.py seed_bench_sharing --scale N`: the data-sharing part of the benchmark data set (issue 11).

Run after `seed_bench` (it uses the benchmark departments as providers and consumers). At scale
1: 1,000 published data resources (four items each), 1,000,000 records in the first resource (the
streaming export benchmark reads them) and 5,000,000 access-log rows, hash-chained in the order
`accesslog_verify` walks them. Benchmark data only: run it on a scratch database.

For the data-exchange pull over HTTP (bench/locustfile.py, `ExchangePull`) it also gives the first
resource a consumer: through the real services, a benchmark department requests all its items, the
data authority's check approves the request (an unconditional resource), which writes an active
agreement valid for a year, and the consumer's data steward issues an API credential for it. The
token is shown only once: it is written to `--token-file` (var/bench-exchange-token by default,
git-ignored, readable by the owner only) and not printed, so logs of the seed hold no secret.
"""

from __future__ import annotations

import datetime
import os
import random
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from coordination.models import OrgUnit, Position, Role
from coordination.models.organisation import RoleCode
from portal.models import User
from sharing import services as sharing_services
from sharing.exchange import chain as log_chain
from sharing.exchange.models import AccessLog, DataRecord
from sharing.exchange.models.records import RecordSource
from sharing.exchange.services import credential_issue
from sharing.models import Agreement, DataAuthority, DataItem, DataResource, ResourceVersion
from sharing.models.catalogue import ResourceStatus, SharingType
from sharing.services.agreements import add_months

SCALE_1 = {"resources": 1_000, "records": 1_000_000, "access_log": 5_000_000}
BATCH = 5_000
ITEMS = [("uscc", "统一社会信用代码", "string", True), ("name", "名称", "string", False)]
ITEMS += [("capital", "注册资本", "decimal", False), ("founded", "成立日期", "date", False)]
OUTCOMES = [(200, "ok", 0.93), (403, "no_agreement", 0.04), (401, "invalid_credential", 0.03)]


def scaled(name: str, scale: float, minimum: int) -> int:
    return max(minimum, round(SCALE_1[name] * scale))


class Command(BaseCommand):
    help = "Seed the data-sharing part of the city-scale benchmark data set (scratch databases only)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, required=True)
        parser.add_argument("--seed", type=int, default=11)
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--token-file",
            default="var/bench-exchange-token",
            help="Where the exchange credential's token is written (default: var/bench-exchange-token).",
        )

    def handle(self, *args, **options):
        if not 0 < options["scale"] <= 5:
            raise CommandError("--scale must be in (0, 5]")
        if DataResource.objects.filter(code__startswith="C99-").exists():
            raise CommandError("benchmark resources are already seeded here; use a fresh database")
        started = time.perf_counter()
        counts = seed(
            scale=options["scale"],
            rng=random.Random(options["seed"]),  # noqa: S311 - reproducible fake data
            progress=not options["no_progress"],
        )
        agreement, token = seed_exchange()
        write_token(Path(options["token_file"]), token)
        self.stdout.write(
            f"seed_bench_sharing --scale {options['scale']}: "
            + ", ".join(f"{k} {v}" for k, v in counts.items())
            + f" in {time.perf_counter() - started:.1f} s"
        )
        self.stdout.write(
            f"exchange: agreement {agreement.number} for {agreement.resource.code} "
            f"(consumer {agreement.consumer.code}); credential token written to {options['token_file']}"
        )


def resource_code(i: int) -> str:
    """Valid codes in a classification no real catalogue uses: C99-MM-01-NNNN."""
    return f"C99-{i // 9999:02d}-01-{i % 9999 + 1:04d}"


def seed(*, scale: float, rng: random.Random, progress: bool = True) -> dict:
    units = list(
        OrgUnit.objects.filter(code__startswith="bench-").order_by("pk").values_list("pk", flat=True)
    )
    if not units:
        raise CommandError("run seed_bench first: the benchmark departments provide and consume the data")
    n_resources = scaled("resources", scale, 3)
    n_records = scaled("records", scale, 10)
    n_log = scaled("access_log", scale, 10)

    resources = DataResource.objects.bulk_create(
        DataResource(
            code=resource_code(i),
            name=f"基准数据资源{i}",
            resource_class="C",
            classification=resource_code(i)[:9],
            provider_id=units[i % len(units)],
            sharing_type=SharingType.UNCONDITIONAL,
            sharing_methods=["api"],
            status=ResourceStatus.PUBLISHED,
            published_on=timezone.localdate(),
        )
        for i in range(n_resources)
    )
    DataItem.objects.bulk_create(
        DataItem(resource=r, code=code, name=name, data_type=kind, is_key=key, order=k)
        for r in resources
        for k, (code, name, kind, key) in enumerate(ITEMS)
    )

    now = timezone.now()
    bar = tqdm(total=n_records, desc="records", unit="rec", disable=not progress)
    first = resources[0]
    for start in range(0, n_records, BATCH):
        rows = [
            DataRecord(
                resource=first,
                key=f"91{i:016d}",
                data={
                    "uscc": f"91{i:016d}",
                    "name": f"基准企业{i}有限公司",
                    "capital": f"{rng.randint(10, 100_000)}.00",
                    "founded": f"{rng.randint(1990, 2025)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                },
                source=RecordSource.DEMO,
                updated_at=now,
            )
            for i in range(start, min(n_records, start + BATCH))
        ]
        DataRecord.objects.bulk_create(rows)
        bar.update(len(rows))
    bar.close()

    written = append_access_log(n_log, resources=resources, units=units, rng=rng, progress=progress)
    return {"resources": n_resources, "records": n_records, "access_log": written}


def append_access_log(n: int, *, resources, units, rng, progress: bool = True) -> int:
    """Append n pull-API calls to the access log, hashing each row as `chain.append` does."""
    statuses = [(s, o) for s, o, _w in OUTCOMES]
    weights = [w for _s, _o, w in OUTCOMES]
    written = 0
    bar = tqdm(total=n, desc="access log", unit="row", disable=not progress)
    while written < n:
        size = min(BATCH, n - written)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [log_chain.ACCESS_LOG_LOCK])
            last = AccessLog.objects.order_by("-sequence").values("sequence", "hash", "time_out").first()
            sequence, prev_hash = (
                (last["sequence"], last["hash"]) if last else (0, log_chain.chain.GENESIS_HASH)
            )
            base = max(timezone.now(), last["time_out"]) if last else timezone.now()
            base = base.astimezone(datetime.UTC)
            rows = []
            for i in range(1, size + 1):
                sequence += 1
                resource = resources[rng.randrange(len(resources))]
                status, outcome = rng.choices(statuses, weights)[0]
                time_out = base + datetime.timedelta(microseconds=i)
                row = {
                    "sequence": sequence,
                    "request_id": f"bench-{sequence}",
                    "method": "GET",
                    "path": f"/api/exchange/resources/{resource.code}/records/",
                    "credential_id": None,
                    "agreement_id": None,
                    "consumer_id": units[rng.randrange(len(units))],
                    "provider_id": resource.provider_id,
                    "resource_id": resource.pk,
                    "resource_code": resource.code,
                    "purpose": f"案件{sequence % 9973}",
                    "end_user": f"经办人{sequence % 97}",
                    "client_ip": "10.0.0.1",
                    "time_in": time_out - datetime.timedelta(milliseconds=5),
                    "time_out": time_out,
                    "status": status,
                    "outcome": outcome,
                    "records": 50 if status == 200 else 0,
                    "bytes": 9_000 if status == 200 else 120,
                    "prev_hash": prev_hash,
                }
                row["hash"] = prev_hash = log_chain.compute_hash(row)
                rows.append(AccessLog(**row))
            AccessLog.objects.bulk_create(rows)
        written += size
        bar.update(size)
    bar.close()
    return written


# -- the exchange pull: an agreement and a credential for the first resource -----------------------

EXCHANGE_PURPOSE = "基准测试：数据交换拉取（流式导出）"
EXCHANGE_LABEL = "基准测试：压测客户端"


def _steward(user: User, unit: OrgUnit) -> User:
    """Give a benchmark official the data steward role in `unit` (a position of its own)."""
    position = Position.objects.create(user=user, unit=unit, title="数据专员")
    position.roles.add(Role.objects.get(code=RoleCode.DATA_STEWARD))
    return User.objects.get(pk=user.pk)  # fresh: the permission checks cache the user's units


def _publish_version(resource: DataResource) -> None:
    """The bulk-created resource as `resource_publish` leaves it: a version snapshot of its items."""
    items = list(resource.items.order_by("order", "id"))
    version = ResourceVersion.objects.create(
        resource=resource,
        number=1,
        items=[i.as_snapshot(resource) for i in items],
        sharing_type=resource.sharing_type,
        published_at=timezone.now(),
    )
    DataResource.objects.filter(pk=resource.pk).update(current_version=version)


def seed_exchange() -> tuple[Agreement, str]:
    """An active agreement for every item of the first benchmark resource, and a credential for it.

    Provider: the resource's provider. Consumer: the next benchmark unit. A third benchmark unit is
    flagged as the data authority. The last two benchmark officials become the consumer's and the
    authority's data stewards. The agreement is valid for a year from today; the exchange has no
    per-agreement quota, so nothing else limits the benchmark's calls.
    """
    resource = DataResource.objects.filter(code__startswith="C99-").order_by("pk").first()
    units = list(
        OrgUnit.objects.filter(code__startswith="bench-").exclude(pk=resource.provider_id).order_by("pk")
    )
    if len(units) < 2:
        raise CommandError("the exchange benchmark needs two benchmark units besides the provider")
    consumer_unit, authority_unit = units[0], units[1]
    officials = list(User.objects.filter(username__startswith="bench-off-").order_by("-pk")[:2])
    if len(officials) < 2:
        raise CommandError("the exchange benchmark needs two benchmark officials")
    today = timezone.localdate()
    with transaction.atomic():
        _publish_version(resource)
        DataAuthority.objects.get_or_create(unit=authority_unit)
        consumer = _steward(officials[0], consumer_unit)
        authority = _steward(officials[1], authority_unit)
        resource = DataResource.objects.get(pk=resource.pk)
        request = sharing_services.request_create(
            actor=consumer,
            consumer=consumer_unit,
            resource=resource,
            items=list(resource.items.order_by("order", "id")),
            data={
                "purpose": EXCHANGE_PURPOSE,
                "scenario": EXCHANGE_PURPOSE,
                "duty_basis": "《政务数据共享管理办法》（基准测试）",
                "method": "api",
                "frequency": "on_demand",
                "period_from": today,
                "period_until": add_months(today, 12) - datetime.timedelta(days=1),
                "direction": "",
            },
        )
        sharing_services.request_submit(actor=consumer, request=request, on=today)
        sharing_services.request_authority_check(
            actor=authority,
            request=request,
            passed=True,
            opinion="基准测试数据，同意共享。",
            terms={"valid_from": today, "valid_until": add_months(today, 12) - datetime.timedelta(days=1)},
            on=today,
        )
        agreement = Agreement.objects.select_related("resource", "consumer").get(request=request)
        _credential, token = credential_issue(actor=consumer, agreement=agreement, label=EXCHANGE_LABEL)
    return agreement, token


def write_token(path: Path, token: str) -> None:
    """Write the token for Locust, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    path.chmod(0o600)
