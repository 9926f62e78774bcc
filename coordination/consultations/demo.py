"""Demo data for public consultations, loaded by `manage.py seed_demo` (idempotent: it does
nothing once its first consultation exists). Owner unit: the smart-city office (login `office`).

As of the day the demo is loaded the office finds every state: a draft, one scheduled to open in a
few days, the three-year action plan open for comment (with comments from `citizen` and
`enterprise`, and an abusive comment hidden with a reason), a consultation closed and waiting for
answers, the smart-parking fee adjustment published with answers and the statement on the adoption
of comments, and a withdrawn one. Past steps are replayed with "today" pinned to their day (the
clocks' seam, as in approvals/supervision/demo.py); everything goes through the services.
"""

from __future__ import annotations

import contextlib
import datetime

from django.utils import timezone

from coordination.models import OrgUnit, Position, Role, RoleCode
from portal.clocks import services as clocks
from portal.models import User, UserKind

from . import services
from .models import Comment, Consultation, Outcome

PLAN_TITLE = "云溪市新型智慧城市建设三年行动计划（2027—2029年）（征求意见稿）"


@contextlib.contextmanager
def _as_of(day: datetime.date):
    real = clocks.local_today
    clocks.local_today = lambda: day
    try:
        yield
    finally:
        clocks.local_today = real


def _citizen(username: str, full_name: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "kind": UserKind.CITIZEN,
            "email": f"{username}@demo.smartcity.example",
        },
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def _representative(username: str, full_name: str, unit_code: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "kind": UserKind.CITIZEN,
            "email": f"{username}@demo.smartcity.example",
        },
    )
    if created:
        user.set_unusable_password()
        user.save()
    unit = OrgUnit.objects.get(code=unit_code)
    position, _ = Position.objects.get_or_create(user=user, unit=unit, title="会员联络人")
    position.roles.add(Role.objects.get_or_create(code=RoleCode.REPRESENTATIVE)[0])
    return user


def _create(office, unit, title, kind, opens_on, closes_on, summary, full_text, reason=""):
    with _as_of(min(opens_on, clocks.local_today())):
        return services.consultation_create(
            actor=office,
            owner_unit=unit,
            data={
                "title": title,
                "subject_kind": kind,
                "summary": summary,
                "full_text": full_text,
                "opens_on": opens_on,
                "closes_on": closes_on,
                "short_period_reason": reason,
            },
        )


def _comment(user, consultation, text, section="", show_name=False) -> Comment:
    comment = services.comment_create(
        actor=user, consultation=consultation, text=text, section_ref=section, show_name=show_name
    )
    # The demo replays past days: date the comment on its day (a timestamp, not a status).
    when = timezone.make_aware(
        datetime.datetime.combine(clocks.local_today(), datetime.time(9, 30))
        + datetime.timedelta(minutes=17 * comment.pk % 480)
    )
    Comment.objects.filter(pk=comment.pk).update(created_at=when)
    return comment


