"""Units, stewards and a published resource for the data-sharing tests (English messages)."""

import datetime

import pytest

from coordination.models import OrgKind, OrgLevel
from sharing import services
from sharing.models import DataAuthority, DataType, SharingMethod, SharingType
from tests.factories import FunctionalLineFactory, OfficialFactory, OrgUnitFactory, staff


@pytest.fixture(autouse=True)
def english(english_messages):
    """The tests assert English messages (tests/conftest.py: english_messages)."""


class World:
    pass


@pytest.fixture
def world(db):
    w = World()
    line = FunctionalLineFactory(code="public-security", name="公安")
    w.province = OrgUnitFactory(
        code="jl-gov", name="江岭省人民政府", kind=OrgKind.GOVERNMENT, level=OrgLevel.PROVINCIAL
    )
    w.police = OrgUnitFactory(
        code="jl-police", name="江岭省公安厅", level=OrgLevel.PROVINCIAL, parent=w.province, line=line
    )
    w.city = OrgUnitFactory(code="yx-gov", name="云溪市人民政府", kind=OrgKind.GOVERNMENT, parent=w.province)
    w.data = OrgUnitFactory(code="yx-data", name="云溪市大数据局", kind=OrgKind.BUREAU, parent=w.city)
    w.civil = OrgUnitFactory(code="yx-civil", name="云溪市民政局", parent=w.city)
    w.health = OrgUnitFactory(code="yx-health", name="云溪市卫生健康委员会", parent=w.city)
    DataAuthority.objects.create(unit=w.data)
    w.authority = staff(w.data, "data_steward", "authority")
    w.provider = staff(w.police, "data_steward", "police-steward")
    w.consumer = staff(w.civil, "data_steward", "civil-steward")
    w.other = staff(w.health, "data_steward", "health-steward")
    w.official = OfficialFactory(username="plain-official")
    return w


def resource_data(provider, **overrides):
    data = {
        "code": "A01-01-01-0001",
        "name": "人口基础信息",
        "resource_class": "A",
        "classification": "A01-01-01",
        "provider": provider,
        "summary": "全省户籍人口基础信息",
        "format": "table",
        "update_cycle": "daily",
        "sharing_type": SharingType.CONDITIONAL,
        "sharing_condition": "仅用于履行法定职责",
        "legal_basis": "",
        "sharing_methods": [SharingMethod.API],
        "open_attribute": "not_open",
    }
    data.update(overrides)
    return data


ITEMS = [
    ("id_number", "公民身份号码", DataType.STRING, True),
    ("name", "姓名", DataType.STRING, False),
    ("birth_date", "出生日期", DataType.DATE, False),
    ("address", "户籍地址", DataType.STRING, False),
    ("marital", "婚姻状况", DataType.STRING, False),
    ("household", "户号", DataType.STRING, False),
]


def published(world, *, items=ITEMS, overrides=None, **data):
    """A resource of the provincial police, approved and published (version 1)."""
    resource = services.resource_create(actor=world.provider, data=resource_data(world.police, **data))
    for order, (code, name, data_type, is_key) in enumerate(items):
        item_data = {"code": code, "name": name, "data_type": data_type, "is_key": is_key, "order": order}
        item_data["sharing_type"] = (overrides or {}).get(code, "")
        services.item_save(actor=world.provider, resource=resource, data=item_data)
    services.resource_submit(actor=world.provider, resource=resource)
    services.resource_approve(actor=world.authority, resource=resource)
    return services.resource_publish(actor=world.provider, resource=resource)


def request_data(**overrides):
    data = {
        "purpose": "核验低保申请人的户籍信息",
        "scenario": "最低生活保障审核",
        "duty_basis": "社会救助暂行办法",
        "method": SharingMethod.API,
        "frequency": "on_demand",
        "period_from": datetime.date(2026, 1, 1),
        "period_until": datetime.date(2027, 12, 31),
        "direction": "",
    }
    data.update(overrides)
    return data


def items_of(resource, *codes):
    return list(resource.items.filter(code__in=codes).order_by("order"))


def drafted(world, resource, codes=("id_number", "name", "birth_date", "address", "marital"), **data):
    return services.request_create(
        actor=world.consumer,
        consumer=world.civil,
        resource=resource,
        items=items_of(resource, *codes),
        data=request_data(**data),
    )
