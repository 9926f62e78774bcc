"""Shared set-up of the applicant-page tests (no tests here): a city with a three-department
package, an applicant, officials, private media storage and a pinned "today"."""

import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import services
from approvals.models import FieldKind
from portal.clocks import services as clocks
from portal.validators import id_number_check_char, org_code_check_char, uscc_check_char
from tests.approvals.factories import (
    FormFieldFactory,
    ItemFactory,
    MaterialFactory,
    PackageFactory,
    PackageItemFactory,
)
from tests.factories import PASSWORD, OrgUnitFactory, UserFactory, staff

TODAY = datetime.date(2026, 11, 2)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def valid_id_number() -> str:
    body = "11010519491231002"
    return body + id_number_check_char(body)


def valid_uscc() -> str:
    org = "MA35YX01"
    body = "91" + "350100" + org + org_code_check_char(org)
    return body + uscc_check_char(body)


def pdf(name="申请书.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def today(monkeypatch):
    state = {"today": TODAY}
    monkeypatch.setattr(clocks, "local_today", lambda: state["today"])
    return lambda day: state.update(today=day)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def english_pages(client):
    """The tests read English messages; pages choose their language from the request."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def city(db, media, today):
    bureau = OrgUnitFactory(code="approval-bureau", name="行政审批局")
    fire = OrgUnitFactory(code="fire", name="应急管理局")
    urban = OrgUnitFactory(code="urban", name="城市管理局")
    other = OrgUnitFactory(code="other", name="统计局")
    food = ItemFactory(
        code="FOOD",
        name="食品经营许可",
        implementing_body=bureau,
        published=True,
        pledge_acceptance_allowed=True,
    )
    fire_item = ItemFactory(
        code="FIRE",
        name="消防安全检查",
        implementing_body=fire,
        published=True,
        pledge_acceptance_allowed=True,
    )
    sign = ItemFactory(
        code="SIGN",
        name="门头招牌设置",
        implementing_body=urban,
        published=True,
        pledge_acceptance_allowed=True,
    )
    form = MaterialFactory(item=food, name="申请书", accepted_types="pdf", max_size_mb=1)
    MaterialFactory(item=fire_item, name="申请书", accepted_types="pdf,jpg", max_size_mb=5)
    licence = MaterialFactory(item=food, name="营业执照", may_be_pledged=True, accepted_types="pdf,png")
    plan = MaterialFactory(item=fire_item, name="消防平面图", required=False, accepted_types="pdf,png")
    FormFieldFactory(item=food, key="shop_name", label="店名", kind=FieldKind.TEXT, required=True, order=1)
    FormFieldFactory(item=food, key="owner_id", label="负责人身份证号", kind=FieldKind.ID_NUMBER, order=2)
    FormFieldFactory(item=fire_item, key="uscc", label="统一社会信用代码", kind=FieldKind.USCC, order=3)
    FormFieldFactory(item=fire_item, key="area", label="经营面积", kind=FieldKind.AREA_M2, order=4)
    FormFieldFactory(item=sign, key="staff", label="员工人数", kind=FieldKind.NUMBER, required=False, order=5)
    FormFieldFactory(item=sign, key="opening", label="开业日期", kind=FieldKind.DATE, required=False, order=6)
    FormFieldFactory(
        item=sign,
        key="category",
        label="类别",
        kind=FieldKind.CHOICE,
        choices=["餐馆", "饮品店"],
        required=False,
    )
    package = PackageFactory(
        code="RESTAURANT", name="开办餐饮店", lead_department=bureau, total_limit_days=7, published=True
    )
    for order, item in enumerate([food, fire_item, sign]):
        PackageItemFactory(package=package, item=item, order=order, mandatory=item.code != "SIGN")
    return {
        "package": package,
        "items": {"FOOD": food, "FIRE": fire_item, "SIGN": sign},
        "materials": {"form": form, "licence": licence, "plan": plan},
        "bureau": bureau,
        "fire": fire,
        "urban": urban,
        "other": other,
        "applicant": UserFactory(username="zhang"),
        "stranger": UserFactory(username="li"),
        "clerk": staff(bureau, "window_clerk", "clerk"),
        "lead": staff(bureau, "lead_coordinator", "lead"),
        "unrelated": staff(other, "reviewer", "r-other"),
    }


def good_form(**overrides) -> dict:
    data = {
        "shop_name": "老张面馆",
        "owner_id": valid_id_number(),
        "uscc": valid_uscc(),
        "area": "85.5",
        "staff": "6",
        "opening": "2026-12-01",
        "category": "餐馆",
    }
    data.update(overrides)
    return data


def draft(city, user=None):
    return services.application_create(actor=user or city["applicant"], package=city["package"])


def ready_draft(city):
    """A draft with the form filled and every required material in place (licence pledged)."""
    app = draft(city)
    services.application_save_draft(actor=city["applicant"], application=app, form_data=good_form())
    services.material_upload(
        actor=city["applicant"], application=app, material=city["materials"]["form"], uploaded_file=pdf()
    )
    services.material_pledge(actor=city["applicant"], application=app, material=city["materials"]["licence"])
    return app


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client
