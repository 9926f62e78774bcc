"""Builders for the intermediary market tests: intermediaries registered through the services,
owners, a regulator and an ordinary official."""

from __future__ import annotations

import datetime
from decimal import Decimal

from coordination.demo import make_uscc
from coordination.models import OrgKind, Position, Role
from portal.clocks.services import local_today
from portal.models import UserKind
from tests.factories import OrgUnitFactory, UserFactory, staff

BODIES = ["MA35TQ01", "MA35TQ02", "MA35TQ03", "MA35TQ04", "MA35TQ05", "MA35TQ06", "MA35TQ07", "MA35TQ08"]


def intermediary(
    n: int,
    regulator,
    *,
    types=("assessment",),
    approve=True,
    valid_days=400,
    valid_from_days=-400,
):
    """Intermediary number n (0–7): an enterprise unit, a staff login `im{n}`, one qualification per
    service type, one staff member; submitted and (by default) approved by `regulator`."""
    from approvals.intermediaries import services

    unit = OrgUnitFactory(
        code=f"im-{n}",
        name=f"测试中介{n}有限公司",
        kind=OrgKind.ENTERPRISE,
        level=None,
        uscc=make_uscc("91", "360900", BODIES[n]),
    )
    user = UserFactory(username=f"im{n}", full_name=f"中介员{n}", kind=UserKind.INTERMEDIARY)
    position = Position.objects.create(user=user, unit=unit, title="项目负责人")
    position.roles.add(Role.objects.get_or_create(code="intermediary")[0])
    firm = services.intermediary_register(actor=user, contact_name=f"联系人{n}", contact_phone="0790-1234567")
    today = local_today()
    for t in types:
        services.qualification_add(
            actor=user,
            intermediary=firm,
            data={
                "service_type": t,
                "certificate": f"{t}资质",
                "certificate_no": f"Q-{n}-{t}",
                "level": "乙级",
                "valid_from": today + datetime.timedelta(days=valid_from_days),
                "valid_until": today + datetime.timedelta(days=valid_days),
            },
        )
    services.staff_add(actor=user, intermediary=firm, name=f"工程师{n}")
    services.intermediary_submit(actor=user, intermediary=firm)
    if approve:
        firm = services.intermediary_review(actor=regulator, intermediary=firm, approve=True)
    firm.refresh_from_db()
    firm.staff_user = user
    return firm


def build_market(count: int = 4, **kwargs) -> dict:
    government = OrgUnitFactory(code="yx-gov-office", name="市政府办公室")
    bureau = OrgUnitFactory(code="yx-approval", name="云溪市行政审批局")
    regulator = staff(government, "supervisor", "regulator", full_name="吴监察")
    market = {
        "regulator": regulator,
        "official": staff(bureau, "head", "head", full_name="冯局长"),
        "owner": UserFactory(
            username="owner",
            full_name="刘经理",
            kind=UserKind.ENTERPRISE,
            organisation_name="云溪数字科技有限公司",
        ),
        "citizen": UserFactory(username="citizen", full_name="张三"),
        "other_owner": UserFactory(username="other", full_name="王五", kind=UserKind.ENTERPRISE),
    }
    market["firms"] = [intermediary(n, regulator, **kwargs) for n in range(count)]
    return market


def post(owner, **data):
    from approvals.intermediaries import services

    base = {
        "service_type": "assessment",
        "project_name": "数字产业园环境影响评价",
        "budget_ceiling": Decimal("200000"),
        "service_days": 10,
        "public_funds": True,
        "mode": "draw",
        "criteria": [],
        "requirements": "",
        "application": None,
    }
    return services.need_post(actor=owner, data=base | data)
