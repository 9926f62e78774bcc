"""audit_record appends events linked by a SHA-256 hash chain, inside the caller's transaction."""

import datetime
import hashlib
import itertools
import json
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from portal.audit import chain
from portal.audit.context import audit_context
from portal.audit.models import AuditEvent
from portal.audit.services import audit_record, snapshot
from tests.factories import AdminFactory, FunctionalLineFactory, OfficialFactory
from tests.portal.audit.helpers import record, tamper

pytestmark = pytest.mark.django_db


def test_events_are_numbered_and_each_links_to_the_hash_of_the_one_before():
    events = record(4)
    stored = list(AuditEvent.objects.order_by("sequence"))
    assert [e.sequence for e in stored] == [1, 2, 3, 4]
    assert stored[0].prev_hash == chain.GENESIS_HASH
    for earlier, later in itertools.pairwise(stored):
        assert later.prev_hash == earlier.hash
    assert [e.hash for e in stored] == [e.hash for e in events]
    assert len({e.hash for e in stored}) == 4


def test_the_hash_is_sha256_of_the_canonical_json_of_every_field():
    user = OfficialFactory()
    line = FunctionalLineFactory()
    with transaction.atomic(), audit_context(request_id="req-1", ip="10.0.0.7"):
        event = audit_record(
            actor=user,
            action="line.rename",
            obj=line,
            before={"name": "旧", "n": 1},
            after={"name": "新", "n": 2},
            reason="typo",
        )
    stored = AuditEvent.objects.get(pk=event.pk)
    payload = {
        "sequence": 1,
        "created_at": stored.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor": user.pk,
        "on_behalf_of": None,
        "action": "line.rename",
        "object_type": "coordination.functionalline",
        "object_id": str(line.pk),
        "object_repr": str(line),
        "before": {"n": 1, "name": "旧"},
        "after": {"n": 2, "name": "新"},
        "reason": "typo",
        "request_id": "req-1",
        "ip": "10.0.0.7",
        "prev_hash": chain.GENESIS_HASH,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert stored.hash == hashlib.sha256(text.encode()).hexdigest()
    assert stored.compute_hash() == stored.hash


@pytest.mark.parametrize(
    ("field", "value"),
    [("action", "other"), ("reason", "x"), ("after", {"i": 99}), ("object_repr", "y"), ("actor_id", None)],
)
def test_changing_any_field_changes_the_hash(field, value):
    (event,) = record(1, actor=OfficialFactory())
    setattr(event, field, value)
    assert event.compute_hash() != event.hash


def test_the_hash_does_not_depend_on_key_order_or_on_how_json_reads_back():
    a = chain.canonical_json({"b": 1, "a": [1.0, 2.5, {"y": None, "x": True}]})
    b = chain.canonical_json({"a": [1, 2.5, {"x": True, "y": None}], "b": 1.0})
    assert a == b == b'{"a":[1,2.5,{"x":true,"y":null}],"b":1}'


def test_dates_decimals_and_uuids_are_stored_as_strings_and_hash_the_same_after_reading_back():
    key = uuid.UUID("12345678-1234-5678-1234-567812345678")
    when = datetime.datetime(2026, 3, 1, 8, 30, tzinfo=datetime.UTC)
    with transaction.atomic():
        event = audit_record(
            actor=None,
            action="test.types",
            after={"due": datetime.date(2026, 3, 2), "amount": Decimal("12.30"), "key": key, "at": when},
        )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.after == {
        "due": "2026-03-02",
        "amount": "12.30",
        "key": str(key),
        "at": "2026-03-01T08:30:00Z",
    }
    assert stored.compute_hash() == stored.hash == event.hash


def test_created_at_is_set_in_python_and_never_goes_backwards():
    first, second = record(2)
    assert first.created_at <= second.created_at <= timezone.now()
    # An event whose predecessor carries a later time (another server's clock ran ahead) gets
    # that time, not an earlier one.
    later = timezone.now() + datetime.timedelta(minutes=5)
    tamper("UPDATE {table} SET created_at = %s WHERE id = %s", [later, second.pk])
    (third,) = record(1)
    assert third.created_at == later


def test_anonymous_or_missing_actor_is_the_system():
    with transaction.atomic():
        a = audit_record(actor=None, action="test.system")
        b = audit_record(actor=AnonymousUser(), action="test.system")
    assert a.actor_id is None and b.actor_id is None


def test_object_and_on_behalf_of_are_recorded():
    agent, citizen, line = OfficialFactory(), OfficialFactory(), FunctionalLineFactory(name="交通运输")
    with transaction.atomic():
        event = audit_record(actor=agent, on_behalf_of=citizen, action="test.agent", obj=line)
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor == agent and event.on_behalf_of == citizen
    assert event.content_type == ContentType.objects.get_for_model(line)
    assert event.object_id == str(line.pk) and event.object_repr == "交通运输"


def test_unsaved_objects_and_bad_action_codes_are_refused():
    line = FunctionalLineFactory.build()
    with transaction.atomic():
        with pytest.raises(ValueError, match="saved object"):
            audit_record(actor=None, action="x.y", obj=line)
        with pytest.raises(ValueError, match="action"):
            audit_record(actor=None, action="")
        with pytest.raises(ValueError, match="action"):
            audit_record(actor=None, action="x" * 65)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_is_refused():
    with pytest.raises(TransactionManagementError, match="inside the transaction"):
        audit_record(actor=None, action="test.autocommit")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_event_rolls_back_with_the_change_it_records():
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        audit_record(actor=None, action="test.rolled_back")
        raise Boom
    assert not AuditEvent.objects.exists()
    (event,) = record(1)
    assert event.sequence == 1  # no gap left by the rolled-back event


def test_events_cannot_be_changed_or_deleted_through_the_model():
    (event,) = record(1)
    event.reason = "changed"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_snapshot_reads_fields_foreign_keys_and_many_to_many():
    admin = AdminFactory(
        full_name="管理员", date_joined=datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC)
    )
    line = FunctionalLineFactory()
    data = snapshot(admin, ["username", "full_name", "is_staff", "date_joined", "groups", "pk"])
    assert data == {
        "username": admin.username,
        "full_name": "管理员",
        "is_staff": True,
        "date_joined": "2026-01-02T03:04:00Z",
        "groups": [],
        "pk": admin.pk,
    }
    assert snapshot(line, ["code", "sort_order"]) == {"code": line.code, "sort_order": 0}
    with pytest.raises(ValueError, match="reverse relation"):
        snapshot(line, ["units"])
