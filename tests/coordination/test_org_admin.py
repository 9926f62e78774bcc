"""Django admin for the chart: drag-and-drop moves and deletions go through the services."""

import pytest
from django.urls import reverse

from coordination.models import OrgKind, OrgLevel, OrgUnit
from tests.factories import AdminFactory, OfficialFactory, OrgUnitFactory, PositionFactory

pytestmark = pytest.mark.django_db

MOVE_URL = "/admin/coordination/orgunit/move/"


@pytest.fixture
def tree():
    city = OrgUnitFactory(code="city", kind=OrgKind.GOVERNMENT, level=OrgLevel.MUNICIPAL)
    district = OrgUnitFactory(code="d1", kind=OrgKind.GOVERNMENT, level=OrgLevel.DISTRICT, parent=city)
    street = OrgUnitFactory(code="s1", kind=OrgKind.GOVERNMENT, level=OrgLevel.STREET, parent=district)
    health = OrgUnitFactory(code="health", parent=city)
    return {"city": city, "district": district, "street": street, "health": health}


@pytest.fixture
def admin_client(client):
    client.force_login(AdminFactory())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_drag_a_unit_under_another(admin_client, tree):
    response = admin_client.post(
        MOVE_URL, {"node": tree["health"].pk, "target": tree["district"].pk, "relation": "child"}
    )
    assert response.status_code == 200
    assert OrgUnit.objects.get_parent(OrgUnit.objects.get(code="health")).code == "d1"
    assert all(not problems for problems in OrgUnit.objects.find_problems())


def test_drag_under_own_descendant_is_refused_and_changes_nothing(admin_client, tree):
    before = list(OrgUnit.objects.order_by("pk").values_list("path", flat=True))
    response = admin_client.post(
        MOVE_URL, {"node": tree["district"].pk, "target": tree["street"].pk, "relation": "child"}
    )
    assert response.status_code == 400
    assert list(OrgUnit.objects.order_by("pk").values_list("path", flat=True)) == before
    page = admin_client.get(reverse("admin:coordination_orgunit_changelist"))
    assert "cycle" in page.content.decode()


def test_drag_needs_change_permission(client, tree):
    staff = OfficialFactory(is_staff=True)
    client.force_login(staff)
    response = client.post(
        MOVE_URL, {"node": tree["health"].pk, "target": tree["district"].pk, "relation": "child"}
    )
    assert response.status_code == 403
    assert OrgUnit.objects.get_parent(OrgUnit.objects.get(code="health")).code == "city"


def test_delete_view_refuses_a_unit_with_people_and_says_why(admin_client, tree):
    PositionFactory(unit=tree["health"])
    url = reverse("admin:coordination_orgunit_delete", args=[tree["health"].pk])
    response = admin_client.post(url, {"post": "yes"}, follow=True)
    assert OrgUnit.objects.filter(code="health").exists()
    assert "cannot be deleted" in response.content.decode()
    assert "holds a position" in response.content.decode()


def test_delete_view_deletes_a_leaf(admin_client, tree):
    url = reverse("admin:coordination_orgunit_delete", args=[tree["health"].pk])
    admin_client.post(url, {"post": "yes"})
    assert not OrgUnit.objects.filter(code="health").exists()
    assert OrgUnit.objects.get(code="city").numchild == 1


def test_bulk_delete_keeps_units_that_are_still_needed(admin_client, tree):
    url = reverse("admin:coordination_orgunit_changelist")
    response = admin_client.post(
        url,
        {
            "action": "delete_selected",
            "post": "yes",
            "_selected_action": [tree["district"].pk, tree["health"].pk],
        },
        follow=True,
    )
    assert not OrgUnit.objects.filter(code="health").exists()
    assert OrgUnit.objects.filter(code="d1").exists()  # it still has a street under it
    assert "cannot be deleted" in response.content.decode()


def test_admin_search_finds_a_unit_by_a_secondary_nameplate(admin_client, tree):
    tree["health"].nameplates.create(name="市爱国卫生运动委员会办公室")
    response = admin_client.get(reverse("admin:coordination_orgunit_changelist"), {"q": "爱国卫生"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [OrgUnit.objects.get(code="health")]
