"""A small programme for the matters tests: a leading group with its office, two departments,
a district, an enterprise and the people who sit in them."""

from __future__ import annotations

import datetime

from coordination.matters import services
from coordination.models import LeadingGroupMember, LeadingGroupRole, OrgKind, OrgLevel

from . import OrgUnitFactory, UserFactory, staff

MONDAY = datetime.date(2026, 11, 2)  # November 2026 has no public holiday


def build_programme() -> dict:
    gov = OrgUnitFactory(
        code="t-gov", name="云溪市人民政府", kind=OrgKind.GOVERNMENT, level=OrgLevel.MUNICIPAL
    )
    group = OrgUnitFactory(
        code="t-group", name="智慧城市建设领导小组", kind=OrgKind.LEADING_GROUP, parent=gov
    )
    office = OrgUnitFactory(code="t-office", name="智慧城市办公室", kind=OrgKind.OFFICE, parent=group)
    data = OrgUnitFactory(code="t-data", name="大数据局", kind=OrgKind.BUREAU, parent=gov)
    urban = OrgUnitFactory(code="t-urban", name="城市管理局", parent=gov)
    police = OrgUnitFactory(code="t-police", name="公安局", parent=gov)
    district = OrgUnitFactory(
        code="t-d1", name="溪东区人民政府", kind=OrgKind.GOVERNMENT, level=OrgLevel.DISTRICT, parent=gov
    )
    company = OrgUnitFactory(code="t-digital", name="数字科技有限公司", kind=OrgKind.ENTERPRISE, level=None)
    p = {
        "gov": gov,
        "group": group,
        "office": office,
        "data": data,
        "urban": urban,
        "police": police,
        "district": district,
        "company": company,
        "coordinator": staff(office, "office_coordinator", "t-office-coord", "钱协调"),
        "steward": staff(data, "data_steward", "t-steward", "郑数据"),
        "urban_staff": staff(urban, "head", "t-urban-head", "城管局长"),
        "police_staff": staff(police, "head", "t-police-head", "公安局长"),
        "district_staff": staff(district, "head", "t-district-head", "区长"),
        "outsider": UserFactory(username="t-citizen"),
    }
    rep = UserFactory(username="t-enterprise", kind="enterprise")
    from coordination.models import Position, Role

    position = Position.objects.create(user=rep, unit=company, title="经办人")
    position.roles.add(Role.objects.get_or_create(code="representative")[0])
    p["enterprise"] = rep
    leader = staff(gov, "head", "t-mayor", "陈市长")
    director = staff(data, "head", "t-director", "曹主任")
    p["leader"], p["director"] = leader, director
    p["leader_seat"] = LeadingGroupMember.objects.create(
        group=group,
        role=LeadingGroupRole.CO_LEADER,
        person_name="陈市长",
        title="市长",
        user=leader,
        represents=gov,
    )
    LeadingGroupMember.objects.create(
        group=group, role=LeadingGroupRole.CO_LEADER, person_name="马总", title="总经理", represents=company
    )  # a seat without an account: nobody to tell
    LeadingGroupMember.objects.create(
        group=group,
        role=LeadingGroupRole.OFFICE_DIRECTOR,
        person_name="曹主任",
        user=director,
        represents=data,
    )
    return p


def make_matter(p, *, lead="data", cooperating=("company",), limit_days=10, **kwargs):
    kwargs.setdefault("title", "政务数据共享交换平台升级")
    return services.matter_create(
        actor=p["coordinator"],
        raised_by=kwargs.pop("raised_by", p["office"]),
        lead_unit=p[lead],
        cooperating_units=[p[c] for c in cooperating],
        limit_days=limit_days,
        **kwargs,
    )
