"""The issue's scenario end to end through services and the API: the city civil-affairs bureau
requests five items of provincial population data (conditional), the province approves three
within the limit, the city pulls them by API, files an objection, sees the record disputed, and
the province corrects it."""

import pytest
from django.contrib.contenttypes.models import ContentType

from portal.clocks.models import Clock
from sharing import services as sharing_services
from sharing.exchange import selectors, services
from sharing.exchange.models import AccessLog, DataRecord
from sharing.exchange.verify import verify_access_log
from sharing.models import DataRequest, RequestStatus
from tests.sharing.conftest import drafted, items_of, published

from .conftest import ROWS, UNTIL, D, pull

pytestmark = pytest.mark.django_db


def test_population_data_from_province_to_city(client, world):
    resource = published(world)
    services.records_load(actor=world.provider, resource=resource, rows=ROWS)
    request = drafted(world, resource)  # five items
    assert request.items.count() == 5
    sharing_services.request_submit(actor=world.consumer, request=request)
    sharing_services.request_authority_check(actor=world.authority, request=request, passed=True)
    request.refresh_from_db()
    assert (request.route, request.status) == ("conditional", RequestStatus.PROVIDER_REVIEW)
    sharing_services.request_provider_decide(
        actor=world.provider,
        request=request,
        decision="approve",
        items=items_of(resource, "id_number", "name", "address"),
        terms={"valid_from": D(2026, 1, 1), "valid_until": UNTIL, "retention_days": 90},
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    reply = Clock.objects.get(
        subject_type=ContentType.objects.get_for_model(DataRequest),
        subject_id=str(request.pk),
        purpose="provider",
    )
    assert (reply.limit_days, reply.finished_late) == (10, False)  # replied within the 10 working days
    agreement = request.agreements.get()
    assert agreement.direction == "down"

    _credential, token = services.credential_issue(
        actor=world.consumer, agreement=agreement, label="低保审核系统"
    )
    body = pull(client, resource.code, token, purpose="低保审核 MZ-2026-0042", end_user="民政局 王五").json()
    assert body["items"] == ["id_number", "name", "address"]
    assert len(body["results"]) == 7 and not any(r["disputed"] for r in body["results"])

    record = DataRecord.objects.get(key=ROWS[2]["id_number"])
    objection = services.objection_file(
        actor=world.consumer,
        agreement=agreement,
        record=record,
        item_code="address",
        description="户籍地址与申报不符",
    )
    for action in ("accept", "mark"):
        objection = services.objection_move(actor=world.provider, objection=objection, action=action)
    rows = {r["key"]: r for r in pull(client, resource.code, token).json()["results"]}
    assert rows[record.key]["disputed"] is True
    assert sum(r["disputed"] for r in rows.values()) == 1

    services.objection_move(actor=world.provider, objection=objection, action="verify")
    services.objection_move(
        actor=world.provider,
        objection=objection,
        action="correct",
        note="已核实",
        changes={"address": "云溪市更正后3号"},
    )
    services.objection_move(actor=world.provider, objection=objection, action="revoke_mark")
    rows = {r["key"]: r for r in pull(client, resource.code, token).json()["results"]}
    assert rows[record.key] == {**rows[record.key], "disputed": False, "version": 2}
    assert rows[record.key]["data"]["address"] == "云溪市更正后3号"

    assert AccessLog.objects.count() == 3
    provider_view = selectors.access_log_list(user=world.provider, side="provider")
    assert provider_view.count() == 3 and {e.purpose for e in provider_view} >= {"低保审核 MZ-2026-0042"}
    assert selectors.access_log_list(user=world.other).count() == 0
    assert verify_access_log().ok
