"""Every write to the organisation chart leaves its audit events, through the API, admin and import.

Each test marks the end of the trail, does one thing, and checks exactly which events followed.
"""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook
from rest_framework.test import APIClient

from coordination import services
from coordination.importexport import COLUMNS, org_chart_import
from coordination.models import Nameplate, OrgKind, OrgLevel, OrgUnit, Position
from portal.audit.models import AuditEvent
from portal.audit.selectors import audit_events_for
from portal.audit.verify import verify_chain
from tests.factories import AdminFactory, OfficialFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db

MOVE_URL = "/admin/coordination/orgunit/move/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def tree():
    """city ─┬─ district ── street
    └─ health"""
    city = OrgUnitFactory(
        code="city", name="示范市人民政府", kind=OrgKind.GOVERNMENT, level=OrgLevel.MUNICIPAL
    )
    district = OrgUnitFactory(
        code="d1", name="示范区人民政府", kind=OrgKind.GOVERNMENT, level=OrgLevel.DISTRICT, parent=city
    )
    street = OrgUnitFactory(
        code="s1", name="示范街道办事处", kind=OrgKind.GOVERNMENT, level=OrgLevel.STREET, parent=district
    )
    health = OrgUnitFactory(code="health", name="示范市卫生健康委员会", parent=city)
    return {"city": city, "district": district, "street": street, "health": health}


@pytest.fixture
def admin_user():
    return AdminFactory(username="chart-admin")


@pytest.fixture
def api(admin_user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin_user)
    return client


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


class Trail:
    """The events recorded after it was created."""

    def __init__(self):
        self.mark = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0

    def events(self) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(sequence__gt=self.mark).order_by("sequence"))

    def actions(self) -> list[str]:
        return [e.action for e in self.events()]


def changed(event) -> dict:
    """{key: (before, after)} for the keys that differ."""
    before, after = event.before or {}, event.after or {}
    return {k: (before.get(k), after.get(k)) for k in {*before, *after} if before.get(k) != after.get(k)}


def form_data(response) -> dict:
    """POST data reproducing an admin change form as rendered, inlines included."""
    data = {}

    def put(form):
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, bool) or value is None:
                if value:
                    data[key] = "on"
                elif not isinstance(value, bool):
                    data[key] = ""
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value)

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        put(inline.formset.management_form)
        for form in inline.formset.forms:
            put(form)
    return data


