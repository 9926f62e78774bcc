"""`manage.py seed_bench_ppp --scale N`: the PPP part of the benchmark data set (issue 11).

Run after `seed_bench` (the benchmark departments are the agencies). At scale 1: 50 published
projects in execution, each with a locked indicator framework (3 dimensions, 6 scored leaves),
10 years of monthly monitoring records and 10 published yearly evaluations scored at both
stages. Benchmark data only: run it on a scratch database.
"""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from coordination.models import OrgUnit
from operations.models import Mode, Project, Regime, ReturnMechanism, Stage
from operations.performance.models import (
    Dimension,
    Evaluation,
    Framework,
    Frequency,
    Indicator,
    IndicatorScore,
    Method,
    MonitoringRecord,
    Source,
    State,
)
from operations.performance.models import Stage as ScoreStage

SCALE_1 = {"projects": 50}
YEARS = 10
# (dimension, level-1 weight, two leaves each)
TREE = [(Dimension.OUTPUT, "0.4000"), (Dimension.EFFECT, "0.3000"), (Dimension.MANAGEMENT, "0.3000")]


class Command(BaseCommand):
    help = "Seed the PPP part of the city-scale benchmark data set (scratch databases only)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, required=True)
        parser.add_argument("--seed", type=int, default=11)
        parser.add_argument("--no-progress", action="store_true")  # accepted for symmetry; nothing to show

    def handle(self, *args, **options):
        if not 0 < options["scale"] <= 5:
            raise CommandError("--scale must be in (0, 5]")
        if Project.objects.filter(code__startswith="bench-ppp-").exists():
            raise CommandError("benchmark projects are already seeded here; use a fresh database")
        started = time.perf_counter()
        counts = seed(scale=options["scale"], rng=random.Random(options["seed"]))  # noqa: S311 - fake data
        self.stdout.write(
            f"seed_bench_ppp --scale {options['scale']}: "
            + ", ".join(f"{k} {v}" for k, v in counts.items())
            + f" in {time.perf_counter() - started:.1f} s"
        )


def _months(first: datetime.date, count: int):
    for m in range(count):
        year, month = divmod(first.month - 1 + m, 12)
        start = datetime.date(first.year + year, month + 1, 1)
        nyear, nmonth = divmod(month + 1, 12)
        yield start, datetime.date(first.year + year + nyear, nmonth + 1, 1) - datetime.timedelta(days=1)


@transaction.atomic
def seed(*, scale: float, rng: random.Random) -> dict:
    units = list(
        OrgUnit.objects.filter(code__startswith="bench-").order_by("pk").values_list("pk", flat=True)
    )
    if not units:
        raise CommandError("run seed_bench first: the benchmark departments are the agencies")
    n_projects = max(2, round(SCALE_1["projects"] * scale))
    today = timezone.localdate()
    first_year = today.year - YEARS
    projects = Project.objects.bulk_create(
        Project(
            code=f"bench-ppp-{i}",
            name=f"基准市政PPP项目{i}",
            regime=Regime.LEGACY_PPP,
            mode=Mode.BOT,
            return_mechanism=ReturnMechanism.AVAILABILITY,
            sector="市政工程",
            stage=Stage.EXECUTION,
            term_years=20,
            construction_years=2,
            total_investment=Decimal(rng.randint(1, 50) * 10_000_000),
            implementing_agency_id=units[i % len(units)],
            industry_authority_id=units[(i + 1) % len(units)],
            finance_department_id=units[0],
            location="基准市",
            contract_signed_on=datetime.date(first_year - 2, 6, 30),
            operation_start=datetime.date(first_year, 1, 1),
            operation_end=datetime.date(first_year + 20, 12, 31),
            published=True,
        )
        for i in range(n_projects)
    )
    frameworks = Framework.objects.bulk_create(
        Framework(project=p, version=1, goals="保障设施可用、服务达标。", locked=True) for p in projects
    )
    leaves: dict[int, list[Indicator]] = {}
    for fw in frameworks:
        for d, (dimension, weight) in enumerate(TREE, start=1):
            top = Indicator.objects.create(
                framework=fw, level=1, dimension=dimension, code=f"{d}", name=f"一级指标{d}", weight=weight
            )
            mid = Indicator.objects.create(
                framework=fw,
                parent=top,
                level=2,
                dimension=dimension,
                code=f"{d}.1",
                name=f"二级指标{d}.1",
                weight="1.0000",
            )
            leaves.setdefault(fw.pk, []).extend(
                Indicator.objects.bulk_create(
                    Indicator(
                        framework=fw,
                        parent=mid,
                        level=3,
                        dimension=dimension,
                        code=f"{d}.1.{k}",
                        name=f"三级指标{d}.1.{k}",
                        weight="0.5000",
                        method=Method.LINEAR,
                        params={"floor": 60, "target": 100},
                        frequency=Frequency.MONTHLY,
                    )
                    for k in (1, 2)
                )
            )
    records, evaluations = [], []
    for fw in frameworks:
        for leaf in leaves[fw.pk]:
            records += [
                MonitoringRecord(
                    indicator=leaf,
                    period_start=start,
                    period_end=end,
                    value=Decimal(rng.randint(70, 100)),
                    source=Source.SELF_REPORT,
                )
                for start, end in _months(datetime.date(first_year, 1, 1), YEARS * 12)
            ]
        for y in range(YEARS):
            year = first_year + y
            evaluations.append(
                Evaluation(
                    project_id=fw.project_id,
                    framework=fw,
                    period_start=datetime.date(year, 1, 1),
                    period_end=datetime.date(year, 12, 31),
                    due_on=datetime.date(year + 1, 3, 31),
                    state=State.PUBLISHED,
                    self_total=Decimal(rng.randint(85, 100)),
                    total=Decimal(rng.randint(75, 98)),
                    approved_on=datetime.date(year + 1, 3, 15),
                    published_on=datetime.date(year + 1, 3, 20),
                )
            )
    MonitoringRecord.objects.bulk_create(records, batch_size=5_000)
    Evaluation.objects.bulk_create(evaluations)
    scores = [
        IndicatorScore(
            evaluation=ev,
            indicator=leaf,
            stage=stage,
            value=Decimal(rng.randint(75, 100)),
            score=Decimal(rng.randint(75, 100)),
        )
        for ev in evaluations
        for leaf in leaves[ev.framework_id]
        for stage in (ScoreStage.SELF, ScoreStage.AGENCY)
    ]
    IndicatorScore.objects.bulk_create(scores, batch_size=5_000)
    return {
        "projects": n_projects,
        "evaluations": len(evaluations),
        "monitoring_records": len(records),
        "indicator_scores": len(scores),
    }
