"""A small city for the PPP tests: finance, an implementing agency, an authority, enterprises."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from coordination.models import OrgKind
from operations import services
from operations.models import Mode, Regime, ReturnMechanism
from portal.validators import org_code_check_char, uscc_check_char
from tests.factories import OrgUnitFactory, UserFactory, staff


@pytest.fixture(autouse=True)
def english(english_messages):
    """The tests assert English messages (tests/conftest.py: english_messages)."""


def uscc(body8: str) -> str:
    org = body8 + org_code_check_char(body8)
    body = "91" + "360900" + org
    return body + uscc_check_char(body)


def enterprise(code: str, name: str, body8: str):
    return OrgUnitFactory(code=code, name=name, kind=OrgKind.ENTERPRISE, level=None, uscc=uscc(body8))


@pytest.fixture
def city(db):
    finance = OrgUnitFactory(code="t-finance", name="财政局")
    agency = OrgUnitFactory(code="t-data", name="数据局")
    authority = OrgUnitFactory(code="t-transport", name="交通局")
    other = OrgUnitFactory(code="t-health", name="卫健委")
    spv = enterprise("t-spv", "停车项目公司", "MA35TT01")
    investor = enterprise("t-investor", "投资公司", "MA35TT02")
    ns = SimpleNamespace(
        finance=finance,
        agency=agency,
        authority=authority,
        other=other,
        spv=spv,
        investor=investor,
        manager=staff(finance, "ppp_manager", "t-ppp"),
        agency_official=staff(agency, "reviewer", "t-agency"),
        outsider=staff(other, "ppp_manager", "t-outsider"),
        company_rep=None,
        citizen=UserFactory(username="t-citizen"),
    )
    rep = UserFactory(username="t-rep", kind="enterprise")
    from coordination.models import Position, Role

    position = Position.objects.create(user=rep, unit=spv, title="经办人")
    position.roles.add(Role.objects.get_or_create(code="representative")[0])
    ns.company_rep = rep
    return ns


def project_data(city, **overrides) -> dict:
    data = {
        "code": "t-parking",
        "name": "智慧停车",
        "regime": Regime.LEGACY_PPP,
        "mode": Mode.BOT,
        "return_mechanism": ReturnMechanism.VGF,
        "sector": "transport",
        "term_years": 15,
        "construction_years": 2,
        "total_investment": Decimal("180000000.00"),
        "implementing_agency": city.agency,
        "industry_authority": city.authority,
        "finance_department": city.finance,
        "location": "主城区",
    }
    data.update(overrides)
    return data


@pytest.fixture
def project(city):
    return services.project_create(
        actor=city.manager,
        data={**project_data(city), "identified_on": datetime.date(2020, 1, 10)},
    )
