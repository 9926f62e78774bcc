"""audit_batch: the events of one transaction after the first append without re-taking the chain
lock, and a savepoint rolled back between them never leaves a link to a row that is gone."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from portal.audit.models import AuditEvent
from portal.audit.services import audit_batch, audit_record
from portal.audit.verify import verify_chain
from tests.threads import run_together

pytestmark = pytest.mark.postgres


def _event(n):
    return audit_record(actor=None, action="test.batch", after={"n": n})


def _chain_verifies() -> bool:
    """What `manage.py audit_verify` says (it exits non-zero on any finding)."""
    call_command("audit_verify", stdout=io.StringIO())
    return verify_chain().ok


def _queries(fn) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
def test_the_events_after_the_first_neither_lock_nor_read_the_chain():
    with transaction.atomic(), audit_batch():
        first = _queries(lambda: _event(1))
        second = _queries(lambda: _event(2))
        third = _queries(lambda: _event(3))
    assert len(first) == 3 and "pg_advisory_xact_lock" in first[0]  # lock, last event, insert
    assert len(second) == len(third) == 1 and second[0].startswith("INSERT")
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert events[0].created_at <= events[1].created_at <= events[2].created_at
    assert _chain_verifies()


@pytest.mark.django_db
def test_an_event_rolled_back_with_its_savepoint_is_not_linked_to():
    with transaction.atomic(), audit_batch():
        kept = _event(1)
        with pytest.raises(RuntimeError), transaction.atomic():
            _event(2)
            raise RuntimeError("the savepoint rolls back")
        after = _queries(lambda: _event(3))
    # The event written in the savepoint is gone: the next one takes the lock and reads again.
    assert len(after) == 3
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.sequence for e in events] == [1, 2]
    assert events[1].prev_hash == kept.hash and events[1].after == {"n": 3}
    assert _chain_verifies()


@pytest.mark.django_db
def test_a_manual_savepoint_rollback_is_seen_too():
    with transaction.atomic(), audit_batch():
        _event(1)
        sid = transaction.savepoint()
        _event(2)
        transaction.savepoint_rollback(sid)
        _event(3)
    assert list(AuditEvent.objects.order_by("sequence").values_list("after", flat=True)) == [
        {"n": 1},
        {"n": 3},
    ]
    assert _chain_verifies()


@pytest.mark.django_db
def test_a_released_savepoint_keeps_the_event_and_the_fast_path():
    with transaction.atomic(), audit_batch():
        _event(1)
        with transaction.atomic():
            inner = _event(2)
        after = _queries(lambda: _event(3))
    assert len(after) == 1
    assert AuditEvent.objects.get(sequence=3).prev_hash == inner.hash
    assert _chain_verifies()


@pytest.mark.django_db
def test_nested_batches_share_the_outer_one():
    with transaction.atomic(), audit_batch():
        _event(1)
        with audit_batch():
            assert len(_queries(lambda: _event(2))) == 1
        assert len(_queries(lambda: _event(3))) == 1
    assert _chain_verifies()


@pytest.mark.django_db(transaction=True)
def test_a_batch_needs_a_transaction():
    with pytest.raises(TransactionManagementError), audit_batch():
        pass


@pytest.mark.django_db(transaction=True)
def test_another_transaction_appending_after_a_rolled_back_savepoint_is_linked_to():
    """The chain lock taken inside a rolled-back savepoint is released with it (PostgreSQL), so
    another transaction may append meanwhile: the next event of the batch must link to that one."""
    rolled_back, appended = threading.Event(), threading.Event()
    errors = []

    def other():
        try:
            assert rolled_back.wait(timeout=10)
            with transaction.atomic():
                _event("other")
            appended.set()
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    try:
        with transaction.atomic(), audit_batch():
            with pytest.raises(RuntimeError), transaction.atomic():
                _event("rolled back")  # takes the chain lock inside the savepoint
                raise RuntimeError
            rolled_back.set()
            assert appended.wait(timeout=10), "the chain lock was still held"
            _event("after")
    finally:
        rolled_back.set()
        thread.join(timeout=30)
    assert not errors, errors
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.after["n"] for e in events] == ["other", "after"]
    assert events[1].prev_hash == events[0].hash
    assert _chain_verifies()


@pytest.mark.django_db(transaction=True)
def test_batches_in_concurrent_transactions_keep_one_straight_chain():
    threads_n = 6

    def work(n):
        with transaction.atomic(), audit_batch():
            for step in range(3):
                audit_record(actor=None, action="test.batch", after={"thread": n, "step": step})

    errors = run_together(work, threads_n)
    assert not errors, errors
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.sequence for e in events] == list(range(1, 3 * threads_n + 1))
    for i in range(0, len(events), 3):  # each transaction's events are neighbours, in order
        assert {e.after["thread"] for e in events[i : i + 3]} == {events[i].after["thread"]}
        assert [e.after["step"] for e in events[i : i + 3]] == [0, 1, 2]
    assert _chain_verifies()
