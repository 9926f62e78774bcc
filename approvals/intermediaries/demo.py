"""Demo intermediary market for 云溪市, taken through the market's services.

- Intermediaries: 江岭工程咨询 (the `intermediary` login, registered and reviewed through the
  services) and five more enterprises created in the organisation chart through coordination's
  service, each with a (non-login) staff account: one with a qualification expiring within 30 days
  (reminded), one with an expired qualification (suspended by the sweep), one blacklisted, one
  registration awaiting review.
- Needs of the `enterprise` and `citizen` logins in every state: open draw (hash only), completed
  draw with its revealed seed, failed draw (too few candidates on public funds), optimal-price
  bidding (completed, rated, complaint upheld), lowest-price bidding open for bids, merit selection,
  a direct pick under contract, a delivered result awaiting approval, a withdrawn need.

Idempotent: nothing is added when 江岭工程咨询 is already registered.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from coordination.demo import make_uscc
from coordination.models import OrgKind, OrgUnit, Position, Role
from coordination.services import org_unit_create
from portal.clocks.services import local_today
from portal.models import User, UserKind

from . import services
from .models import Intermediary, Need, ServiceType

T = ServiceType

# code, name, org body, staff username, staff name, [(type, certificate, level, days valid from today)]
FIRMS = [
    (
        "yx-lvyuan-eia",
        "云溪绿源环境评价有限公司",
        "MA35QJ01",
        "lvyuan",
        "宋环评",
        [
            (T.ASSESSMENT, "建设项目环境影响评价资质", "甲级", 900),
            (T.CONSULTING, "工程咨询单位资信", "乙级", 700),
        ],
    ),
    (
        "yx-tiance-survey",
        "云溪天测测绘有限公司",
        "MA35QJ02",
        "tiance",
        "杜测绘",
        [(T.SURVEY, "测绘资质证书", "乙级", 20)],  # expiring soon: reminded
    ),
    (
        "yx-zhian-testing",
        "云溪质安检测技术有限公司",
        "MA35QJ03",
        "zhian",
        "韩检测",
        [
            (T.TESTING, "检验检测机构资质认定证书（CMA）", "", -3),
            (T.ASSESSMENT, "安全评价机构资质", "乙级", 800),
        ],
    ),
    (
        "yx-zhengxin-appraisal",
        "云溪正信资产评估有限公司",
        "MA35QJ04",
        "zhengxin",
        "邓评估",
        [(T.APPRAISAL, "资产评估机构备案", "", 1000), (T.ASSESSMENT, "安全评价机构资质", "乙级", 600)],
    ),
    (
        "yx-zhuheng-review",
        "云溪筑衡施工图审查中心有限公司",
        "MA35QJ05",
        "zhuheng",
        "曹审图",
        [
            (T.DESIGN_REVIEW, "施工图审查机构认定", "一类", 1200),
            (T.CONSULTING, "工程咨询单位资信", "甲级", 1000),
            (T.ASSESSMENT, "节能评估资质", "乙级", 900),
        ],
    ),
]
PENDING = ("yx-xinke-consulting", "云溪信科工程咨询有限公司", "MA35QJ06", "xinke", "罗咨询")
PDF = b"%PDF-1.4\n% demo result\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _user(username):
    return User.objects.get(username=username)


def _staff_account(unit, username, full_name):
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "kind": UserKind.INTERMEDIARY,
            # Their market notifications go out by e-mail too (var/mail in the demo).
            "email": f"{username}@demo.smartcity.example",
        },
    )
    if not user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    position, _ = Position.objects.get_or_create(user=user, unit=unit, title="项目负责人")
    position.roles.add(Role.objects.get_or_create(code="intermediary")[0])
    return user


def _firm(staff, quals, today, *, contact):
    intermediary = services.intermediary_register(
        actor=staff, contact_name=contact, contact_phone="0790-6123456"
    )
    for i, (kind, certificate, level, days) in enumerate(quals):
        valid_until = today + datetime.timedelta(days=days)
        services.qualification_add(
            actor=staff,
            intermediary=intermediary,
            data={
                "service_type": kind,
                "certificate": certificate,
                "certificate_no": f"{intermediary.unit.code.upper()[:10]}-{2024 + i}{i + 1:04d}",
                "level": level,
                "valid_from": min(
                    valid_until - datetime.timedelta(days=365 * 3), today - datetime.timedelta(days=365)
                ),
                "valid_until": valid_until,
            },
            scan=ContentFile(PDF, name="资质证书扫描件.pdf"),
        )
    services.staff_add(
        actor=staff, intermediary=intermediary, name=contact, title="高级工程师", certificate_no="ZY-36-0001"
    )
    services.staff_add(
        actor=staff, intermediary=intermediary, name="王技术", title="工程师", certificate_no="ZY-36-0002"
    )
    services.intermediary_submit(actor=staff, intermediary=intermediary)
    return intermediary


def _need(owner, **data):
    base = {"public_funds": False, "criteria": [], "requirements": "", "application": None}
    return services.need_post(actor=owner, data=base | data)


def _staff_of(need):
    from .selectors import staff_users

    return staff_users(need.winner).first()


def _deliver(need, owner):
    services.contract_file(
        actor=owner,
        need=need,
        contract_no=f"HT-{need.number}",
        amount=need.winning_price or need.budget_ceiling * Decimal("0.9"),
    )
    services.result_upload(
        actor=_staff_of(need),
        need=need,
        uploaded_file=ContentFile(PDF, name=f"{need.project_name}成果报告.pdf"),
    )
    return Need.objects.get(pk=need.pk)


def _bid_all(need, prices):
    from .selectors import eligible, staff_users

    for intermediary, price in zip(
        eligible(service_type=need.service_type).order_by("unit__code"), prices, strict=False
    ):
        services.bid_submit(
            actor=staff_users(intermediary).first(),
            need=need,
            price=price,
            proposal="按规范编制，配备专业团队。",
        )


@transaction.atomic
def load_demo():
    if Intermediary.objects.filter(unit__code="jl-consulting").exists():
        return "intermediary market already loaded"
    today = local_today()
    regulator = _user("supervisor")
    firms = [
        _firm(
            _user("intermediary"),
            [
                (T.CONSULTING, "工程咨询单位资信", "甲级", 1000),
                (T.ASSESSMENT, "社会稳定风险评估能力评价", "乙级", 800),
            ],
            today,
            contact="黄工",
        )
    ]
    for code, name, body, username, full_name, quals in FIRMS:
        unit = OrgUnit.objects.filter(code=code).first() or org_unit_create(
            actor=None,
            parent=None,
            data={
                "code": code,
                "name": name,
                "kind": OrgKind.ENTERPRISE,
                "uscc": make_uscc("91", "360900", body),
            },
        )
        firms.append(_firm(_staff_account(unit, username, full_name), quals, today, contact=full_name))
    for firm in firms:
        services.intermediary_review(
            actor=regulator, intermediary=firm, approve=True, note="材料齐全，资质有效，准予入驻。"
        )
    code, name, body, username, full_name = PENDING
    unit = OrgUnit.objects.filter(code=code).first() or org_unit_create(
        actor=None,
        parent=None,
        data={
            "code": code,
            "name": name,
            "kind": OrgKind.ENTERPRISE,
            "uscc": make_uscc("91", "360900", body),
        },
    )
    _firm(
        _staff_account(unit, username, full_name),
        [(T.CONSULTING, "工程咨询单位资信", "丙级", 600)],
        today,
        contact=full_name,
    )
    zhengxin = Intermediary.objects.get(unit__code="yx-zhengxin-appraisal")
    services.intermediary_blacklist(
        actor=regulator,
        intermediary=zhengxin,
        reason="在政府投资项目评估中出具虚假评估报告（云市监罚〔2026〕18号）",
        start=today - datetime.timedelta(days=10),
        end=today + datetime.timedelta(days=355),
    )
    services.intermediary_grade(
        actor=regulator,
        intermediary=zhengxin,
        regulator_grade=40,
        enterprise_credit_grade=50,
        note="年度监管考核不合格",
    )
    services.qualifications_sweep(today=today)  # remind 天测 (expiring), suspend 质安's CMA (expired)

    enterprise, citizen = _user("enterprise"), _user("citizen")
    # 1. a completed draw (public funds) with its revealed seed, now under contract
    drawn = _need(
        enterprise,
        service_type=T.ASSESSMENT,
        project_name="云溪数字产业园二期环境影响评价",
        budget_ceiling=Decimal("380000"),
        service_days=30,
        public_funds=True,
        mode="draw",
        requirements="编制环境影响报告书，并配合完成专家评审。",
    )
    drawn = services.need_draw(actor=enterprise, need=drawn)
    services.contract_file(
        actor=enterprise, need=drawn, contract_no="HT-2026-ZJ-001", amount=Decimal("350000")
    )
    # 2. an open draw: only the hash is public
    _need(
        enterprise,
        service_type=T.ASSESSMENT,
        project_name="城市运行管理中心机房节能评估",
        budget_ceiling=Decimal("160000"),
        service_days=15,
        public_funds=True,
        mode="draw",
    )
    # 3. a failed draw: one surveyor only, public funds need three
    failed = _need(
        enterprise,
        service_type=T.SURVEY,
        project_name="智慧停车场地形测绘",
        budget_ceiling=Decimal("90000"),
        service_days=10,
        public_funds=True,
        mode="draw",
    )
    services.need_draw(actor=enterprise, need=failed)
    # 4. optimal-price bidding on public funds: completed, rated, a complaint upheld
    optimal = _need(
        enterprise,
        service_type=T.CONSULTING,
        project_name="新型智慧城市二期可行性研究报告编制",
        budget_ceiling=Decimal("500000"),
        service_days=25,
        public_funds=True,
        mode="optimal_price",
    )
    _bid_all(optimal, [Decimal("468000"), Decimal("455000"), Decimal("432000")])
    optimal = services.need_select(actor=enterprise, need=optimal)
    optimal = _deliver(optimal, enterprise)
    services.result_approve(actor=enterprise, need=optimal)
    services.rating_submit(
        actor=enterprise, need=optimal, stars=4, comment="报告质量较好，但现场调研时间偏紧。"
    )
    complaint = services.complaint_file(
        actor=enterprise, need=optimal, text="项目负责人两次未按约定时间参加评审会。"
    )
    services.complaint_handle(
        actor=regulator, complaint=complaint, uphold=True, response="经核实属实，已约谈该机构并记入信用档案。"
    )
    # 5. lowest-price bidding, still open for bids (one bid in)
    lowest = _need(
        citizen,
        service_type=T.ASSESSMENT,
        project_name="自建房安全性鉴定",
        budget_ceiling=Decimal("12000"),
        service_days=5,
        mode="lowest_price",
    )
    _bid_all(lowest, [Decimal("9800")])
    # 6. merit selection, scored and selected
    merit = _need(
        enterprise,
        service_type=T.CONSULTING,
        project_name="数据中心项目节能审查咨询",
        budget_ceiling=Decimal("200000"),
        service_days=20,
        mode="merit",
        criteria=[
            {"name": "技术方案", "weight": "60"},
            {"name": "业绩经验", "weight": "25"},
            {"name": "报价", "weight": "15"},
        ],
    )
    _bid_all(merit, [Decimal("180000"), Decimal("175000"), Decimal("190000")])
    for bid, scores in zip(
        merit.bids.order_by("id"), ([88, 80, 70], [92, 75, 78], [85, 90, 60]), strict=False
    ):
        services.bid_score(
            actor=enterprise,
            need=merit,
            bid=bid,
            scores=dict(zip(["技术方案", "业绩经验", "报价"], scores, strict=True)),
        )
    services.need_select(actor=enterprise, need=merit)
    # 7. a direct pick (no public funds, small budget), result delivered, awaiting approval
    direct = _need(
        enterprise,
        service_type=T.DESIGN_REVIEW,
        project_name="研发楼装修施工图审查",
        budget_ceiling=Decimal("30000"),
        service_days=8,
        mode="direct",
    )
    direct = services.need_direct_pick(
        actor=enterprise, need=direct, intermediary=Intermediary.objects.get(unit__code="yx-zhuheng-review")
    )
    _deliver(direct, enterprise)
    services.complaint_file(actor=enterprise, need=direct, text="审查意见书未逐条说明依据，沟通不及时。")
    # 8. a need withdrawn by its owner
    withdrawn = _need(
        citizen,
        service_type=T.SURVEY,
        project_name="宅基地界址测量",
        budget_ceiling=Decimal("3000"),
        service_days=3,
        mode="direct",
    )
    services.need_cancel(actor=citizen, need=withdrawn)
    return f"{Intermediary.objects.count()} intermediaries, {Need.objects.count()} service needs"
