"""Demo data sharing for the fictional city of 云溪市 and province of 江岭省.

Topics, a dozen catalogue resources of city and provincial departments (all three sharing types,
some open to the public), published versions, requests in different states and active
agreements — including the issue's scenario: the city civil-affairs bureau requests five items
of the provincial population data (conditional) and the provincial public security department
approves three.

Everything is written through the services, so clocks, audit events and notifications are as in
real use. Loading is idempotent: resources are looked up by code and requests by (consumer,
resource, purpose) first. Needs the demo city (coordination.demo) for its units and the `steward`
login (云溪市大数据局, the data authority).
"""

from __future__ import annotations

import datetime

from django.db import transaction

from coordination.demo import DEMO_PASSWORD
from coordination.models import OrgUnit, Position, Role
from portal.clocks.services import local_today
from portal.models import User, UserKind
from portal.workcal import days

from . import services
from .models import DataAuthority, DataRequest, DataResource, Topic

AUTHORITY_UNIT = "yx-data"
# Extra demo logins (password DEMO_PASSWORD): the consumer and provider of the scenario.
LOGINS = [
    ("civil-steward", "孙民政", "yx-civil", "信息中心主任"),
    ("jl-police-steward", "周省公安", "jl-police", "数据管理处处长"),
]

TOPICS = [
    ("population", "人口", "人口基础信息及其变动"),
    ("legal-persons", "法人", "法人及市场主体"),
    ("geo", "自然资源和空间地理", "国土空间、地理信息"),
    ("credit", "社会信用", "公共信用信息"),
    ("e-licences", "电子证照", "电子证照目录与证照信息"),
    ("health", "医疗健康", "医疗卫生机构与服务"),
    ("social-security", "社会保障", "社会保险与社会救助"),
    ("business", "营商环境", "市场准入与政务服务"),
    ("transport", "交通出行", "公共交通与出行"),
]

S, D, DT, B, INT, DEC = "string", "date", "datetime", "boolean", "integer", "decimal"

