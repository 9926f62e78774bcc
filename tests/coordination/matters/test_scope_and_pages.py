"""Scope: a unit sees the matters it leads and cooperates on (enterprise representatives too);
the whole programme (office, leading-group seats) sees everything; others get 404. The list's
query count does not grow with the matters; the API answers with the same scope."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coordination.matters import selectors
from tests.factories.matters import make_matter


@pytest.fixture
def matters(p):
    return {
        "data_leads": make_matter(p, title="数据平台升级", lead="data", cooperating=("company",)),
        "urban_leads": make_matter(p, title="数字城管对接", lead="urban", cooperating=("data",)),
        "police_leads": make_matter(p, title="雪亮工程", lead="police", cooperating=("district",)),
    }


def titles(user):
    return set(selectors.matters_for(user).values_list("title", flat=True))


def test_each_unit_sees_what_it_leads_and_cooperates_on(p, matters):
    assert titles(p["steward"]) == {"数据平台升级", "数字城管对接"}
    assert titles(p["enterprise"]) == {"数据平台升级"}  # its enterprise cooperates
    assert titles(p["district_staff"]) == {"雪亮工程"}
    assert titles(p["outsider"]) == set()
    for whole in (p["coordinator"], p["leader"], p["director"]):
        assert titles(whole) == {"数据平台升级", "数字城管对接", "雪亮工程"}


def test_the_mine_tabs(p, matters):
    lead = selectors.matter_list(user=p["steward"], filters=selectors.MatterFilters(tab="leading"))
    cooperate = selectors.matter_list(user=p["steward"], filters=selectors.MatterFilters(tab="cooperating"))
    assert [m.title for m in lead] == ["数据平台升级"]
    assert [m.title for m in cooperate] == ["数字城管对接"]


def test_the_whole_programme_filters_by_unit_signal_status_and_leader(p, matters):
    matters["police_leads"].responsible_leader = p["leader_seat"]
    matters["police_leads"].save()

    def listed(**kw):
        return {
            m.title for m in selectors.matter_list(user=p["leader"], filters=selectors.MatterFilters(**kw))
        }

    assert listed(unit=p["data"].pk) == {"数据平台升级", "数字城管对接"}
    assert listed(leader=p["leader_seat"].pk) == {"雪亮工程"}
    assert listed(signal="green") == {"数据平台升级", "数字城管对接", "雪亮工程"}
    assert listed(signal="red") == set()
    assert listed(status="completed") == set()


def test_pages_answer_404_outside_scope(p, matters, client):
    client.force_login(p["police_staff"])
    assert client.get(f"/matters/{matters['data_leads'].pk}/").status_code == 404
    assert client.get(f"/matters/{matters['police_leads'].pk}/").status_code == 200
    assert client.get(f"/matters/api/matters/{matters['data_leads'].pk}/").status_code == 404
    client.force_login(p["outsider"])
    assert client.get("/matters/").status_code == 404
    assert client.get(f"/matters/{matters['police_leads'].pk}/").status_code == 404
    client.force_login(p["enterprise"])
    page = client.get(f"/matters/{matters['data_leads'].pk}/")
    assert page.status_code == 200 and 'id="report-form"' in page.content.decode()


def test_the_api_lists_the_same_scope(p, matters, client):
    client.force_login(p["steward"])
    body = client.get("/matters/api/matters/").json()
    assert {r["title"] for r in body["results"]} == {"数据平台升级", "数字城管对接"}
    detail = client.get(f"/matters/api/matters/{matters['data_leads'].pk}/").json()
    assert detail["lead_unit"]["code"] == "t-data" and detail["signal"] == "green"
    schema = client.get("/api/schema/").content.decode()
    assert "/matters/api/matters/" in schema


def test_list_queries_do_not_grow_with_matters(p, matters, client):
    client.force_login(p["coordinator"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/matters/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(6):
        make_matter(p, title=f"事项{i}", lead="urban", cooperating=("data", "company", "district"))
    assert count() == few
    client.force_login(p["steward"])
    with CaptureQueriesContext(connection) as ctx:
        client.get("/matters/api/matters/")
    first = len(ctx.captured_queries)
    make_matter(p, title="再一项", lead="data", cooperating=("company", "urban"))
    with CaptureQueriesContext(connection) as ctx:
        client.get("/matters/api/matters/")
    assert len(ctx.captured_queries) == first


def test_the_office_creates_a_matter_with_clear_errors(p, client):
    client.force_login(p["steward"])
    assert client.get("/matters/new/").status_code == 403
    client.force_login(p["coordinator"])
    data = {
        "title": "一网通办事项梳理",
        "raised_by": p["office"].pk,
        "lead_unit": p["urban"].pk,
        "limit_days": "999",
        "weight": "1",
        "open_now": "on",
    }
    response = client.post("/matters/new/", data)
    assert response.status_code == 400
    assert "The time limit is between 1 and 250 working days." in response.content.decode()
    data["raised_by"] = p["data"].pk
    response = client.post("/matters/new/", data)
    assert response.status_code == 400  # not a leading group or office: not even a choice
    data.update(raised_by=p["office"].pk, limit_days="15")
    response = client.post("/matters/new/", data)
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert "一网通办事项梳理" in detail.content.decode()
