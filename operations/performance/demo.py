"""Demo performance data for the PPP demo projects (runs after operations' demo; idempotent).

Frameworks for all four projects; for the signed ones a few years of monitoring data, evaluations
and payments, replayed on their past dates through the services. The IOC project's 2025
evaluation waits in agency scoring with the demo `evaluator` assigned; `ppp` approves.
"""

from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal

from django.db import transaction

from operations.models import Project, Regime
from operations.performance import services
from operations.performance.models import Framework, Indicator, Source, State
from portal.clocks import services as clocks
from portal.models import User

D = datetime.date
PARKING, IOC, CHARGING, HOTLINE = "yx-ppp-parking", "yx-ppp-ioc", "yx-conc-charging", "yx-sp-hotline"

BANDS = [
    {"min": 0, "max": 60, "kind": "step", "coef_min": "0"},
    {"min": 60, "max": 80, "kind": "linear", "coef_min": "0.60", "coef_max": "0.90"},
    {"min": 80, "max": 90, "kind": "linear", "coef_min": "0.90", "coef_max": "1.00"},
    {"min": 90, "max": 100, "kind": "step", "coef_min": "1.00"},
]

# Agency values per year: availability %, failure events, satisfaction %, no major accident, records.
YEARS = {
    2022: {"O1a": "98.6", "O1b": "3", "E1a": "84", "M1a": "1", "M1b": "80"},
    2023: {"O1a": "99.2", "O1b": "2", "E1a": "88", "M1a": "1", "M1b": "80"},
    2024: {"O1a": "99.6", "O1b": "1", "E1a": "91", "M1a": "1", "M1b": "100"},
    2025: {"O1a": "99.7", "O1b": "1", "E1a": "92", "M1a": "1", "M1b": "100"},
}


def tree(service: str) -> list[dict]:
    def leaf(code, name, weight, method, params, **extra):
        return {"code": code, "name": name, "weight": weight, "method": method, "params": params, **extra}

    return [
        {
            "code": "O",
            "name": "产出",
            "weight": "0.4",
            "dimension": "output",
            "children": [
                {
                    "code": "O1",
                    "name": f"{service}可用性",
                    "weight": "1",
                    "children": [
                        leaf(
                            "O1a",
                            "系统可用率",
                            "0.6",
                            "linear",
                            {"worst": "95", "best": "99.9"},
                            standard="≥ 99.5%",
                            data_source="运维监控平台",
                            explanation="年度平均在线时长占比",
                            frequency="yearly",
                        ),
                        leaf(
                            "O1b",
                            "重大故障次数",
                            "0.4",
                            "per_event",
                            {"deduction": "10"},
                            standard="0 次",
                            data_source="故障工单",
                            explanation="中断服务超过 4 小时的故障",
                            frequency="yearly",
                        ),
                    ],
                }
            ],
        },
        {
            "code": "E",
            "name": "效果",
            "weight": "0.4",
            "dimension": "effect",
            "children": [
                {
                    "code": "E1",
                    "name": "社会效益",
                    "weight": "1",
                    "children": [
                        leaf(
                            "E1a",
                            "公众满意度",
                            "1",
                            "threshold",
                            {"direction": "higher", "steps": [["80", "60"], ["85", "80"], ["90", "100"]]},
                            standard="≥ 90%",
                            data_source="第三方满意度调查",
                            frequency="yearly",
                        )
                    ],
                }
            ],
        },
        {
            "code": "M",
            "name": "管理",
            "weight": "0.2",
            "dimension": "management",
            "children": [
                {
                    "code": "M1",
                    "name": "运营管理",
                    "weight": "1",
                    "children": [
                        leaf(
                            "M1a",
                            "无重大安全责任事故",
                            "0.5",
                            "binary",
                            {},
                            veto=True,
                            standard="无",
                            data_source="应急管理部门通报",
                            frequency="yearly",
                        ),
                        leaf(
                            "M1b",
                            "档案与信息公开",
                            "0.5",
                            "manual",
                            {
                                "levels": [
                                    {"label": "优", "score": 100},
                                    {"label": "良", "score": 80},
                                    {"label": "中", "score": 60},
                                    {"label": "差", "score": 20},
                                ]
                            },
                            standard="档案完整、按时公开",
                            data_source="实施机构检查",
                            frequency="yearly",
                        ),
                    ],
                }
            ],
        },
    ]


@contextlib.contextmanager
def on_day(day: datetime.date):
    """Replay a past date: the services read today from portal.clocks.services.local_today."""
    original = clocks.local_today
    clocks.local_today = lambda: day
    try:
        yield
    finally:
        clocks.local_today = original


def _official_in(unit_id):
    return User.objects.filter(
        positions__unit_id=unit_id, positions__active=True, kind="official", is_active=True
    ).first()


def _rep_of(project):
    if not project.project_company_id:
        return None
    return User.objects.filter(
        positions__unit_id=project.project_company_id, positions__roles__code="representative", is_active=True
    ).first()