# code, name, provider, sharing type, condition / legal basis, open attribute, cycle, topics, summary, items
# items: (code, name, data type, is key, sharing override)
RESOURCES = [
    (
        "A01-01-01-0001", "江岭省人口基础信息", "jl-police", "conditional",
        "仅向履行法定职责需要核验身份的政府部门共享；按需申请、逐项审批", "not_open", "daily",
        ["population"], "全省户籍人口基础信息，来源于公安人口管理系统。",
        [("id_number", "公民身份号码", S, True, ""), ("name", "姓名", S, False, ""),
         ("gender", "性别", S, False, ""), ("birth_date", "出生日期", D, False, ""),
         ("address", "户籍地址", S, False, ""), ("marital", "婚姻状况", S, False, ""),
         ("household_no", "户号", S, False, "")],
    ),
    (
        "A02-01-01-0001", "云溪市市场主体登记信息", "yx-market", "unconditional", "", "open", "daily",
        ["legal-persons", "business"], "全市企业、个体工商户、农民专业合作社登记信息。",
        [("uscc", "统一社会信用代码", S, True, ""), ("name", "主体名称", S, False, ""),
         ("legal_rep", "法定代表人", S, False, ""), ("capital", "注册资本（万元）", DEC, False, ""),
         ("founded_on", "成立日期", D, False, ""), ("status", "登记状态", S, False, "")],
    ),
    (
        "A03-01-01-0001", "云溪市国土空间规划分区", "yx-land", "unconditional", "", "conditional", "yearly",
        ["geo"], "国土空间总体规划确定的规划分区及用途管制要求。",
        [("zone_code", "分区编码", S, True, ""), ("zone_name", "分区名称", S, False, ""),
         ("area_ha", "面积（公顷）", DEC, False, ""), ("use_rule", "管制要求", S, False, "")],
    ),
    (
        "A04-01-01-0001", "云溪市公共信用综合评价", "yx-ndrc", "conditional",
        "用于行政审批、监管和公共资源交易中的信用核查", "not_open", "monthly",
        ["credit"], "市场主体公共信用综合评价结果及失信记录摘要。",
        [("uscc", "统一社会信用代码", S, True, ""), ("grade", "信用等级", S, False, ""),
         ("dishonest", "是否列入严重失信名单", B, False, "not_shared"),
         ("rated_on", "评价日期", D, False, "")],
    ),
    (
        "A05-01-01-0001", "云溪市电子证照目录", "yx-data", "unconditional", "", "not_open", "realtime",
        ["e-licences", "business"], "全市各部门签发电子证照的目录信息。",
        [("licence_no", "证照编号", S, True, ""), ("licence_type", "证照类型", S, False, ""),
         ("holder", "持证主体", S, False, ""), ("issued_by", "签发部门", S, False, ""),
         ("valid_until", "有效期至", D, False, "")],
    ),
    (
        "B01-01-01-0001", "云溪市医疗机构执业登记信息", "yx-health", "unconditional", "", "open", "monthly",
        ["health"], "医疗机构名称、类别、地址和诊疗科目。",
        [("licence_no", "执业许可证号", S, True, ""), ("name", "机构名称", S, False, ""),
         ("category", "机构类别", S, False, ""), ("address", "地址", S, False, ""),
         ("beds", "核定床位", INT, False, "")],
    ),
    (
        "B02-01-01-0001", "云溪市社会保险参保信息", "yx-hrss", "conditional",
        "仅用于社会救助、就业补贴等法定职责核验", "not_open", "monthly",
        ["social-security", "population"], "职工及城乡居民社会保险参保与缴费状态。",
        [("id_number", "公民身份号码", S, True, ""), ("insured", "参保状态", S, False, ""),
         ("employer", "参保单位", S, False, ""), ("paid_until", "缴费至", D, False, "")],
    ),
    (
        "B03-01-01-0001", "云溪市最低生活保障对象信息", "yx-civil", "conditional",
        "仅向承担社会救助相关职责的部门共享", "not_open", "monthly",
        ["social-security"], "城乡低保对象家庭基本信息和保障金额。",
        [("id_number", "户主公民身份号码", S, True, ""), ("family_size", "家庭人口", INT, False, ""),
         ("monthly_amount", "月保障金额（元）", DEC, False, ""), ("since", "纳入保障日期", D, False, "")],
    ),
    (
        "B04-01-01-0001", "云溪市食品经营许可信息", "yx-market", "unconditional", "", "open", "daily",
        ["business"], "食品经营许可证发放、变更和注销信息。",
        [("licence_no", "许可证编号", S, True, ""), ("operator", "经营者名称", S, False, ""),
         ("scope", "经营项目", S, False, ""), ("valid_until", "有效期至", D, False, "")],
    ),
    (
        "C01-01-01-0001", "云溪市110接处警记录", "yx-police", "not_shared",
        "涉及公安工作秘密，依《中华人民共和国保守国家秘密法》和公安机关相关规定不予共享",
        "not_open", "realtime",
        [], "110报警、出警和处置记录。",
        [("case_no", "接警编号", S, True, ""), ("reported_at", "报警时间", DT, False, ""),
         ("category", "警情类别", S, False, ""), ("street", "所属街道", S, False, "")],
    ),
    (
        "C02-01-01-0001", "江岭省出生医学证明信息", "jl-health", "conditional",
        "用于户籍登记、社会保障和母婴健康服务", "not_open", "daily",
        ["population", "health"], "全省签发的出生医学证明信息。",
        [("cert_no", "出生医学证明编号", S, True, ""), ("baby_name", "新生儿姓名", S, False, ""),
         ("birth_date", "出生日期", D, False, ""), ("mother_id", "母亲公民身份号码", S, False, "")],
    ),
    (
        "B05-01-01-0001", "云溪市公交线路与站点", "yx-transport", "unconditional", "", "open", "monthly",
        ["transport"], "公交线路、站点位置和首末班时间。",
        [("route_id", "线路编号", S, True, ""), ("route_name", "线路名称", S, False, ""),
         ("stops", "站点数", INT, False, ""), ("first_bus", "首班时间", S, False, "")],
    ),
]  # fmt: skip

# consumer, resource, items wanted, purpose, duty basis, outcome, working days ago
REQUESTS = [
    (
        "yx-civil", "A01-01-01-0001", ["id_number", "name", "birth_date", "address", "marital"],
        "核验最低生活保障和特困供养申请人的身份与户籍信息", "《社会救助暂行办法》第十一条",
        ("provider", ["id_number", "name", "address"]), 8,
    ),
    (
        "yx-health", "A02-01-01-0001", ["uscc", "name", "status"],
        "核验医疗机构申请人的市场主体登记状态", "《医疗机构管理条例》", ("authority", None), 15,
    ),
    (
        "jl-health", "B01-01-01-0001", ["licence_no", "name", "category", "beds"],
        "汇聚全省医疗资源底数，编制区域卫生规划", "《医疗机构管理条例》", ("authority", None), 30,
    ),
    (
        "yx-hrss", "B03-01-01-0001", ["id_number", "monthly_amount"],
        "就业困难人员认定时核验低保身份", "《就业促进法》第五十二条", ("pending", None), 2,
    ),
    (
        "yx-civil", "C01-01-01-0001", ["case_no", "category", "street"],
        "分析家庭纠纷类警情，开展婚姻家庭辅导", "《反家庭暴力法》", ("negotiation", None), 3,
    ),
    (
        "yx-approval", "A05-01-01-0001", ["licence_no", "licence_type", "holder"],
        "审批办件中免于提交已有证照", "《优化营商环境条例》第三十五条", ("submitted", None), 0,
    ),
]  # fmt: skip


