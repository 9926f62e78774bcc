"""The organisation chart API (/api/org-units/, /api/leading-groups/, schema and docs)."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from coordination.models import (
    LeadingGroupMember,
    LeadingGroupRole,
    Nameplate,
    OrgKind,
    OrgLevel,
    OrgUnit,
)
from tests.factories import (
    AdminFactory,
    FunctionalLineFactory,
    OfficialFactory,
    OrgUnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/org-units/"


def client_for(user=None):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def official_client():
    return client_for(OfficialFactory())


@pytest.fixture
def admin_client_api():
    return client_for(AdminFactory())


@pytest.fixture
def chart():
    """province ── jl-health (health line)
    city ─┬─ yx-health (health line, superior jl-health) ── yx-health-clinic
          ├─ yx-data (bureau) ── with a secondary nameplate
          └─ yx-d1 (district) ── yx-d1-health (health line, district)"""
    health = FunctionalLineFactory(code="health", name="卫生健康")
    province = OrgUnitFactory(
        code="jl-gov", name="江岭省人民政府", kind=OrgKind.GOVERNMENT, level=OrgLevel.PROVINCIAL
    )
    jl_health = OrgUnitFactory(
        code="jl-health", name="江岭省卫生健康委员会", parent=province, level=OrgLevel.PROVINCIAL, line=health
    )
    city = OrgUnitFactory(code="yx-gov", name="云溪市人民政府", kind=OrgKind.GOVERNMENT)
    yx_health = OrgUnitFactory(
        code="yx-health", name="云溪市卫生健康委员会", parent=city, line=health, line_superior=jl_health
    )
    OrgUnitFactory(
        code="yx-health-clinic", name="云溪市疾控中心", parent=yx_health, kind=OrgKind.INSTITUTION, level=None
    )
    data = OrgUnitFactory(code="yx-data", name="云溪市大数据局", parent=city, kind=OrgKind.BUREAU)
    Nameplate.objects.create(unit=data, name="云溪市政务服务数据管理中心", short_name="数管中心")
    district = OrgUnitFactory(
        code="yx-d1", name="溪东区人民政府", parent=city, kind=OrgKind.GOVERNMENT, level=OrgLevel.DISTRICT
    )
    OrgUnitFactory(
        code="yx-d1-health", name="溪东区卫生健康局", parent=district, level=OrgLevel.DISTRICT, line=health
    )
    return {u.code: OrgUnit.objects.get(pk=u.pk) for u in OrgUnit.objects.all()}


def codes(response):
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


# --- Who may read ---------------------------------------------------------------------------------


def test_anonymous_is_refused(chart):
    response = client_for().get(URL)
    assert response.status_code in (401, 403)
    assert "results" not in response.json()


@pytest.mark.parametrize("kind", ["citizen", "enterprise", "intermediary", "evaluator"])
def test_applicants_and_outsiders_are_forbidden(chart, kind):
    response = client_for(UserFactory(kind=kind)).get(URL)
    assert response.status_code == 403


def test_official_gets_the_list_in_tree_order(chart, official_client):
    response = official_client.get(URL)
    body = response.json()
    assert body["count"] == len(chart)
    assert codes(response) == list(OrgUnit.objects.order_by("path").values_list("code", flat=True))
    row = next(r for r in body["results"] if r["code"] == "yx-health")
    assert row["parent"] == "yx-gov"
    assert row["line"] == "health"
    assert row["line_superior"] == "jl-health"
    assert row["depth"] == 2
    assert [p["name"] for p in row["nameplates"]] == ["云溪市卫生健康委员会"]
    root = next(r for r in body["results"] if r["code"] == "yx-gov")
    assert root["parent"] is None


# --- Filters -------------------------------------------------------------------------------------


def test_filter_by_kind(chart, official_client):
    assert codes(official_client.get(URL, {"kind": "bureau"})) == ["yx-data"]
    assert set(codes(official_client.get(URL, {"kind": "government"}))) == {"jl-gov", "yx-gov", "yx-d1"}


def test_filter_by_level(chart, official_client):
    assert set(codes(official_client.get(URL, {"level": OrgLevel.DISTRICT}))) == {"yx-d1", "yx-d1-health"}


def test_filter_by_line(chart, official_client):
    assert set(codes(official_client.get(URL, {"line": "health"}))) == {
        "jl-health",
        "yx-health",
        "yx-d1-health",
    }


def test_filter_by_parent_gives_direct_children_only(chart, official_client):
    assert codes(official_client.get(URL, {"parent": "yx-gov"})) == ["yx-health", "yx-data", "yx-d1"]
    assert codes(official_client.get(URL, {"parent": "no-such-unit"})) == []


def test_filter_by_text_finds_a_secondary_nameplate(chart, official_client):
    assert codes(official_client.get(URL, {"q": "数据管理中心"})) == ["yx-data"]
    assert codes(official_client.get(URL, {"q": "疾控"})) == ["yx-health-clinic"]


def test_filters_combine(chart, official_client):
    assert codes(official_client.get(URL, {"line": "health", "level": OrgLevel.MUNICIPAL})) == ["yx-health"]


# --- Retrieve ------------------------------------------------------------------------------------


def test_retrieve_by_code(chart, official_client):
    response = official_client.get(f"{URL}yx-data/")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "yx-data"
    assert body["parent"] == "yx-gov"
    assert body["kind"] == "bureau"
    assert {p["name"] for p in body["nameplates"]} == {"云溪市大数据局", "云溪市政务服务数据管理中心"}
    assert [p["is_primary"] for p in body["nameplates"]] == [True, False]


def test_retrieve_unknown_code_is_404(chart, official_client):
    assert official_client.get(f"{URL}no-such-unit/").status_code == 404


# --- Who may write -------------------------------------------------------------------------------


def new_unit_body(**extra):
    return {
        "code": "yx-new",
        "name": "云溪市新设局",
        "kind": "bureau",
        "level": OrgLevel.MUNICIPAL,
        "parent": "yx-gov",
        **extra,
    }


def test_official_who_is_not_an_admin_cannot_write(chart, official_client):
    before = list(OrgUnit.objects.order_by("pk").values_list("pk", "path", "name", "code"))
    assert official_client.post(URL, new_unit_body(), format="json").status_code == 403
    assert official_client.patch(f"{URL}yx-data/", {"name": "改名"}, format="json").status_code == 403
    assert (
        official_client.put(f"{URL}yx-data/", new_unit_body(code="yx-data"), format="json").status_code == 403
    )
    assert official_client.delete(f"{URL}yx-d1-health/").status_code == 403
    assert list(OrgUnit.objects.order_by("pk").values_list("pk", "path", "name", "code")) == before


def test_staff_with_add_and_change_but_not_delete_permission_cannot_delete(chart):
    staff = OfficialFactory(is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="coordination", codename__in=["add_orgunit", "change_orgunit"]
        )
    )
    client = client_for(staff)
    assert client.patch(f"{URL}yx-d1-health/", {"description": "x"}, format="json").status_code == 200
    assert client.delete(f"{URL}yx-d1-health/").status_code == 403
    assert OrgUnit.objects.filter(code="yx-d1-health").exists()


def test_applicant_cannot_write(chart):
    client = client_for(UserFactory())
    assert client.post(URL, new_unit_body(), format="json").status_code == 403
    assert not OrgUnit.objects.filter(code="yx-new").exists()


def test_admin_creates_a_unit_under_a_parent(chart, admin_client_api):
    response = admin_client_api.post(
        URL, new_unit_body(uscc="91350100M000100Y43", division_code="360900"), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "yx-new"
    assert body["parent"] == "yx-gov"
    assert body["depth"] == 2
    assert [p["name"] for p in body["nameplates"]] == ["云溪市新设局"]
    unit = OrgUnit.objects.get(code="yx-new")
    assert OrgUnit.objects.get_parent(unit).code == "yx-gov"
    assert OrgUnit.objects.get(code="yx-gov").numchild == 4
    assert all(p == [] for p in OrgUnit.objects.find_problems())


def test_admin_post_with_an_invalid_uscc_is_400_with_the_message(chart, admin_client_api):
    response = admin_client_api.post(URL, new_unit_body(uscc="91350100M000100Y44"), format="json")
    assert response.status_code == 400
    messages = response.json()["uscc"]
    assert any("should be 3" in m for m in messages), messages
    assert not OrgUnit.objects.filter(code="yx-new").exists()


def test_admin_post_with_an_unknown_parent_is_400(chart, admin_client_api):
    response = admin_client_api.post(URL, new_unit_body(parent="no-such-unit"), format="json")
    assert response.status_code == 400
    assert "parent" in response.json()
    assert not OrgUnit.objects.filter(code="yx-new").exists()


def test_admin_post_with_a_wrong_level_line_superior_is_400_on_that_field(chart, admin_client_api):
    response = admin_client_api.post(
        URL, new_unit_body(line="health", line_superior="yx-health"), format="json"
    )
    assert response.status_code == 400
    assert "line_superior" in response.json()


def test_admin_patch_moves_a_unit_to_another_parent(chart, admin_client_api):
    response = admin_client_api.patch(f"{URL}yx-health/", {"parent": "yx-d1"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["parent"] == "yx-d1"
    assert OrgUnit.objects.get_parent(OrgUnit.objects.get(code="yx-health-clinic")).code == "yx-health"
    assert all(p == [] for p in OrgUnit.objects.find_problems())


def test_admin_patch_parent_that_would_make_a_cycle_is_400(chart, admin_client_api):
    before = list(OrgUnit.objects.order_by("pk").values_list("pk", "path", "depth", "numchild"))
    response = admin_client_api.patch(f"{URL}yx-gov/", {"parent": "yx-health-clinic"}, format="json")
    assert response.status_code == 400
    assert "cycle" in response.json()["parent"][0]
    assert list(OrgUnit.objects.order_by("pk").values_list("pk", "path", "depth", "numchild")) == before


def test_admin_patch_refused_for_a_cycle_saves_none_of_its_changes(chart, admin_client_api):
    response = admin_client_api.patch(
        f"{URL}yx-gov/", {"name": "改了名字", "parent": "yx-health-clinic"}, format="json"
    )
    assert response.status_code == 400
    assert OrgUnit.objects.get(code="yx-gov").name == "云溪市人民政府"


def test_admin_delete_of_a_unit_with_children_is_409_with_the_reason(chart, admin_client_api):
    response = admin_client_api.delete(f"{URL}yx-gov/")
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "sub-units" in detail
    assert "云溪市人民政府" in detail
    assert OrgUnit.objects.filter(code="yx-gov").exists()


def test_admin_delete_of_a_line_superior_is_409(chart, admin_client_api):
    response = admin_client_api.delete(f"{URL}jl-health/")
    assert response.status_code == 409
    assert "line superior" in response.json()["detail"]


def test_admin_delete_of_a_leaf_is_204(chart, admin_client_api):
    assert admin_client_api.delete(f"{URL}yx-d1-health/").status_code == 204
    assert not OrgUnit.objects.filter(code="yx-d1-health").exists()
    assert OrgUnit.objects.get(code="yx-d1").numchild == 0


# --- Queries do not grow with the data -----------------------------------------------------------


def grow_to(total):
    """Bring the chart to `total` units: a root with a line, then a container whose children are
    bulk-loaded, each with a primary and a secondary nameplate and a line superior."""
    line = FunctionalLineFactory(code="bulk-line")
    root = OrgUnit.objects.filter(code="bulk-root").first() or OrgUnitFactory(
        code="bulk-root", kind=OrgKind.GOVERNMENT, level=OrgLevel.PROVINCIAL, line=line
    )
    root = OrgUnit.objects.get(pk=root.pk)
    box = f"bulk-box-{root.numchild}"
    start = OrgUnit.objects.count()
    children = [
        {
            "data": {
                "code": f"{box}-{i}",
                "name": f"批量单位{box}-{i}",
                "kind": OrgKind.DEPARTMENT,
                "level": OrgLevel.MUNICIPAL,
                "line": line.pk,
                "line_superior": root.pk,
            }
        }
        for i in range(total - start - 1)
    ]
    OrgUnit.objects.load_bulk(
        [{"data": {"code": box, "name": box, "kind": OrgKind.INSTITUTION}, "children": children}],
        parent=root,
        bulk_create=True,
    )
    units = list(OrgUnit.objects.filter(code__startswith=box))
    Nameplate.objects.bulk_create(
        [Nameplate(unit=u, name=u.name, is_primary=True) for u in units]
        + [Nameplate(unit=u, name=u.name + "（二）") for u in units]
    )
    assert OrgUnit.objects.count() == total
    assert all(p == [] for p in OrgUnit.objects.find_problems())


def list_queries(client, **params):
    client.get(URL, {"limit": 1000, **params})  # warm up: session, content types
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"limit": 1000, **params})
    assert response.status_code == 200
    return response.json()["count"], len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_the_number_of_units(official_client):
    grow_to(10)
    count_small, queries_small = list_queries(official_client)
    assert count_small == 10
    grow_to(500)
    count_large, queries_large = list_queries(official_client)
    assert count_large == 500
    assert queries_large == queries_small


def test_text_filtered_list_query_count_does_not_grow_with_the_number_of_units(official_client):
    grow_to(10)
    count_small, queries_small = list_queries(official_client, q="（二）")
    assert count_small == 8 + 1  # the bulk units and the box carry a secondary nameplate
    grow_to(200)
    count_large, queries_large = list_queries(official_client, q="（二）")
    assert count_large == 199
    assert queries_large == queries_small


# --- Leading groups ------------------------------------------------------------------------------


def test_leading_groups_list_their_co_leaders(chart, official_client):
    party = OrgUnitFactory(code="yx-party", name="中共云溪市委员会", kind=OrgKind.PARTY_COMMITTEE)
    company = OrgUnitFactory(
        code="yx-scc", name="云溪智慧城市建设运营有限公司", kind=OrgKind.ENTERPRISE, level=None
    )
    group = OrgUnitFactory(
        code="yx-leading-group",
        name="云溪市智慧城市建设领导小组",
        parent=chart["yx-gov"],
        kind=OrgKind.LEADING_GROUP,
    )
    seats = [
        (LeadingGroupRole.CO_LEADER, "何志远", party),
        (LeadingGroupRole.CO_LEADER, "陈立明", chart["yx-gov"]),
        (LeadingGroupRole.CO_LEADER, "马晓峰", company),
        (LeadingGroupRole.MEMBER, "许海", chart["yx-data"]),
    ]
    for order, (role, person, unit) in enumerate(seats):
        LeadingGroupMember.objects.create(
            group=group, role=role, person_name=person, represents=unit, sort_order=order
        )

    response = official_client.get("/api/leading-groups/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [g["code"] for g in results] == ["yx-leading-group"]
    assert results[0]["co_leaders"] == ["何志远", "陈立明", "马晓峰"]
    members = results[0]["members"]
    assert [m["represents"] for m in members] == ["yx-party", "yx-gov", "yx-scc", "yx-data"]
    assert members[2]["represents_name"] == "云溪智慧城市建设运营有限公司"

    detail = official_client.get("/api/leading-groups/yx-leading-group/")
    assert detail.status_code == 200
    assert detail.json()["co_leaders"] == ["何志远", "陈立明", "马晓峰"]


def test_leading_groups_are_forbidden_to_applicants(chart):
    assert client_for(UserFactory()).get("/api/leading-groups/").status_code == 403


# --- Schema and docs -----------------------------------------------------------------------------


def test_schema_is_an_openapi_3_document(official_client):
    response = official_client.get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "openapi: 3." in text
    assert "/api/org-units/{code}/" in text
    as_json = official_client.get("/api/schema/", {"format": "json"})
    assert as_json.status_code == 200
    assert as_json.json()["openapi"].startswith("3.")


def test_docs_render_swagger_ui_from_local_static_files(official_client):
    response = official_client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    for cdn in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com"):
        assert cdn not in html


# --- Control characters (PostgreSQL refuses NUL in a query parameter) ----------------------------


@pytest.mark.parametrize("path", ["%00/", "yx%00data/", "yx-data%0A/", "%C2%B2/"])
def test_retrieve_with_a_control_character_in_the_code_is_404(chart, official_client, path):
    assert official_client.get(f"{URL}{path}").status_code == 404
    assert official_client.get(f"/api/leading-groups/{path}").status_code == 404


def test_text_filter_ignores_control_characters(chart, official_client):
    assert codes(official_client.get(URL, {"q": "\x00"})) == codes(official_client.get(URL))
    assert codes(official_client.get(URL, {"q": "大数据\x00"})) == ["yx-data"]


@pytest.mark.parametrize("name", ["line", "parent"])
def test_code_filters_with_a_nul_character_are_a_bad_request(chart, official_client, name):
    response = official_client.get(URL, {name: "\x00"})
    assert response.status_code == 400
    assert response.json() == {name: ["Null characters are not allowed."]}
