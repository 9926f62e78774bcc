"""Exchange pages: scoped by who asks (providers see who used their data, consumers their calls,
the data authority everything); the statistics page carries its chart data."""

import json

import pytest

from sharing.exchange import selectors, services
from sharing.exchange.models import DataRecord
from tests.factories import AdminFactory

from .conftest import ROWS, pull

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(client, resource, agreement, token):
    pull(client, resource.code, token)
    pull(client, resource.code, token, end_user=None)
    return 2


def test_usage_page_by_side(client, world, calls):
    client.force_login(world.provider)
    page = client.get("/data/exchange/usage/?side=provider")
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == 2
    assert "低保审核 2026-001" in page.content.decode()
    assert len(client.get("/data/exchange/usage/?side=consumer").context["page"].object_list) == 0
    client.force_login(world.consumer)
    assert len(client.get("/data/exchange/usage/?side=consumer").context["page"].object_list) == 2
    client.force_login(world.other)
    assert len(client.get("/data/exchange/usage/").context["page"].object_list) == 0
    client.force_login(world.authority)
    assert len(client.get("/data/exchange/usage/").context["page"].object_list) == 2
    client.force_login(world.official)
    assert client.get("/data/exchange/usage/").status_code == 403


def test_usage_page_queries_do_not_grow(client, world, resource, token, calls, django_assert_max_num_queries):
    client.force_login(world.authority)
    with django_assert_max_num_queries(20):
        client.get("/data/exchange/usage/")
    for _ in range(5):
        pull(client, resource.code, token)
    with django_assert_max_num_queries(20):
        assert len(client.get("/data/exchange/usage/").context["page"].object_list) == 7


def test_stats_for_authority_and_steward(client, world, agreement, calls):
    record = DataRecord.objects.get(key=ROWS[0]["id_number"])
    services.objection_file(actor=world.consumer, agreement=agreement, record=record, description="有误")
    services.return_flow_sync(agreement_id=agreement.pk)
    client.force_login(world.authority)
    page = client.get("/data/exchange/stats/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="exchange-stats"' in html and "vendor/echarts/echarts.min.js" in html
    data = page.context["data"]
    assert data["units_connected"] == 2 and data["open_objections"] == 1
    assert sum(data["calls"]) == 2 and sum(data["refused"]) == 1 and sum(data["records"]) == 7
    assert sum(data["return_flow"]) == 7
    assert data["matrix"] == [{"provider__name": "江岭省公安厅", "consumer__name": "云溪市民政局", "n": 1}]
    assert data["replies"] >= 1 and data["on_time_rate"] == 100.0
    assert selectors.dashboard(user=world.other)["units_connected"] == 0
    assert selectors.dashboard(user=world.other)["calls"] == [0] * 30


def test_index_and_records_pages(client, world, resource, agreement):
    client.force_login(world.provider)
    assert resource.code in client.get("/data/exchange/").content.decode()
    assert (
        ROWS[0]["id_number"]
        in client.get(f"/data/exchange/resources/{resource.code}/records/").content.decode()
    )
    client.force_login(world.consumer)
    index = client.get("/data/exchange/").content.decode()
    assert agreement.number in index
    assert client.get(f"/data/exchange/resources/{resource.code}/records/").status_code == 404
    assert client.get(f"/data/exchange/resources/{resource.code}/upload/").status_code == 404


def test_json_script_is_valid(client, world, calls):
    client.force_login(world.authority)
    html = client.get("/data/exchange/stats/").content.decode()
    start = html.index('id="exchange-stats"')
    blob = html[html.index(">", start) + 1 : html.index("</script>", start)]
    assert json.loads(blob)["units_connected"] == 2


def test_admin_shows_the_exchange_read_only(client, world, agreement, calls):
    client.force_login(AdminFactory())
    for path in ("accesslog", "apicredential", "datarecord", "objection", "returnflowrun"):
        assert client.get(f"/admin/exchange/{path}/").status_code == 200
    credential = agreement.credentials.get()
    page = client.get(f"/admin/exchange/apicredential/{credential.pk}/change/")
    assert page.status_code == 200 and credential.secret_hash not in page.content.decode()
    assert client.get("/admin/exchange/accesslog/add/").status_code == 403
