"""Journey: an admin adds a department under a district in Django admin; an official then finds it
in the organisation chart and in the lines × levels matrix."""

import pytest

from coordination.models import FunctionalLine, OrgKind, OrgLevel, OrgUnit
from tests.factories import PASSWORD, AdminFactory, OfficialFactory, OrgUnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, username, path="/accounts/login/"):
    page.goto(base + path)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")


@pytest.fixture
def city():
    health = FunctionalLine.objects.create(code="health", name="卫生健康")
    city = OrgUnitFactory(
        code="city", name="云溪市人民政府", kind=OrgKind.GOVERNMENT, level=OrgLevel.MUNICIPAL
    )
    OrgUnitFactory(code="city-health", name="云溪市卫生健康委员会", parent=city, line=health)
    district = OrgUnitFactory(
        code="d1", name="溪东区人民政府", kind=OrgKind.GOVERNMENT, level=OrgLevel.DISTRICT, parent=city
    )
    return {"city": city, "district": district, "health": health}


def test_admin_adds_department_official_finds_it(live_server, page_factory, screenshot, city):
    AdminFactory(username="admin")
    OfficialFactory(username="official", full_name="王科员")

    # 1. The admin adds 溪东区卫生健康局 under the district, in the health line.
    admin_page = page_factory()
    login(admin_page, live_server.url, "admin", path="/admin/login/")
    admin_page.goto(live_server.url + "/admin/coordination/orgunit/add/")
    admin_page.fill("#id_code", "d1-health")
    admin_page.fill("#id_name", "溪东区卫生健康局")
    admin_page.select_option("#id_kind", OrgKind.DEPARTMENT.value)
    admin_page.select_option("#id_level", str(OrgLevel.DISTRICT.value))
    admin_page.select_option("#id_line", str(city["health"].pk))
    admin_page.select_option("#id_treebeard_position", "first-child")
    admin_page.select_option("#id_treebeard_ref_node", str(city["district"].pk))
    screenshot(admin_page, "org-01-admin-add-department")
    admin_page.click("input[name=_save]")
    admin_page.wait_for_selector(".messagelist .success")
    screenshot(admin_page, "org-02-admin-saved")

    unit = OrgUnit.objects.get(code="d1-health")
    assert OrgUnit.objects.get_parent(unit) == city["district"]
    assert unit.nameplates.get(is_primary=True).name == "溪东区卫生健康局"

    # 2. An official searches the chart and sees it highlighted under the district.
    page = page_factory()
    login(page, live_server.url, "official")
    page.goto(live_server.url + "/org/?q=溪东区卫生")
    match = page.locator("#org-tree li.matched a", has_text="溪东区卫生健康局")
    match.wait_for()
    assert match.is_visible()
    district_item = page.locator("#org-tree li", has=page.locator("summary", has_text="溪东区人民政府"))
    assert district_item.locator("a", has_text="溪东区卫生健康局").count() == 1
    screenshot(page, "org-03-official-tree-search")

    # 3. ... and in the matrix: health line × district level.
    page.goto(live_server.url + "/org/matrix/")
    row = page.locator("#matrix tbody tr", has=page.locator("th", has_text="卫生健康"))
    district_column = page.locator("#matrix thead th").all_inner_texts().index("区县级")
    cell = row.locator("td").nth(district_column - 1)
    assert "溪东区卫生健康局" in cell.inner_text()
    screenshot(page, "org-04-official-matrix")

    # 4. The unit page shows its place and its line.
    cell.get_by_text("溪东区卫生健康局").click()
    page.wait_for_url("**/org/units/d1-health/")
    assert "溪东区人民政府" in page.locator(".breadcrumb").inner_text()
    screenshot(page, "org-05-official-unit-page")
