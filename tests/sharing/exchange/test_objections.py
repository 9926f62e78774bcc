"""Quality objections: every transition, illegal transitions, who may fire them, a clock per step,
notifications, and the record flagged `disputed` from MARKED until the mark is revoked."""

import pytest
from django.core.exceptions import PermissionDenied

from portal.audit.models import AuditEvent
from portal.clocks.models import ClockState
from portal.errors import DomainError, TransitionNotAllowed
from portal.notifications.models import Notification
from sharing.exchange import selectors, services, workflow
from sharing.exchange.models import DataRecord, ObjectionState

from .conftest import ROWS, pull

pytestmark = pytest.mark.django_db
S = ObjectionState


@pytest.fixture
def record(agreement):
    return DataRecord.objects.get(key=ROWS[0]["id_number"])


@pytest.fixture
def objection(world, agreement, record):
    return services.objection_file(
        actor=world.consumer,
        agreement=agreement,
        record=record,
        item_code="address",
        description="地址已变更",
        proposed_value="云溪市新区1号",
    )


def disputed(client, resource, token, key):
    rows = pull(client, resource.code, token).json()["results"]
    return next(r["disputed"] for r in rows if r["key"] == key)


def test_full_path_to_correction(client, world, resource, agreement, token, record, objection):
    assert objection.state == S.SUBMITTED
    assert Notification.objects.filter(
        recipient=world.provider, key__startswith="exchange-objection"
    ).exists()
    clocks = selectors.objection_clocks(objection)
    assert [(c.purpose, c.limit_days, c.state) for c in clocks] == [("submitted", 2, ClockState.RUNNING)]

    for action, state, flagged in [
        ("accept", S.ACCEPTED, False),
        ("mark", S.MARKED, True),
        ("verify", S.VERIFIED, True),
    ]:
        objection = services.objection_move(actor=world.provider, objection=objection, action=action)
        assert objection.state == state
        assert disputed(client, resource, token, record.key) is flagged

    objection = services.objection_move(
        actor=world.provider,
        objection=objection,
        action="correct",
        note="核实后更正",
        changes={"address": "云溪市新区1号"},
    )
    record.refresh_from_db()
    assert (objection.state, record.version, record.data["address"]) == (S.CORRECTED, 2, "云溪市新区1号")
    assert record.versions.get(version=2).source == "correction"
    assert disputed(client, resource, token, record.key) is True
    objection = services.objection_move(actor=world.provider, objection=objection, action="revoke_mark")
    assert objection.state == S.MARK_REVOKED
    assert disputed(client, resource, token, record.key) is False

    clocks = list(selectors.objection_clocks(objection))
    assert [c.purpose for c in clocks] == ["submitted", "accepted", "marked", "verified", "corrected"]
    assert all(c.state == ClockState.STOPPED for c in clocks)
    assert list(objection.events.values_list("to_state", flat=True)) == [
        "submitted",
        "accepted",
        "marked",
        "verified",
        "corrected",
        "mark_revoked",
    ]
    actions = set(AuditEvent.objects.filter(action__startswith="objection.").values_list("action", flat=True))
    assert actions == {
        f"objection.{a}" for a in ("file", "accept", "mark", "verify", "correct", "revoke_mark")
    }
    assert (
        Notification.objects.filter(recipient=world.consumer, key__startswith="exchange-objection").count()
        == 5
    )


def test_rejection_path(world, objection):
    for action in ("accept", "mark", "verify"):
        objection = services.objection_move(actor=world.provider, objection=objection, action=action)
    with pytest.raises(DomainError):
        services.objection_move(actor=world.provider, objection=objection, action="reject", note="")
    objection = services.objection_move(
        actor=world.provider, objection=objection, action="reject", note="数据无误"
    )
    assert objection.state == S.REJECTED and objection.resolution == "数据无误"
    objection = services.objection_move(actor=world.provider, objection=objection, action="revoke_mark")
    assert objection.state == S.MARK_REVOKED


ALL_ACTIONS = list(workflow.TRANSITIONS)
PATH = {
    S.SUBMITTED: [],
    S.ACCEPTED: ["accept"],
    S.MARKED: ["accept", "mark"],
    S.VERIFIED: ["accept", "mark", "verify"],
    S.CORRECTED: ["accept", "mark", "verify", "correct"],
    S.REJECTED: ["accept", "mark", "verify", "reject"],
    S.MARK_REVOKED: ["accept", "mark", "verify", "reject", "revoke_mark"],
}


@pytest.mark.parametrize("state", list(PATH))
def test_illegal_transitions_are_refused(world, objection, state):
    for action in PATH[state]:
        objection = services.objection_move(
            actor=world.provider, objection=objection, action=action, note="理由", changes={"address": "新"}
        )
    assert objection.state == state
    for action in ALL_ACTIONS:
        if action in workflow.actions_from(state):
            continue
        with pytest.raises(TransitionNotAllowed):
            services.objection_move(actor=world.provider, objection=objection, action=action, note="理由")
    objection.refresh_from_db()
    assert objection.state == state


def test_who_may_act(world, agreement, record, objection):
    with pytest.raises(PermissionDenied):
        services.objection_move(actor=world.consumer, objection=objection, action="accept")
    with pytest.raises(PermissionDenied):
        services.objection_file(actor=world.provider, agreement=agreement, record=record, description="x")
    with pytest.raises(DomainError):
        services.objection_file(
            actor=world.consumer,
            agreement=agreement,
            record=record,
            item_code="marital",
            description="未获批的项",
        )


def test_objection_pages(client, world, objection):
    client.force_login(world.provider)
    url = objection.get_absolute_url()
    page = client.get(url)
    assert page.status_code == 200 and "Accept" in page.content.decode()
    assert client.post(url, {"action": "accept"}).status_code == 302
    objection.refresh_from_db()
    assert objection.state == S.ACCEPTED
    client.force_login(world.other)
    assert client.get(url).status_code == 404
    client.force_login(world.consumer)
    assert client.get("/data/exchange/objections/").status_code == 200


def test_consumer_files_on_the_page_by_record_key(client, world, agreement, record):
    client.force_login(world.consumer)
    response = client.post(
        "/data/exchange/objections/",
        {"agreement": agreement.uuid, "record": record.key, "item_code": "name", "description": "姓名有误"},
    )
    objection = record.objections.get()
    assert response.status_code == 302 and response["Location"] == objection.get_absolute_url()
    assert (objection.item_code, objection.state, objection.filed_by) == ("name", S.SUBMITTED, world.consumer)
    response = client.post(
        "/data/exchange/objections/", {"agreement": agreement.uuid, "record": "nope", "description": "x"}
    )
    assert response.status_code == 404
    assert client.post("/data/exchange/objections/", {"agreement": "x", "record": "1"}).status_code == 404
    assert client.get("/data/exchange/return-flow/?agreement=x").status_code == 404
