"""A small city for the supervision tests: two governments, one with a general office whose
supervisor watches an approval bureau and a fire department; the other government has its own
supervisor, who must see nothing of the first."""

import datetime

import pytest

from approvals import services
from approvals.models import DepartmentTask
from coordination.models import OrgKind, OrgLevel
from portal.clocks import services as clocks
from tests.approvals.factories import ItemFactory, PackageFactory, PackageItemFactory
from tests.factories import OrgUnitFactory, UserFactory, staff

MONDAY = datetime.date(2026, 11, 2)  # November 2026 has no public holiday


@pytest.fixture
def today(monkeypatch):
    state = {"today": MONDAY}
    monkeypatch.setattr(clocks, "local_today", lambda: state["today"])

    def set_today(day=None):
        if day is not None:
            state["today"] = day
        return state["today"]

    return set_today


def build_city():
    gov = OrgUnitFactory(
        code="yx-gov", name="云溪市人民政府", kind=OrgKind.GOVERNMENT, level=OrgLevel.MUNICIPAL
    )
    office = OrgUnitFactory(
        code="yx-office", name="市政府办公室", kind=OrgKind.OFFICE, level=OrgLevel.MUNICIPAL, parent=gov
    )
    bureau = OrgUnitFactory(code="yx-approval", name="行政审批局", kind=OrgKind.BUREAU, parent=gov)
    fire = OrgUnitFactory(code="yx-fire", name="应急管理局", parent=gov)
    other_gov = OrgUnitFactory(
        code="qs-gov", name="青山县人民政府", kind=OrgKind.GOVERNMENT, level=OrgLevel.DISTRICT
    )
    other_office = OrgUnitFactory(
        code="qs-office", name="县政府办公室", kind=OrgKind.OFFICE, level=OrgLevel.DISTRICT, parent=other_gov
    )
    food = ItemFactory(
        code="FOOD", name="食品经营许可", implementing_body=bureau, published=True, promised_limit_days=5
    )
    fire_item = ItemFactory(
        code="FIRE",
        name="消防安全检查",
        implementing_body=fire,
        published=True,
        promised_limit_days=5,
        extension_days=5,
        clock_stop_procedures=["expert_review"],
    )
    package = PackageFactory(
        code="RESTAURANT", name="开办餐饮店", lead_department=bureau, total_limit_days=7, published=True
    )
    for order, item in enumerate((food, fire_item)):
        PackageItemFactory(package=package, item=item, order=order, mandatory=True)
    return {
        "gov": gov,
        "office": office,
        "bureau": bureau,
        "fire": fire,
        "package": package,
        "items": {"FOOD": food, "FIRE": fire_item},
        "applicant": UserFactory(username="zhang", full_name="张三丰"),
        "clerk": staff(bureau, "window_clerk", "clerk", "陈窗口"),
        "lead": staff(bureau, "lead_coordinator", "lead", "周牵头"),
        "bureau_reviewer": staff(bureau, "reviewer", "r-food", "李审核"),
        "bureau_head": staff(bureau, "head", "bureau-head", "冯局长"),
        "fire_reviewer": staff(fire, "reviewer", "r-fire", "赵审核"),
        "fire_head": staff(fire, "head", "fire-head", "钱局长"),
        "supervisor": staff(office, "supervisor", "sup", "吴监察"),
        "office_head": staff(office, "head", "office-head", "孙主任"),
        "other_supervisor": staff(other_office, "supervisor", "other-sup", "郑监察"),
    }


@pytest.fixture
def city(db, today):
    return build_city()


def accepted(city, *, form_data=None):
    """An application of the package, accepted today (local_today): two tasks, three clocks."""
    app = services.application_create(actor=city["applicant"], package=city["package"])
    app = services.application_submit(actor=city["applicant"], application=app, form_data=form_data or {})
    return services.application_accept(actor=city["clerk"], application=app)


def accepted_item(city, code="FOOD"):
    """An application of one item, accepted today: one task, so two supervised clocks."""
    app = services.application_create(actor=city["applicant"], item=city["items"][code])
    app = services.application_submit(actor=city["applicant"], application=app, form_data={})
    return services.application_accept(actor=city["clerk"], application=app)


def task_of(app, code) -> DepartmentTask:
    return DepartmentTask.objects.select_related("item", "department", "application").get(
        application=app, item__code=code
    )
