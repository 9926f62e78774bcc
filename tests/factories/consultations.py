"""Builders for public consultations: everything goes through the services, with "today" pinned
by the `today` fixture of tests/coordination/consultations/conftest.py."""

from __future__ import annotations

import datetime

from coordination.consultations import services
from coordination.models import OrgKind, Position, Role, RoleCode
from portal.models import UserKind
from tests.factories import OrgUnitFactory, UserFactory, staff


def consultation_city():
    """The smart-city office (its coordinator sees the whole programme), a department with an
    official, another department's official, and commenters of every stakeholder type."""
    office = OrgUnitFactory(code="t-smart-office", name="智慧城市办公室", kind=OrgKind.OFFICE)
    transport = OrgUnitFactory(code="t-transport", name="交通运输局")
    health = OrgUnitFactory(code="t-health", name="卫生健康委员会")
    OrgUnitFactory(code="t-firm", name="云溪云谷科技有限公司", kind=OrgKind.ENTERPRISE)
    association = OrgUnitFactory(code="t-assoc", name="云溪市物业管理协会", kind=OrgKind.SOCIAL_ORG)
    institute = OrgUnitFactory(code="t-institute", name="云溪规划设计研究院", kind=OrgKind.INSTITUTION)
    city = {
        "office_unit": office,
        "unit": transport,
        "other_unit": health,
        "coordinator": staff(office, RoleCode.OFFICE_COORDINATOR, "t-office", "钱协调"),
        "official": staff(transport, RoleCode.HEAD, "t-transport-head", "交通局长"),
        "stranger": staff(health, RoleCode.HEAD, "t-health-head", "卫健主任"),
        "citizen": UserFactory(username="t-citizen", full_name="张三丰", kind=UserKind.CITIZEN),
        "citizen2": UserFactory(username="t-citizen2", full_name="李四", kind=UserKind.CITIZEN),
        "enterprise": UserFactory(
            username="t-enterprise",
            full_name="刘经理",
            kind=UserKind.ENTERPRISE,
            organisation_name="云溪云谷科技有限公司",
        ),
        "intermediary": UserFactory(username="t-intermediary", full_name="黄工", kind=UserKind.INTERMEDIARY),
    }
    for key, unit, name in (("association", association, "周会长"), ("institute", institute, "吴研究员")):
        user = UserFactory(username=f"t-{key}", full_name=name, kind=UserKind.INTERMEDIARY)
        position = Position.objects.create(user=user, unit=unit, title="代表")
        position.roles.add(Role.objects.get_or_create(code=RoleCode.REPRESENTATIVE)[0])
        city[key] = user
    return city


def make_consultation(
    *,
    actor,
    unit,
    opens_on: datetime.date,
    closes_on: datetime.date | None = None,
    release: bool = True,
    title: str = "智慧交通三年行动方案（征求意见稿）",
    short_period_reason: str = "",
):
    consultation = services.consultation_create(
        actor=actor,
        owner_unit=unit,
        data={
            "title": title,
            "subject_kind": "plan",
            "summary": "征求意见的摘要。",
            "full_text": "第一条 ……",
            "opens_on": opens_on,
            "closes_on": closes_on or opens_on + datetime.timedelta(days=29),
            "short_period_reason": short_period_reason,
        },
    )
    if release:
        consultation = services.consultation_schedule(actor=actor, consultation=consultation)
    return consultation