def _year(project, leaves, year, *, agency, company, manager, evaluator=None, stop_at=None, events=None):
    values = YEARS[year]
    start, end = D(year, 1, 1), D(year, 12, 31)
    for code, value in values.items():
        services.record_add(
            actor=company,
            indicator=leaves[code],
            period_start=start,
            period_end=end,
            value=value,
            source=Source.SELF_REPORT,
        )
    with on_day(D(year + 1, 1, 6)):
        evaluation = services.evaluation_create(
            actor=agency, project=project, period_start=start, period_end=end
        )
        services.evaluation_transition(actor=agency, evaluation=evaluation, action="open")
    with on_day(D(year + 1, 1, 20)):
        for code, value in values.items():
            services.score_save(actor=company, evaluation=evaluation, indicator=leaves[code], value=value)
        services.evaluation_transition(actor=company, evaluation=evaluation, action="submit_self")
    if evaluator is not None:
        services.evaluation_assign(actor=agency, evaluation=evaluation, evaluator=evaluator)
    if stop_at == State.AGENCY_SCORING:
        return evaluation
    with on_day(D(year + 1, 2, 10)):
        for code, value in values.items():
            services.score_save(
                actor=agency,
                evaluation=evaluation,
                indicator=leaves[code],
                value=value,
                evidence_text="现场核查、台账抽查",
            )
        services.evaluation_transition(actor=agency, evaluation=evaluation, action="submit_scores")
    with on_day(D(year + 1, 2, 26)):
        evaluation = services.evaluation_transition(actor=manager, evaluation=evaluation, action="approve")
        calculation = None
        if project.payment_mechanisms.filter(active=True).exists():
            calculation = services.calculation_create(actor=manager, evaluation=evaluation, events=events)
    if stop_at == State.APPROVED:
        return evaluation
    with on_day(D(year + 1, 3, 5)):
        services.evaluation_transition(actor=manager, evaluation=evaluation, action="publish")
    if calculation is not None:
        services.payment_record(
            actor=manager,
            calculation=calculation,
            amount=calculation.amount,
            paid_on=D(year + 1, 3, 20),
            reference=f"ZF-{project.code[-6:].upper()}-{year}",
        )
    return evaluation


def _load_project(project, *, manager, admin, evaluator):
    agency = _official_in(project.implementing_agency_id) or admin
    company = _rep_of(project) or admin
    service = {PARKING: "停车诱导", IOC: "城市运行中心", CHARGING: "充电网络", HOTLINE: "12345热线"}[
        project.code
    ]
    services.framework_save(
        actor=agency, project=project, tree=tree(service), goals=f"{service}稳定运行、公众满意"
    )
    leaves = {i.code: i for i in Indicator.objects.filter(framework__project=project, level=3)}
    if project.contract_signed_on is None or project.operation_start is None:
        return
    if project.regime != Regime.CONCESSION_2024:
        linked = {PARKING: Decimal("1200000.00"), IOC: Decimal("900000.00"), HOTLINE: Decimal("600000.00")}
        fixed = {PARKING: Decimal("1800000.00"), IOC: Decimal("0"), HOTLINE: Decimal("900000.00")}
        services.mechanism_save(
            actor=manager,
            project=project,
            data={
                "linked_amount": linked[project.code],
                "fixed_amount": fixed[project.code],
                "bands": BANDS,
                "abatement_per_event": Decimal("15000.00"),
                "incentive_from": Decimal("95"),
                "incentive_per_point": Decimal("5000.00"),
                "incentive_cap": Decimal("20000.00"),
            },
        )
    years = [y for y in YEARS if y >= max(project.operation_start.year, 2022)]
    for year in years:
        last = year == years[-1]
        if project.code == IOC and last:
            _year(
                project,
                leaves,
                year,
                agency=agency,
                company=company,
                manager=manager,
                evaluator=evaluator,
                stop_at=State.AGENCY_SCORING,
            )
        else:
            _year(
                project,
                leaves,
                year,
                agency=agency,
                company=company,
                manager=manager,
                stop_at=State.APPROVED if last else None,
            )


def load_demo() -> str:
    projects = list(Project.objects.filter(code__in=[PARKING, IOC, CHARGING, HOTLINE]).order_by("code"))
    if not projects:
        return "Performance demo skipped: the PPP demo is not loaded."
    manager = User.objects.filter(username="ppp").first()
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    evaluator = User.objects.filter(username="evaluator").first()
    if manager is None or admin is None:
        return "Performance demo skipped: the demo logins are not loaded."
    loaded = 0
    for project in projects:
        if Framework.objects.filter(project=project).exists():
            continue
        with transaction.atomic():
            _load_project(project, manager=manager, admin=admin, evaluator=evaluator)
        loaded += 1
    if not loaded:
        return "Performance demo already loaded; nothing to add."
    return f"Performance demo loaded for {loaded} projects."
