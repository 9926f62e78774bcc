"""The public service guide (办事指南): anyone may read it; only what is published shows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.models import FieldKind, Item
from tests.approvals.factories import (
    FormFieldFactory,
    ItemFactory,
    MaterialFactory,
    PackageFactory,
    PackageItemFactory,
    published_item,
)
from tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_en(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def restaurant():
    """A published package of two published items and one unpublished one."""
    bureau = OrgUnitFactory(code="bureau", name="行政审批局")
    fire = OrgUnitFactory(code="fire", name="消防救援支队")
    food = published_item(
        code="FOOD-1",
        name="食品经营许可",
        implementing_body=bureau,
        statutory_limit_days=20,
        promised_limit_days=5,
        pledge_acceptance_allowed=True,
        clock_stop_procedures=["site_survey"],
        fee_text="不收费",
        legal_basis="《中华人民共和国食品安全法》第三十五条",
    )
    MaterialFactory(item=food, name="食品安全管理制度", may_be_pledged=True)
    FormFieldFactory(item=food, key="shop_name", label="店铺名称")
    check = published_item(
        code="FIRE-1", name="消防安全检查", implementing_body=fire, statutory_limit_days=10
    )
    FormFieldFactory(item=check, key="shop_name", label="店铺名称")
    FormFieldFactory(item=check, key="occupancy", label="容纳人数", kind=FieldKind.NUMBER)
    hidden = ItemFactory(code="SIGN-1", name="招牌设置")
    package = PackageFactory(
        code="PKG-1", name="开办餐饮店", lead_department=bureau, total_limit_days=7, published=True
    )
    for order, item in enumerate([food, check, hidden]):
        PackageItemFactory(package=package, item=item, order=order)
    return {"package": package, "food": food, "fire": check, "hidden": hidden}


def test_list_shows_only_published_and_active(client_en, restaurant):
    ItemFactory(code="DRAFT-1", name="草稿事项")
    published_item(code="OLD-1", name="停用事项", active=False)
    PackageFactory(code="PKG-DRAFT", name="未发布套餐")
    page = client_en.get(reverse("approvals:guide")).content.decode()
    assert "食品经营许可" in page and "消防安全检查" in page and "开办餐饮店" in page
    for hidden in ("草稿事项", "停用事项", "未发布套餐", "招牌设置"):
        assert hidden not in page


def test_list_search_by_name_department_and_online(client_en, restaurant):
    url = reverse("approvals:guide")
    page = client_en.get(url, {"q": "食品"}).content.decode()
    assert "食品经营许可" in page and "消防安全检查" not in page
    page = client_en.get(url, {"department": "fire"}).content.decode()
    assert "消防安全检查" in page and "FOOD-1" not in page
    Item.objects.filter(code="FOOD-1").update(fully_online=True)
    page = client_en.get(url, {"online": "1"}).content.decode()
    assert "FOOD-1" in page and "FIRE-1" not in page
    assert "开办餐饮店" not in page  # one of its items needs a visit


def test_anonymous_can_read_an_item_page_with_limits_materials_and_start_button(client_en, restaurant):
    response = client_en.get(reverse("approvals:guide-item", args=["FOOD-1"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "20 working days" in page and "5 working days" in page
    assert "申请书" in page and "食品安全管理制度" in page and "May follow later" in page
    assert "Site survey" in page and "《中华人民共和国食品安全法》第三十五条" in page
    assert 'href="/apply/item/FOOD-1/"' in page and "Start application" in page
    assert "up to 10 working days" in page and "the head of the authority" in page


def test_package_page_shows_lanes_merged_form_and_start_button(client_en, restaurant):
    response = client_en.get(reverse("approvals:guide-package", args=["PKG-1"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/apply/package/PKG-1/"' in page
    assert "7 working days" in page
    assert (
        len(re.findall(r'class="guide-lane( optional)?"', page)) == 3
    )  # one lane per item, the unpublished one included
    assert "Consolidation" in page and "within 5 working days" in page  # completeness check, art. 32
    assert page.count("店铺名称") == 1  # asked once in the merged form
    assert "容纳人数" in page
    assert 'href="/guide/items/SIGN-1/"' not in page  # no link to an unpublished item


@pytest.mark.parametrize("field", ["published", "active"])
def test_unpublished_or_inactive_pages_answer_404(client_en, restaurant, field):
    Item.objects.filter(code="FOOD-1").update(**{field: False})
    assert client_en.get(reverse("approvals:guide-item", args=["FOOD-1"])).status_code == 404
    type(restaurant["package"]).objects.filter(code="PKG-1").update(**{field: False})
    assert client_en.get(reverse("approvals:guide-package", args=["PKG-1"])).status_code == 404
    assert client_en.get(reverse("approvals:guide-item", args=["NO-SUCH"])).status_code == 404


def test_a_package_whose_items_disagree_still_renders(client_en, restaurant):
    FormFieldFactory(item=restaurant["food"], key="area", kind=FieldKind.NUMBER)
    FormFieldFactory(item=restaurant["fire"], key="area", kind=FieldKind.AREA_M2)
    response = client_en.get(reverse("approvals:guide-package", args=["PKG-1"]))
    assert response.status_code == 200
    assert "being revised" in response.content.decode()


def _list_queries(client, n_items):
    lead = OrgUnitFactory()
    for _ in range(n_items):
        item = published_item(origin_department=lead, implementing_body=lead)
        FormFieldFactory(item=item)
    for _ in range(3):
        package = PackageFactory(lead_department=lead, published=True, total_limit_days=30)
        for item in Item.objects.order_by("?")[:3]:
            PackageItemFactory(package=package, item=item)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("approvals:guide")).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_the_catalogue(client_en):
    few = _list_queries(client_en, 5)
    many = _list_queries(client_en, 45)  # 50 items in all
    assert few == many


def test_detail_query_count_does_not_grow_with_the_package(client_en, restaurant):
    url = reverse("approvals:guide-package", args=["PKG-1"])
    with CaptureQueriesContext(connection) as small:
        client_en.get(url)
    for _ in range(5):
        extra = published_item(implementing_body=OrgUnitFactory())
        MaterialFactory(item=extra)
        FormFieldFactory(item=extra)
        PackageItemFactory(package=restaurant["package"], item=extra)
    with CaptureQueriesContext(connection) as large:
        client_en.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_a_material_template_downloads_from_the_guide_and_not_when_unpublished(client, settings, tmp_path):
    from django.core.files.base import ContentFile

    from tests.approvals.factories import MaterialFactory, published_item

    settings.MEDIA_ROOT = str(tmp_path)
    item = published_item()
    material = MaterialFactory(item=item, name="申请表")
    material.template.save("form.pdf", ContentFile(b"%PDF-1.4\n%%EOF"), save=True)
    page = client.get(f"/guide/items/{item.code}/").content.decode()
    url = f"/guide/templates/{material.pk}/"
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    item.published = False
    item.save(update_fields=["published"])
    assert client.get(url).status_code == 404
    assert client.get("/guide/templates/999999/").status_code == 404