def add_inline_row(data: dict, prefix: str, values: dict) -> None:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for key, value in values.items():
        data[f"{prefix}-{index}-{key}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)


# ------------------------------------------------------------------------------------------
# API


def test_api_create_records_one_event_with_the_new_unit(api, admin_user, tree):
    trail = Trail()
    response = api.post(
        "/api/org-units/",
        {"code": "data", "name": "示范市大数据局", "kind": "bureau", "level": 3, "parent": "city"},
        format="json",
    )
    assert response.status_code == 201, response.content
    (event,) = trail.events()
    unit = OrgUnit.objects.get(code="data")
    assert event.action == "orgunit.create"
    assert event.actor == admin_user
    assert (event.object_id, event.object_repr) == (str(unit.pk), "示范市大数据局")
    assert event.before is None
    assert (
        event.after["code"] == "data" and event.after["parent"] == "city" and event.after["kind"] == "bureau"
    )
    assert event.request_id == response["X-Request-ID"]


def test_api_patch_records_the_fields_before_and_after(api, tree):
    trail = Trail()
    response = api.patch("/api/org-units/health/", {"name": "示范市卫健委", "active": False}, format="json")
    assert response.status_code == 200, response.content
    (event,) = trail.events()
    assert event.action == "orgunit.update"
    assert changed(event) == {"name": ("示范市卫生健康委员会", "示范市卫健委"), "active": (True, False)}


def test_api_patch_that_changes_nothing_records_nothing(api, tree):
    trail = Trail()
    response = api.patch("/api/org-units/health/", {"name": "示范市卫生健康委员会"}, format="json")
    assert response.status_code == 200
    assert trail.actions() == []


def test_api_patch_with_a_new_parent_records_the_change_and_the_move(api, tree):
    trail = Trail()
    response = api.patch("/api/org-units/health/", {"name": "区卫健局", "parent": "d1"}, format="json")
    assert response.status_code == 200, response.content
    update, move = trail.events()
    assert (update.action, move.action) == ("orgunit.update", "orgunit.move")
    assert changed(update) == {"name": ("示范市卫生健康委员会", "区卫健局")}
    assert changed(move) == {"parent": ("city", "d1")}  # second under city, second under d1


def test_api_move_into_a_cycle_is_refused_and_leaves_no_event(api, tree):
    trail = Trail()
    response = api.patch("/api/org-units/d1/", {"name": "改名", "parent": "s1"}, format="json")
    assert response.status_code == 400
    assert trail.actions() == []
    assert OrgUnit.objects.get(code="d1").name == "示范区人民政府"


def test_api_delete_records_what_was_deleted(api, tree):
    health = tree["health"]
    trail = Trail()
    assert api.delete("/api/org-units/health/").status_code == 204
    (event,) = trail.events()
    assert event.action == "orgunit.delete" and event.after is None
    assert event.before["code"] == "health" and event.before["parent"] == "city"
    assert event.before["nameplates"][0]["name"] == "示范市卫生健康委员会"
    # The history of the deleted unit can still be read.
    assert [e.action for e in audit_events_for(obj=health)] == ["orgunit.delete", "orgunit.create"]


def test_refused_delete_leaves_no_event(api, tree):
    trail = Trail()
    assert api.delete("/api/org-units/d1/").status_code == 409
    assert trail.actions() == []


# ------------------------------------------------------------------------------------------
# Admin


def test_admin_add_under_a_parent_records_the_creation_there(admin_client, admin_user, tree):
    url = reverse("admin:coordination_orgunit_add")
    data = form_data(admin_client.get(url))
    data.update(
        code="market",
        name="示范市市场监督管理局",
        kind="bureau",
        level="3",
        treebeard_position="first-child",
        treebeard_ref_node=str(tree["city"].pk),
    )
    trail = Trail()
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    events = trail.events()
    assert [e.action for e in events] == ["orgunit.create", "orgunit.move"]
    assert events[0].after["parent"] == "city" and events[0].actor == admin_user
    assert changed(events[1]) == {"position": (3, 1)}


def test_admin_change_records_the_fields_and_a_save_without_changes_records_nothing(admin_client, tree):
    url = reverse("admin:coordination_orgunit_change", args=[tree["health"].pk])
    data = form_data(admin_client.get(url))
    trail = Trail()
    assert admin_client.post(url, data).status_code == 302
    assert trail.actions() == []
    data["description"] = "负责全市卫生健康工作"
    assert admin_client.post(url, data).status_code == 302
    (event,) = trail.events()
    assert event.action == "orgunit.update"
    assert changed(event) == {"description": ("", "负责全市卫生健康工作")}


def test_admin_inline_nameplates_are_recorded(admin_client, tree):
    url = reverse("admin:coordination_orgunit_change", args=[tree["health"].pk])
    data = form_data(admin_client.get(url))
    add_inline_row(data, "nameplates", {"name": "示范市中医药管理局", "short_name": "中医药局"})
    trail = Trail()
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    (event,) = trail.events()
    assert event.action == "orgunit.nameplates_change"
    assert [p["name"] for p in event.before["nameplates"]] == ["示范市卫生健康委员会"]
    assert sorted(p["name"] for p in event.after["nameplates"]) == [
        "示范市中医药管理局",
        "示范市卫生健康委员会",
    ]


def test_admin_inline_positions_are_recorded(admin_client, tree):
    official = OfficialFactory(username="li")
    url = reverse("admin:coordination_orgunit_change", args=[tree["health"].pk])
    data = form_data(admin_client.get(url))
    add_inline_row(
        data, "positions", {"user": str(official.pk), "title": "主任", "roles": ["1"], "active": "on"}
    )
    trail = Trail()
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    (event,) = trail.events()
    assert event.action == "orgunit.positions_change"
    assert event.before == {"positions": []}
    (position,) = event.after["positions"]
    assert (position["user"], position["title"], position["active"]) == ("li", "主任", True)
    assert len(position["roles"]) == 1


def test_admin_leading_group_members_are_recorded(admin_client, tree):
    group = OrgUnitFactory(
        code="lg", name="领导小组", kind=OrgKind.LEADING_GROUP, level=None, parent=tree["city"]
    )
    url = reverse("admin:coordination_orgunit_change", args=[group.pk])
    data = form_data(admin_client.get(url))
    add_inline_row(
        data,
        "group_members",
        {"sort_order": "1", "role": "co_leader", "person_name": "张三", "represents": str(tree["city"].pk)},
    )
    trail = Trail()
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    (event,) = trail.events()
    assert event.action == "orgunit.members_change"
    assert event.after["group_members"][0]["person_name"] == "张三"
    assert event.after["group_members"][0]["represents"] == "city"


def test_position_admin_records_on_the_units_history(admin_client, tree):
    official = OfficialFactory()
    trail = Trail()
    response = admin_client.post(
        reverse("admin:coordination_position_add"),
        {"user": official.pk, "unit": tree["health"].pk, "title": "科员", "active": "on"},
    )
    assert response.status_code == 302
    (event,) = trail.events()
    assert (event.action, event.object_id) == ("orgunit.positions_change", str(tree["health"].pk))
    position = Position.objects.get()
    # Moving the position to another unit shows on both units.
    trail = Trail()
    admin_client.post(
        reverse("admin:coordination_position_change", args=[position.pk]),
        {"user": official.pk, "unit": tree["city"].pk, "title": "科员", "active": "on"},
    )
    assert sorted(e.object_id for e in trail.events()) == sorted(
        [str(tree["health"].pk), str(tree["city"].pk)]
    )


def test_admin_drag_and_drop_move_is_recorded(admin_client, admin_user, tree):
    trail = Trail()
    response = admin_client.post(
        MOVE_URL, {"node": tree["health"].pk, "target": tree["district"].pk, "relation": "child"}
    )
    assert response.status_code == 200
    (event,) = trail.events()
    assert event.action == "orgunit.move" and event.actor == admin_user
    assert changed(event)["parent"] == ("city", "d1")


def test_admin_drag_and_drop_into_a_cycle_leaves_no_event(admin_client, tree):
    trail = Trail()
    response = admin_client.post(
        MOVE_URL, {"node": tree["district"].pk, "target": tree["street"].pk, "relation": "child"}
    )
    assert response.status_code == 400
    assert trail.actions() == []


def test_admin_delete_is_recorded(admin_client, tree):
    trail = Trail()
    admin_client.post(reverse("admin:coordination_orgunit_delete", args=[tree["health"].pk]), {"post": "yes"})
    assert not OrgUnit.objects.filter(code="health").exists()
    assert trail.actions() == ["orgunit.delete"]


def test_setting_the_primary_nameplate_is_recorded(tree, admin_user):
    plate = Nameplate.objects.create(unit=tree["health"], name="示范市卫健委")
    trail = Trail()
    services.nameplate_set_primary(actor=admin_user, nameplate=plate)
    (event,) = trail.events()
    assert event.action == "orgunit.set_primary_nameplate"
    assert changed(event)["name"] == ("示范市卫生健康委员会", "示范市卫健委")


# ------------------------------------------------------------------------------------------
# Import


def xlsx(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = "units"
    ws.append(COLUMNS)
    for row in rows:
        ws.append([row.get(key, "") for key in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "/tmp/upload/chart.xlsx"
    return out


def test_import_records_each_unit_and_a_summary(tree, admin_user):
    trail = Trail()
    report = org_chart_import(
        actor=admin_user,
        fileobj=xlsx(
            [
                {"code": "new", "parent_code": "city", "name": "新单位", "kind": "institution"},
                {"code": "health", "parent_code": "d1", "name": "卫健委", "kind": "department", "level": 3},
                {
                    "code": "s1",
                    "parent_code": "d1",
                    "name": "示范街道办事处",
                    "kind": "government",
                    "level": 5,
                },
                {
                    "code": "d1",
                    "parent_code": "city",
                    "name": "示范区人民政府",
                    "kind": "government",
                    "level": 4,
                    "nameplates": "示范区政府",
                },
            ]
        ),
    )
    assert report.ok, report.errors
    events = trail.events()
    assert {e.reason for e in events} == {"xlsx import chart.xlsx"}
    assert all(e.actor == admin_user for e in events)
    by_unit = sorted((e.object_repr, e.action) for e in events)
    assert by_unit == [
        ("", "orgchart.import"),
        ("卫健委", "orgunit.move"),
        ("卫健委", "orgunit.update"),
        ("新单位", "orgunit.create"),
        ("示范区人民政府", "orgunit.nameplates_change"),
    ]
    summary = events[-1]
    assert summary.action == "orgchart.import"
    assert summary.after == {"file": "chart.xlsx", "created": 1, "updated": 2, "unchanged": 1}
    # The unit's own history shows the import.
    history = audit_events_for(obj=tree["health"])
    assert [(e.action, e.reason) for e in history[:2]] == [
        ("orgunit.move", "xlsx import chart.xlsx"),
        ("orgunit.update", "xlsx import chart.xlsx"),
    ]


def test_a_failed_or_dry_run_import_leaves_no_event(tree):
    trail = Trail()
    bad = org_chart_import(
        actor=None,
        fileobj=xlsx(
            [
                {"code": "new", "parent_code": "city", "name": "新单位", "kind": "institution"},
                {"code": "bad", "parent_code": "nowhere", "name": "坏", "kind": "institution"},
            ]
        ),
    )
    assert not bad.ok
    dry = org_chart_import(
        actor=None,
        fileobj=xlsx([{"code": "new", "parent_code": "city", "name": "新单位", "kind": "institution"}]),
        dry_run=True,
    )
    assert dry.ok and dry.created == 1
    assert trail.actions() == []


# ------------------------------------------------------------------------------------------
# The unit page


def test_the_unit_page_shows_the_history_to_an_admin(admin_client, admin_user, api, tree):
    api.patch("/api/org-units/health/", {"name": "示范市卫健委"}, format="json")
    html = admin_client.get(reverse("coordination:unit", args=["health"])).content.decode()
    assert 'id="unit-history"' in html
    assert "Unit changed" in html and "Unit created" in html
    assert f'<span class="audit-actor">{admin_user.get_full_name()}</span>' in html
    assert '<span class="audit-actor">System</span>' in html  # the factory created it
    assert "<del>示范市卫生健康委员会</del> → 示范市卫健委" in html


def test_the_unit_page_hides_the_history_from_a_plain_official(client, tree):
    client.force_login(OfficialFactory())
    response = client.get(reverse("coordination:unit", args=["health"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="unit-history"' not in html and "Unit created" not in html
    assert response.context["history"] is None


def test_the_chart_trail_verifies(api, admin_client, tree):
    api.patch("/api/org-units/health/", {"parent": "d1"}, format="json")
    api.delete("/api/org-units/s1/")
    assert verify_chain().ok


def test_the_unit_pages_query_count_does_not_grow_with_its_history(admin_client, admin_user, tree):
    url = reverse("coordination:unit", args=["health"])

    def queries():
        admin_client.get(url)  # warm up: session, content types
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(15):
        services.org_unit_update(actor=admin_user, unit=tree["health"], data={"description": f"第{i}版"})
    assert queries() == few