def load_demo() -> str:
    if Consultation.objects.filter(title=PLAN_TITLE).exists():
        return "consultations demo already loaded"
    today = clocks.local_today()
    day = datetime.timedelta(days=1)
    office = User.objects.get(username="office")
    unit = OrgUnit.objects.get(code="yx-smart-office")
    citizen = User.objects.get(username="citizen")
    enterprise = User.objects.get(username="enterprise")
    wang = _citizen("demo-citizen-wang", "王晓梅")
    li = _citizen("demo-citizen-li", "李建国")
    association = _representative("demo-association", "周会长", "yx-it-association")

    # Published: smart-parking fee adjustment (comments 80 to 50 days ago, published 40 days ago).
    parking = _create(
        office,
        unit,
        "云溪市中心城区智慧停车收费标准调整方案（征求意见稿）",
        "project",
        today - 80 * day,
        today - 51 * day,
        "为缓解中心城区停车难，拟按“中心高于外围、路内高于路外、高峰高于平峰”的原则调整智慧停车收费标准，"
        "并推行“先离场后付费”和停车泊位共享。",
        "一、调整范围：中心城区一类、二类区域的道路停车泊位和政府投资的公共停车场。\n"
        "二、收费标准：一类区域路内泊位首小时6元，其后每半小时2元；二类区域首小时4元。\n"
        "三、优惠措施：首15分钟免费；新能源汽车首小时减半；夜间（20:00—次日8:00）每次不超过10元。\n"
        "四、支付方式：统一接入“云溪停车”平台，支持无感支付和先离场后付费。",
    )
    with _as_of(today - 80 * day):
        services.consultation_schedule(actor=office, consultation=parking)
    with _as_of(today - 75 * day):
        p1 = _comment(
            wang,
            parking,
            "建议医院、学校周边在接送时段设置15分钟以上的免费临停，避免家长绕行。",
            "三、优惠措施",
        )
        p2 = _comment(
            enterprise,
            parking,
            "建议开放平台接口，允许商业停车场接入泊位共享，并明确数据安全责任。",
            "四、支付方式",
        )
        p3 = _comment(
            li,
            parking,
            "一类区域首小时6元偏高，老城区居民夜间停车需求大，建议设置居民包月。",
            "二、收费标准",
            True,
        )
        p4 = _comment(citizen, parking, "希望先离场后付费能支持老年人使用的现金或代缴方式。", "四、支付方式")
    with _as_of(today - 50 * day):
        services.consultations_sync()
        services.comment_answer(
            actor=office,
            comment=p1,
            outcome=Outcome.ADOPTED,
            answer="已采纳，在医院、学校周边增设高峰时段免费临停泊位。",
        )
        services.comment_answer(
            actor=office,
            comment=p2,
            outcome=Outcome.PARTLY,
            answer="部分采纳：将制定泊位共享接入规范；数据安全责任按平台协议约定。",
        )
        services.comment_answer(
            actor=office,
            comment=p3,
            outcome=Outcome.PARTLY,
            answer="部分采纳：增设老城区居民夜间包月；首小时标准维持，以引导周转。",
        )
        services.comment_answer(
            actor=office,
            comment=p4,
            outcome=Outcome.NOT_ADOPTED,
            answer="现金收费不利于无人值守管理，不予采纳；老年人可在社区服务站办理代缴。",
        )
    with _as_of(today - 40 * day):
        services.consultation_publish(
            actor=office,
            consultation=parking,
            summary="本次征求意见共收到有效意见4条，采纳1条，部分采纳2条，未采纳1条。"
            "根据意见，方案增加了医院、学校周边免费临停和老城区居民夜间包月措施，将制定泊位共享接入规范。"
            "未采纳意见已逐条说明理由。",
        )

    # Closed, waiting for answers: public-data authorised operation rules.
    data_rules = _create(
        office,
        unit,
        "云溪市公共数据授权运营管理办法（征求意见稿）",
        "policy",
        today - 40 * day,
        today - 6 * day,
        "规范公共数据授权运营的主体、程序、收益分配和安全责任，促进公共数据开发利用。",
        "第一条 为规范公共数据授权运营……\n第八条 授权运营期限一般不超过3年。\n"
        "第十五条 运营单位应当建立数据安全管理制度。",
    )
    with _as_of(today - 40 * day):
        services.consultation_schedule(actor=office, consultation=data_rules)
    with _as_of(today - 30 * day):
        d1 = _comment(
            enterprise, data_rules, "第八条授权期限3年偏短，数据产品研发周期长，建议延长至5年。", "第八条"
        )
        _comment(
            association, data_rules, "建议明确中小企业参与授权运营的公平准入规则，并公开授权结果。", "第五条"
        )
        _comment(wang, data_rules, "涉及个人信息的数据应当先脱敏再开放，希望写清楚。", "第十五条")
    with _as_of(today - 5 * day):
        services.consultations_sync()
        services.comment_answer(
            actor=office,
            comment=d1,
            outcome=Outcome.PARTLY,
            answer="拟修改为“一般不超过3年，确有需要的可延长至5年”。",
        )

    # Open: the three-year action plan.
    plan = _create(
        office,
        unit,
        PLAN_TITLE,
        "plan",
        today - 10 * day,
        today + 20 * day,
        "围绕“一网通办、一网统管、一网协同”，提出2027—2029年新型智慧城市建设的总体目标、重点任务和保障措施，"
        "公开征求社会各界意见。",
        "一、总体目标：到2029年，建成城市运行管理中心，政务服务事项“全程网办”率达到95%以上。\n"
        "二、重点任务：（一）夯实数字底座；（二）优化数字政务；（三）推进城市治理数字化；（四）发展数字经济；（五）建设数字社会。\n"
        "三、保障措施：加强组织领导，完善资金保障，强化网络和数据安全。",
    )
    with _as_of(today - 10 * day):
        services.consultation_schedule(actor=office, consultation=plan)
    with _as_of(today - 8 * day):
        _comment(
            citizen,
            plan,
            "希望在社区设立“数字助老”服务点，帮助老年人使用政务服务。",
            "二、（五）建设数字社会",
        )
        _comment(
            enterprise,
            plan,
            "建议在数字经济任务中明确本地企业参与城市场景开放的机制。",
            "二、（四）发展数字经济",
        )
        abusive = _comment(li, plan, "这种计划都是骗人的，写这个的人都是*****！")
        services.comment_hide(
            actor=office, comment=abusive, reason="含有侮辱性言辞，违反留言规则，不予公开。"
        )
    with _as_of(today - 3 * day):
        _comment(
            association, plan, "建议将信息化人才培养纳入保障措施，协会愿意组织企业参与培训。", "三、保障措施"
        )

    # Scheduled: opens in five days (a shorter period, with its reason).
    scheduled = _create(
        office,
        unit,
        "云溪市智慧社区建设指引（征求意见稿）",
        "policy",
        today + 5 * day,
        today + 19 * day,
        "明确智慧社区基础设施、应用场景和运营维护要求。",
        "",
        reason="与省级试点申报时间衔接，征求意见期限缩短为15日。",
    )
    services.consultation_schedule(actor=office, consultation=scheduled)

    # Draft.
    _create(
        office,
        unit,
        "云溪市“一网统管”城市运行事件处置规范（草稿）",
        "policy",
        today + 15 * day,
        today + 45 * day,
        "规范城市运行事件的发现、派单、处置、核查和评价流程。",
        "",
    )

    # Withdrawn after opening.
    withdrawn = _create(
        office,
        unit,
        "云溪市城市大脑二期建设项目建设方案（征求意见稿）",
        "project",
        today - 20 * day,
        today + 10 * day,
        "城市大脑二期的建设内容、投资估算和实施计划。",
        "",
    )
    with _as_of(today - 20 * day):
        services.consultation_schedule(actor=office, consultation=withdrawn)
    with _as_of(today - 15 * day):
        services.consultation_withdraw(
            actor=office, consultation=withdrawn, reason="项目纳入省级统筹建设，本方案不再单独实施。"
        )
    return "consultations demo loaded: 6 consultations"
