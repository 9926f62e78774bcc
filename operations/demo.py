"""Demo PPP data for the demo city: two legacy PPPs, a 2024 concession and a service purchase,
with their history (stage transitions over the years, contracts, a tender with integrity flags,
cost benchmarks) and the parties' shareholdings. Idempotent: loads once, found again by the
project codes. Runs on SQLite without Redis. The `ppp` login (PPP manager, yx-finance) sees every
project; `enterprise` (representative of yx-digital) sees the city operations centre, whose
project company yx-digital is.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from coordination.demo import make_id_number, make_uscc
from coordination.models import OrgUnit
from operations import integrity, services
from operations.models import (
    Allocation,
    Bid,
    BidItem,
    CatalogueStatus,
    CostBenchmark,
    Disclosure,
    DocumentKind,
    KeyStaff,
    Lot,
    Mode,
    Participation,
    Project,
    QualificationEvidence,
    QualificationRequirement,
    Regime,
    ReturnMechanism,
    RiskCategory,
    Stage,
    Tender,
)
from portal.models import User

D = datetime.date
CODES = ("yx-ppp-parking", "yx-ppp-ioc", "yx-conc-charging", "yx-sp-hotline")

# code, name, organisation-code body, legal representative (name, birth date, sequence), incorporated on
BIDDERS = [
    ("yx-jiebo", "云溪捷泊科技有限公司", "MA35YX11", ("黄志强", "19780312", "113"), D(2017, 1, 20)),
    ("yx-boan", "云溪泊安信息技术有限公司", "MA35YX12", ("黄志强", "19780312", "113"), D(2012, 5, 8)),
    ("jl-citylink", "江岭城联智能交通股份有限公司", "MA35YX13", ("何敏", "19800521", "224"), D(2008, 3, 15)),
    ("yx-holding", "云溪数智控股集团有限公司", "MA35YX14", ("周建华", "19660830", "151"), D(2010, 7, 1)),
]


def _unit(code):
    return OrgUnit.objects.get(code=code)


def _parties():
    for code, name, body, rep, incorporated in BIDDERS:
        if not OrgUnit.objects.filter(code=code).exists():
            services.enterprise_register(
                actor=None,
                code=code,
                name=name,
                uscc=make_uscc("91", "360900", body),
                profile={
                    "legal_rep_name": rep[0],
                    "legal_rep_id_number": make_id_number("360902", rep[1], rep[2]),
                    "incorporated_on": incorporated,
                    "registered_capital": Decimal("10000000.00"),
                },
            )
    profiles = {
        "yx-digital": ("刘建国", D(2015, 4, 1), Decimal("50000000.00")),
        "yx-parking-spv": ("陈立", D(2017, 8, 10), Decimal("36000000.00")),
        "yx-scc": ("王海", D(2014, 1, 6), Decimal("500000000.00")),
    }
    for code, (rep, incorporated, capital) in profiles.items():
        services.party_profile_save(
            actor=None,
            unit=_unit(code),
            data={"legal_rep_name": rep, "incorporated_on": incorporated, "registered_capital": capital},
        )
    for holder, company, ratio, voting, since in [
        ("yx-digital", "yx-parking-spv", "0.70", None, D(2017, 8, 10)),
        ("yx-scc", "yx-parking-spv", "0.30", None, D(2017, 8, 10)),
        ("yx-holding", "yx-digital", "0.55", None, D(2016, 1, 1)),
        ("yx-holding", "yx-boan", "0.35", "0.60", D(2015, 1, 1)),
    ]:
        services.shareholding_add(
            actor=None,
            data={
                "holder": _unit(holder),
                "company": _unit(company),
                "ratio": Decimal(ratio),
                "voting_ratio": Decimal(voting) if voting else None,
                "valid_from": since,
            },
        )


def _create(actor, data, stages, identified_on):
    project = services.project_create(actor=actor, data={**data, "identified_on": identified_on})
    for stage, on in stages:
        project = services.project_transition(actor=actor, project=project, to_stage=stage, on=on)
    return project


def _common(code, name, **fields):
    return {
        "code": code,
        "name": name,
        "finance_department": _unit("yx-finance"),
        "published": True,
        **fields,
    }


def _parking(actor):
    project = _create(
        actor,
        _common(
            "yx-ppp-parking",
            "云溪市智慧停车PPP项目",
            description="主城区路内泊位及公共停车场智慧化改造、停车平台建设与运营，期满无偿移交。",
            regime=Regime.LEGACY_PPP,
            mode=Mode.BOT,
            return_mechanism=ReturnMechanism.VGF,
            sector="智慧交通",
            term_years=15,
            construction_years=2,
            total_investment=Decimal("180000000.00"),
            implementing_agency=_unit("yx-urban"),
            industry_authority=_unit("yx-transport"),
            location="云溪市主城区",
        ),
        [(Stage.PREPARATION, D(2016, 9, 1)), (Stage.PROCUREMENT, D(2017, 3, 1))],
        D(2016, 3, 1),
    )
    tender = Tender.objects.create(
        project=project,
        reference="YXCG-2017-031",
        title="智慧停车PPP项目社会资本方采购",
        deadline=D(2017, 6, 30),
    )
    QualificationRequirement.objects.create(
        tender=tender, code="Q1", description="具有电子与智能化工程专业承包二级及以上资质"
    )
    lot = Lot.objects.create(
        tender=tender, number=1, title="智慧停车平台及泊位设施", budget=Decimal("180000000.00")
    )
    bids = {}
    for code, total, account, awarded in [
        ("yx-digital", "176500000.00", "3602 0010 0900 1234 567", True),
        ("yx-jiebo", "179200000.00", "3602 0010 0900 7777 001", False),
        ("yx-boan", "179650000.00", "3602 0010 0900 7777 001", False),
        ("jl-citylink", "184000000.00", "3602 0020 0800 5555 321", False),
    ]:
        bids[code] = Bid.objects.create(
            lot=lot, bidder=_unit(code), quoted_total=Decimal(total), deposit_account=account, awarded=awarded
        )
    bids["yx-digital"].consortium_members.add(_unit("yx-scc"))
    for code, prices in [
        ("yx-digital", ("380.00", "9800000.00")),
        ("yx-jiebo", ("455.00", "9950000.00")),
        ("yx-boan", ("455.00", "9950000.00")),
        ("jl-citylink", ("410.00", "10200000.00")),
    ]:
        BidItem.objects.create(
            bid=bids[code], item="地磁车位检测器", unit="个", quantity=12000, unit_price=Decimal(prices[0])
        )
        BidItem.objects.create(
            bid=bids[code], item="停车管理云平台", unit="套", quantity=1, unit_price=Decimal(prices[1])
        )
    KeyStaff.objects.create(
        bid=bids["yx-jiebo"],
        name="郭涛",
        id_number=make_id_number("360902", "19850607", "231"),
        role="项目经理",
    )
    KeyStaff.objects.create(
        bid=bids["yx-boan"],
        name="郭涛",
        id_number=make_id_number("360902", "19850607", "231"),
        role="技术负责人",
    )
    QualificationEvidence.objects.create(
        bid=bids["yx-jiebo"], title="电子与智能化工程专业承包二级资质证书", owner=_unit("jl-citylink")
    )
    QualificationEvidence.objects.create(
        bid=bids["yx-digital"], title="电子与智能化工程专业承包一级资质证书", owner=_unit("yx-digital")
    )
    integrity.integrity_check(actor=actor, tender=tender)
    flag = tender.flags.filter(rule="new_company").first()
    if flag:
        integrity.flag_resolve(
            actor=actor, flag=flag, status="confirmed", reason="成立不足半年，已约谈并移交监管部门"
        )

    project = services.project_update(
        actor=actor,
        project=project,
        data={
            "project_company": _unit("yx-parking-spv"),
            "contract_signed_on": D(2017, 8, 20),
            "operation_start": D(2019, 1, 1),
            "operation_end": D(2032, 8, 31),
        },
    )
    contract = services.contract_add(
        actor=actor,
        project=project,
        data={
            "title": "云溪市智慧停车PPP项目合同",
            "number": "YX-PPP-2017-007",
            "signed_on": D(2017, 8, 20),
            "value": Decimal("176500000.00"),
            "counterparty": _unit("yx-parking-spv"),
        },
    )
    services.contract_amend(
        actor=actor,
        contract=contract,
        data={"value": Decimal("171200000.00")},
        signed_on=D(2021, 3, 15),
        rationale="二期泊位规模调减，总投资相应调整（补充协议一）",
    )
    project = services.project_transition(
        actor=actor, project=project, to_stage=Stage.EXECUTION, on=D(2017, 9, 1)
    )
    for kind, title, disclosure, at_stage, issued in [
        (
            DocumentKind.IMPLEMENTATION_PLAN,
            "智慧停车PPP项目实施方案",
            Disclosure.IMMEDIATELY,
            "",
            D(2016, 8, 15),
        ),
        (DocumentKind.VFM, "物有所值评价报告", Disclosure.IMMEDIATELY, "", D(2016, 8, 20)),
        (DocumentKind.AFFORDABILITY, "财政承受能力论证报告", Disclosure.IMMEDIATELY, "", D(2016, 8, 20)),
        (
            DocumentKind.CONTRACT,
            "PPP项目合同（公开版）",
            Disclosure.AT_STAGE,
            Stage.EXECUTION,
            D(2017, 8, 20),
        ),
        (DocumentKind.OTHER, "项目财务测算模型（内部）", Disclosure.NEVER, "", D(2017, 3, 1)),
    ]:
        services.document_add(
            actor=actor,
            project=project,
            data={
                "kind": kind,
                "title": title,
                "disclosure": disclosure,
                "disclose_at_stage": at_stage,
                "issued_on": issued,
            },
        )
    for category, description, allocation, mitigation in [
        (RiskCategory.CONSTRUCTION, "建设成本超支与工期延误", Allocation.PRIVATE, "固定总价EPC分包"),
        (RiskCategory.DEMAND, "停车需求低于预测", Allocation.SHARED, "需求低于预测70%时启动再谈判"),
        (RiskCategory.POLICY, "停车收费政策调整", Allocation.PUBLIC, "政府按合同约定补偿"),
        (RiskCategory.DATA, "车辆轨迹等个人信息泄露", Allocation.PRIVATE, "等保三级、数据不出域"),
    ]:
        services.risk_add(
            actor=actor,
            project=project,
            data={
                "category": category,
                "description": description,
                "allocation": allocation,
                "mitigation": mitigation,
            },
        )
    for title, kind, planned, actual in [
        ("融资交割", "financing", D(2018, 3, 1), D(2018, 2, 20)),
        ("一期建成投运", "operation", D(2019, 1, 1), D(2019, 1, 15)),
        ("中期评估", "review", D(2025, 6, 30), None),
        ("期满移交", "transfer", D(2032, 8, 31), None),
    ]:
        services.milestone_save(
            actor=actor,
            project=project,
            data={"title": title, "kind": kind, "planned_on": planned, "actual_on": actual},
        )
    services.tariff_add(
        actor=actor,
        project=project,
        data={
            "item": "路内泊位首小时",
            "unit": "元/小时",
            "price": Decimal("3.00"),
            "valid_from": D(2019, 1, 1),
            "approved_by": "云溪市发展和改革委员会",
        },
    )
    return project


def _ioc(actor):
    project = _create(
        actor,
        _common(
            "yx-ppp-ioc",
            "云溪市城市运行管理中心（IOC）PPP项目",
            description="城市运行管理中心平台建设及十年运营维护，政府按绩效付费。",
            regime=Regime.LEGACY_PPP,
            mode=Mode.BOT,
            return_mechanism=ReturnMechanism.AVAILABILITY,
            sector="城市治理",
            term_years=12,
            construction_years=2,
            total_investment=Decimal("96000000.00"),
            implementing_agency=_unit("yx-data"),
            industry_authority=_unit("yx-gov-office"),
            location="云溪市政务服务中心",
        ),
        [(Stage.PREPARATION, D(2018, 11, 1)), (Stage.PROCUREMENT, D(2019, 4, 1))],
        D(2018, 5, 1),
    )
    project = services.project_update(
        actor=actor,
        project=project,
        data={
            "project_company": _unit("yx-digital"),
            "contract_signed_on": D(2019, 9, 30),
            "operation_start": D(2021, 10, 1),
            "operation_end": D(2031, 9, 30),
        },
    )
    services.contract_add(
        actor=actor,
        project=project,
        data={
            "title": "城市运行管理中心PPP项目合同",
            "number": "YX-PPP-2019-002",
            "signed_on": D(2019, 9, 30),
            "value": Decimal("96000000.00"),
            "counterparty": _unit("yx-digital"),
        },
    )
    services.project_transition(actor=actor, project=project, to_stage=Stage.EXECUTION, on=D(2019, 10, 15))
    services.risk_add(
        actor=actor,
        project=project,
        data={
            "category": RiskCategory.OPERATION,
            "description": "平台可用率不达标",
            "allocation": Allocation.PRIVATE,
            "mitigation": "按绩效扣减可用性付费",
        },
    )
    services.milestone_save(
        actor=actor,
        project=project,
        data={"title": "平台上线", "planned_on": D(2021, 10, 1), "actual_on": D(2021, 9, 28)},
    )
    services.document_add(
        actor=actor,
        project=project,
        data={"kind": DocumentKind.VFM, "title": "物有所值评价报告", "issued_on": D(2018, 10, 10)},
    )
    return project


def _charging(actor):
    project = _create(
        actor,
        _common(
            "yx-conc-charging",
            "云溪市新能源汽车公共充电设施特许经营项目",
            description="按《基础设施和公用事业特许经营管理办法》（2024年）实施，使用者付费。",
            regime=Regime.CONCESSION_2024,
            mode=Mode.BOT,
            return_mechanism=ReturnMechanism.USER_PAY,
            sector="新能源",
            term_years=25,
            construction_years=2,
            total_investment=Decimal("64000000.00"),
            implementing_agency=_unit("yx-transport"),
            industry_authority=_unit("yx-ndrc"),
            location="云溪市全域",
        ),
        [(Stage.PREPARATION, D(2025, 3, 1)), (Stage.PROCUREMENT, D(2025, 10, 1))],
        D(2024, 11, 1),
    )
    services.risk_add(
        actor=actor,
        project=project,
        data={
            "category": RiskCategory.DEMAND,
            "description": "充电需求不足",
            "allocation": Allocation.PRIVATE,
            "mitigation": "使用者付费，政府不兜底",
        },
    )
    services.document_add(
        actor=actor,
        project=project,
        data={
            "kind": DocumentKind.FEASIBILITY,
            "title": "特许经营可行性论证报告",
            "issued_on": D(2025, 2, 10),
        },
    )
    services.milestone_save(
        actor=actor, project=project, data={"title": "确定特许经营者", "planned_on": D(2026, 3, 31)}
    )
    return project


def _hotline(actor):
    project = _create(
        actor,
        _common(
            "yx-sp-hotline",
            "12345政务服务便民热线运营服务采购",
            description="政府购买服务：热线坐席、知识库及工单流转运营，三年一期。",
            regime=Regime.SERVICE_PURCHASE,
            mode=Mode.SERVICE_PURCHASE,
            return_mechanism=ReturnMechanism.AVAILABILITY,
            sector="政务服务",
            term_years=3,
            total_investment=Decimal("15600000.00"),
            implementing_agency=_unit("yx-gov-office"),
            industry_authority=_unit("yx-gov-office"),
            contract_signed_on=D(2024, 12, 20),
            operation_start=D(2025, 1, 1),
            operation_end=D(2027, 12, 31),
        ),
        [
            (Stage.PREPARATION, D(2024, 6, 1)),
            (Stage.PROCUREMENT, D(2024, 9, 1)),
            (Stage.EXECUTION, D(2025, 1, 1)),
        ],
        D(2024, 3, 1),
    )
    services.contract_add(
        actor=actor,
        project=project,
        data={
            "title": "12345热线运营服务合同",
            "number": "YXCG-2024-118",
            "signed_on": D(2024, 12, 20),
            "value": Decimal("15600000.00"),
            "counterparty": _unit("jl-citylink"),
        },
    )
    return project


def _catalogue():
    for code, name, domain, modes, participation, revenue in [
        (
            "smart-parking",
            "智慧停车运营",
            "智慧交通",
            ["bot", "tot", "concession"],
            Participation.CONTROLLING,
            "停车费、增值服务",
        ),
        (
            "ev-charging",
            "新能源汽车充电服务",
            "新能源",
            ["boo", "bot", "concession"],
            Participation.WHOLLY,
            "充电服务费",
        ),
        (
            "ioc-operation",
            "城市运行管理平台运营",
            "城市治理",
            ["om", "mc", "service_purchase"],
            Participation.MINORITY,
            "政府购买服务",
        ),
        (
            "elderly-care-platform",
            "智慧养老服务平台",
            "民生服务",
            ["boo", "service_purchase"],
            Participation.WHOLLY,
            "服务收费、政府补贴",
        ),
    ]:
        if not services.CatalogueEntry.objects.filter(code=code).exists():
            services.catalogue_save(
                actor=None,
                data={
                    "code": code,
                    "name": name,
                    "domain": domain,
                    "allowed_modes": modes,
                    "participation": participation,
                    "revenue_sources": revenue,
                    "status": CatalogueStatus.OPEN,
                },
            )


def _benchmarks():
    for item, unit, year, p25, p50, p75 in [
        ("地磁车位检测器", "个", 2017, "330", "380", "420"),
        ("停车管理云平台", "套", 2017, "8500000", "9500000", "10500000"),
        ("地磁车位检测器", "个", 2025, "260", "300", "340"),
        ("交流充电桩（7kW）", "台", 2025, "2200", "2600", "3000"),
    ]:
        CostBenchmark.objects.get_or_create(
            item=item,
            unit=unit,
            region="云溪市",
            year=year,
            defaults={
                "p25": Decimal(p25),
                "p50": Decimal(p50),
                "p75": Decimal(p75),
                "source": "云溪市财政局2017–2025年询价汇总（示例）",
            },
        )


def load_demo() -> str:
    if Project.objects.filter(code__in=CODES).count() == len(CODES):
        return "PPP demo already loaded; nothing to add."
    if not OrgUnit.objects.filter(code="yx-finance").exists():
        return "PPP demo skipped: the demo city is not loaded."
    actor = User.objects.filter(username="ppp").first()
    with transaction.atomic():
        _parties()
        _benchmarks()
        _catalogue()
        for code, builder in zip(CODES, (_parking, _ioc, _charging, _hotline), strict=True):
            if not Project.objects.filter(code=code).exists():
                builder(actor)
    return f"PPP demo loaded: {Project.objects.filter(code__in=CODES).count()} projects."