def _user(username, full_name, unit, title, *, login=False) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "kind": UserKind.OFFICIAL,
            "email": f"{username}@demo.smartcity.example",
        },
    )
    if created:
        if login:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
    position, _ = Position.objects.get_or_create(user=user, unit=unit, title=title)
    position.roles.add(Role.objects.get_or_create(code="data_steward")[0])
    return user


def _stewards() -> dict[str, User]:
    stewards = {AUTHORITY_UNIT: User.objects.get(username="steward")}
    for username, full_name, unit_code, title in LOGINS:
        stewards[unit_code] = _user(
            username, full_name, OrgUnit.objects.get(code=unit_code), title, login=True
        )
    needed = {r[2] for r in RESOURCES} | {r[0] for r in REQUESTS}
    for code in sorted(needed - set(stewards)):
        unit = OrgUnit.objects.get(code=code)
        stewards[code] = _user(f"ds-{code}", f"{unit.name}数据专员", unit, "数据专员")
    return stewards


def _resource(spec, stewards, topics) -> tuple[DataResource, bool]:
    code, name, provider, sharing, basis, open_attr, cycle, topic_codes, summary, items = spec
    resource = DataResource.objects.filter(code=code).first()
    if resource is not None:
        return resource, False
    actor = stewards[provider]
    resource = services.resource_create(
        actor=actor,
        data={
            "code": code,
            "name": name,
            "resource_class": code[0],
            "classification": code[:9],
            "provider": OrgUnit.objects.get(code=provider),
            "summary": summary,
            "format": "table",
            "update_cycle": cycle,
            "sharing_type": sharing,
            "sharing_condition": basis if sharing == "conditional" else "",
            "legal_basis": basis if sharing == "not_shared" else "",
            "sharing_methods": ["api", "file"] if sharing != "not_shared" else ["query"],
            "open_attribute": open_attr,
        },
        topics=[topics[t] for t in topic_codes],
    )
    for order, (item_code, item_name, data_type, is_key, override) in enumerate(items):
        services.item_save(
            actor=actor,
            resource=resource,
            data={
                "code": item_code,
                "name": item_name,
                "data_type": data_type,
                "is_key": is_key,
                "sharing_type": override,
                "order": order,
            },
        )
    services.resource_submit(actor=actor, resource=resource)
    services.resource_approve(actor=stewards[AUTHORITY_UNIT], resource=resource)
    return services.resource_publish(actor=actor, resource=resource), True


def _request(spec, stewards, today) -> bool:
    consumer_code, resource_code, codes, purpose, duty, (outcome, approved), ago = spec
    consumer = OrgUnit.objects.get(code=consumer_code)
    resource = DataResource.objects.get(code=resource_code)
    if DataRequest.objects.filter(consumer=consumer, resource=resource, purpose=purpose).exists():
        return False
    actor = stewards[consumer_code]
    on = days.add_working_days(today, -ago) if ago else today
    items = list(resource.items.filter(code__in=codes).order_by("order"))
    request = services.request_create(
        actor=actor,
        consumer=consumer,
        resource=resource,
        items=items,
        data={
            "purpose": purpose,
            "scenario": purpose,
            "duty_basis": duty,
            "method": "api",
            "frequency": "on_demand",
            "period_from": datetime.date(today.year, 1, 1),
            "period_until": datetime.date(today.year + 1, 12, 31),
            "direction": "",
        },
    )
    services.request_submit(actor=actor, request=request, on=on)
    if outcome == "submitted":
        return True
    authority = stewards[AUTHORITY_UNIT]
    check_on = days.add_working_days(on, 1) if ago > 1 else on
    services.request_authority_check(
        actor=authority, request=request, passed=True, opinion="申请事由与职责相符，予以流转。", on=check_on
    )
    if outcome == "provider":
        services.request_provider_decide(
            actor=stewards[resource.provider.code],
            request=request,
            decision="approve",
            items=list(resource.items.filter(code__in=approved)),
            opinion="婚姻状况和出生日期不属于核验身份所必需，不予共享；其余三项同意共享。",
            on=days.add_working_days(check_on, 3),
        )
    return True


@transaction.atomic
def load_demo() -> dict:
    """Called by `manage.py seed_demo` after the demo city is loaded."""
    DataAuthority.objects.get_or_create(unit=OrgUnit.objects.get(code=AUTHORITY_UNIT))
    topics = {}
    for code, name, description in TOPICS:
        topics[code] = Topic.objects.get_or_create(
            code=code, defaults={"name": name, "description": description}
        )[0]
    stewards = _stewards()
    made = {"resources": 0, "requests": 0}
    for spec in RESOURCES:
        made["resources"] += _resource(spec, stewards, topics)[1]
    today = local_today()
    for spec in REQUESTS:
        made["requests"] += _request(spec, stewards, today)
    return made
