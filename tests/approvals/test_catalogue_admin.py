"""Maintaining the catalogue in Django admin: validated edits, publishing through the service."""

import pytest
from django.urls import reverse

from approvals.models import FieldKind, Item, Package
from portal.audit.models import AuditEvent
from tests.approvals.factories import (
    FormFieldFactory,
    ItemFactory,
    MaterialFactory,
    PackageFactory,
    PackageItemFactory,
)
from tests.factories import AdminFactory, OfficialFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(AdminFactory())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def item_post(**overrides):
    bureau = OrgUnitFactory(code="bureau")
    market = OrgUnitFactory(code="market")
    data = {
        "code": "YX-SC-900",
        "name": "食品经营许可",
        "origin_department": market.pk,
        "implementing_body": bureau.pk,
        "active": "on",
        "handling": "single",
        "statutory_limit_days": "20",
        "promised_limit_days": "5",
        "extension_days": "10",
        "clock_stop_procedures": ["site_survey", "inspection"],
        "delivery_options": ["pickup", "express"],
        "pledge_acceptance_allowed": "on",
        "fee_text": "不收费",
        "legal_basis": "《中华人民共和国食品安全法》第三十五条",
        **management("materials", 2),
        "materials-0-order": "0",
        "materials-0-name": "申请书",
        "materials-0-required": "on",
        "materials-0-accepted_types": "pdf",
        "materials-0-max_size_mb": "10",
        "materials-1-order": "1",
        "materials-1-name": "食品安全管理制度",
        "materials-1-required": "on",
        "materials-1-may_be_pledged": "on",
        "materials-1-accepted_types": "pdf,jpg",
        "materials-1-max_size_mb": "10",
        **management("form_fields", 2),
        "form_fields-0-order": "0",
        "form_fields-0-key": "shop_name",
        "form_fields-0-label": "店铺名称",
        "form_fields-0-kind": "text",
        "form_fields-0-required": "on",
        "form_fields-0-choices": "[]",
        "form_fields-1-order": "1",
        "form_fields-1-key": "catering",
        "form_fields-1-label": "餐饮类别",
        "form_fields-1-kind": "choice",
        "form_fields-1-choices": '["热食类", "冷食类"]',
    }
    data.update(overrides)
    return data


def test_superuser_adds_an_item_with_materials_and_form_fields(admin_client):
    response = admin_client.post(reverse("admin:approvals_item_add"), item_post())
    assert response.status_code == 302, response.context["adminform"].errors if response.context else ""
    item = Item.objects.get(code="YX-SC-900")
    assert item.clock_stop_procedures == ["site_survey", "inspection"]
    assert item.published is False
    assert [m.name for m in item.materials.all()] == ["申请书", "食品安全管理制度"]
    assert item.materials.get(name="食品安全管理制度").may_be_pledged
    assert item.form_fields.get(key="catering").choices == ["热食类", "冷食类"]


def test_admin_refuses_an_extension_above_the_law_and_says_which_law(admin_client):
    response = admin_client.post(reverse("admin:approvals_item_add"), item_post(extension_days="11"))
    assert response.status_code == 200
    assert "第四十二条" in response.content.decode()
    assert not Item.objects.exists()


def test_admin_refuses_an_item_whose_required_materials_are_all_pledged(admin_client):
    data = item_post()
    data["materials-0-may_be_pledged"] = "on"
    response = admin_client.post(reverse("admin:approvals_item_add"), data)
    assert response.status_code == 200
    assert "not all can be missing on pledge" in response.content.decode()
    assert not Item.objects.exists()


def test_package_change_page_previews_the_merged_form_and_materials(admin_client):
    package = PackageFactory(total_limit_days=10)
    a, b = ItemFactory(code="A-1"), ItemFactory(code="B-1")
    for order, item in enumerate([a, b]):
        PackageItemFactory(package=package, item=item, order=order)
    FormFieldFactory(item=a, key="shop_name", label="店铺名称")
    FormFieldFactory(item=b, key="shop_name", label="店铺名称")
    MaterialFactory(item=a, name="营业执照")
    MaterialFactory(item=b, name="营业执照")
    page = admin_client.get(reverse("admin:approvals_package_change", args=[package.pk])).content.decode()
    preview = page[page.index('id="merged-preview"') :]
    assert preview.count("店铺名称") == 1 and preview.count("营业执照") == 1
    assert "A-1, B-1" in preview


def test_package_inline_refuses_items_whose_form_fields_conflict(admin_client):
    package = PackageFactory(code="P-X", total_limit_days=10)
    a, b = ItemFactory(code="A-1"), ItemFactory(code="B-1")
    FormFieldFactory(item=a, key="area", kind=FieldKind.NUMBER)
    FormFieldFactory(item=b, key="area", kind=FieldKind.AREA_M2)
    data = {
        "code": "P-X",
        "name": package.name,
        "lead_department": package.lead_department_id,
        "total_limit_days": "10",
        "active": "on",
        **management("package_items", 2),
        "package_items-0-order": "0",
        "package_items-0-item": a.pk,
        "package_items-0-mandatory": "on",
        "package_items-1-order": "1",
        "package_items-1-item": b.pk,
    }
    response = admin_client.post(reverse("admin:approvals_package_change", args=[package.pk]), data)
    assert response.status_code == 200
    assert "one merged form can ask it only one way" in response.content.decode()
    assert not package.package_items.exists()
    data["package_items-1-item"] = ItemFactory(code="C-1", promised_limit_days=12).pk
    response = admin_client.post(reverse("admin:approvals_package_change", args=[package.pk]), data)
    assert (
        "C-1" in response.content.decode() and "shorter than the promised limit" in response.content.decode()
    )
    data["total_limit_days"] = "12"
    response = admin_client.post(reverse("admin:approvals_package_change", args=[package.pk]), data)
    assert response.status_code == 302
    assert package.package_items.count() == 2


def test_publish_action_goes_through_the_service_and_is_audited(admin_client):
    item = ItemFactory()
    MaterialFactory(item=item)
    admin_client.post(
        reverse("admin:approvals_item_changelist"), {"action": "publish", "_selected_action": [item.pk]}
    )
    item.refresh_from_db()
    assert item.published
    assert AuditEvent.objects.filter(action="catalogue.item.publish", object_id=str(item.pk)).exists()


def test_publish_action_refuses_a_package_without_items_and_says_why(admin_client):
    package = PackageFactory(code="EMPTY-1")
    response = admin_client.post(
        reverse("admin:approvals_package_changelist"),
        {"action": "publish", "_selected_action": [package.pk]},
        follow=True,
    )
    assert "has no items" in response.content.decode()
    assert not Package.objects.get(pk=package.pk).published


def test_staff_without_permission_cannot_open_the_catalogue_admin(client):
    client.force_login(OfficialFactory(is_staff=True))
    assert client.get(reverse("admin:approvals_item_changelist")).status_code == 403
