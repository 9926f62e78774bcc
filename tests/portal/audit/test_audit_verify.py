"""manage.py audit_verify finds edited, deleted and reordered events and exits non-zero.

The tampering goes through raw SQL. On PostgreSQL the helpers switch the append-only trigger off
first (as a tamperer owning the table could); the SQLite demo has no trigger.
"""

import math

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from portal.audit import verify
from portal.audit.services import audit_record
from portal.audit.verify import DELETED, EDITED, REORDERED, verify_chain
from tests.factories import OfficialFactory
from tests.portal.audit.helpers import TABLE, record, swap_sequences, tamper, trigger_disabled

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    return record(6, actor=OfficialFactory())


def run_command(*args):
    """(exit status, stdout, stderr) as `manage.py audit_verify` would give them."""
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def test_an_empty_trail_is_clean():
    assert verify_chain().ok
    status, out, _err = run_command()
    assert status == 0 and "empty" in out


def test_a_clean_chain_exits_zero_and_prints_the_head(events):
    report = verify_chain()
    assert report.ok and report.checked == 6 and report.findings == []
    status, out, err = run_command()
    assert status == 0, err
    assert "intact" in out
    assert f"Head: 6:{events[-1].hash}" in out


def test_an_edited_field_is_reported_as_edited(events):
    tamper("UPDATE {table} SET reason = %s WHERE sequence = 3", ["nothing happened"])
    report = verify_chain()
    assert not report.ok
    assert report.sequences(EDITED) == [3]
    assert report.sequences(DELETED) == [] and report.sequences(REORDERED) == []
    status, _out, err = run_command()
    assert status == 1
    assert "EDITED" in err and "#3" in err and "TAMPERED" in err


def test_edited_json_is_reported(events):
    tamper("UPDATE {table} SET after = %s WHERE sequence = 2", ['{"i": 42}'])
    assert verify_chain().sequences(EDITED) == [2]


def test_an_edit_with_a_recomputed_hash_breaks_the_link_to_the_next_event(events):
    tamper("UPDATE {table} SET reason = 'x', hash = %s WHERE sequence = 4", ["f" * 64])
    # The forger recomputes the hash properly: the event alone looks right ...
    from portal.audit.models import AuditEvent

    forged = AuditEvent.objects.get(sequence=4)
    tamper("UPDATE {table} SET hash = %s WHERE sequence = 4", [forged.compute_hash()])
    report = verify_chain()
    # ... but event 5 was chained to the original.
    assert report.sequences(EDITED) == [4]
    assert run_command()[0] == 1


def test_a_deleted_middle_event_is_reported_as_deleted(events):
    tamper("DELETE FROM {table} WHERE sequence = 3")
    report = verify_chain()
    assert report.sequences(DELETED) == [4]
    assert "event 3 is missing" in report.of(DELETED)[0].message
    assert report.sequences(EDITED) == [] and report.sequences(REORDERED) == []
    status, _out, err = run_command()
    assert status == 1 and "DELETED" in err


def test_deleted_events_at_the_start_are_reported(events):
    tamper("DELETE FROM {table} WHERE sequence IN (1, 2)")
    report = verify_chain()
    assert [f.kind for f in report.findings] == [DELETED]
    assert "events 1-2 are missing" in report.findings[0].message


def test_deleted_and_renumbered_events_are_reported(events):
    tamper("DELETE FROM {table} WHERE sequence = 3")
    for seq in (4, 5, 6):
        tamper("UPDATE {table} SET sequence = %s WHERE sequence = %s", [seq - 1, seq])
    report = verify_chain()
    assert not report.ok
    assert 3 in report.sequences(EDITED) + report.sequences(REORDERED) + report.sequences(DELETED)


@pytest.mark.parametrize(("a", "b"), [(3, 4), (2, 5)], ids=["adjacent", "apart"])
def test_swapped_sequence_numbers_are_reported_as_reordered(events, a, b):
    swap_sequences(a, b)
    report = verify_chain()
    assert report.sequences(REORDERED) == [a, b]
    assert report.sequences(EDITED) == [] and report.sequences(DELETED) == []
    assert f"was written as event {b}" in report.of(REORDERED)[0].message
    status, _out, err = run_command()
    assert status == 1 and "REORDERED" in err


def test_events_moved_with_recomputed_hashes_are_caught_by_the_order_of_rows(events):
    """A forger who swaps two events and rewrites their hashes and links so the chain adds up
    still cannot change the order the rows were inserted in."""
    from portal.audit.models import AuditEvent

    swap_sequences(3, 4)
    with transaction.atomic(), trigger_disabled() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET prev_hash = CAST(sequence AS VARCHAR(64)) WHERE sequence >= 3")
        prev_hash = AuditEvent.objects.get(sequence=2).hash
        for seq in range(3, 7):
            event = AuditEvent.objects.get(sequence=seq)
            event.prev_hash = prev_hash
            event.hash = event.compute_hash()
            cursor.execute(
                f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE sequence = %s",
                [prev_hash, event.hash, seq],
            )
            prev_hash = event.hash
    report = verify_chain()
    assert report.sequences(REORDERED) == [4]
    assert report.sequences(EDITED) == []


def test_an_anchor_proves_nothing_was_cut_off_the_end(events):
    head = f"6:{events[-1].hash}"
    assert run_command("--anchor", head)[0] == 0
    tamper("DELETE FROM {table} WHERE sequence >= 5")
    assert verify_chain().ok  # without the anchor a shorter chain looks fine
    status, _out, err = run_command("--anchor", head)
    assert status == 1 and "anchored event 6 is missing" in err
    status, _out, err = run_command("--anchor", "4:" + "0" * 64)
    assert status == 1 and "no longer has the anchored hash" in err


def test_a_malformed_anchor_is_an_error(events):
    with pytest.raises(CommandError, match="SEQUENCE:SHA256"):
        call_command("audit_verify", "--anchor", "six")


def test_the_walk_reads_in_batches_of_bounded_size():
    record(10)
    with CaptureQueriesContext(connection) as ctx:
        report = verify_chain(batch_size=3)
    assert report.ok and report.checked == 10
    # content types + ceil(10 / 3) pages + the empty page that ends the walk
    assert len(ctx.captured_queries) == 1 + math.ceil(10 / 3) + 1


def test_findings_beyond_the_limit_are_counted_not_listed(events, monkeypatch):
    monkeypatch.setattr(verify, "MAX_FINDINGS", 2)
    tamper("UPDATE {table} SET reason = 'x' WHERE sequence IN (2, 3, 4, 5)")
    report = verify_chain()
    assert report.counts[EDITED] == 4 and len(report.findings) == 2 and report.truncated
    status, _out, err = run_command()
    assert status == 1 and "2 more" in err


def test_events_with_objects_ips_and_actors_verify(events):
    with transaction.atomic():
        user = OfficialFactory()
        from portal.audit.context import audit_context

        with audit_context(request_id="abc", ip="2001:DB8::1"):
            audit_record(actor=user, action="user.touch", obj=user, before={"a": 1.5}, after={"a": 1e20})
    assert verify_chain().ok


@pytest.mark.postgres
def test_on_postgresql_tampering_needs_the_trigger_disabled_and_is_then_caught(events):
    """Each tamper statement is refused while the trigger is on; with it off (as only the table
    owner can do) it goes through, and audit_verify reports it."""
    from django.db import DatabaseError

    statements = [
        ("UPDATE {table} SET reason = 'x' WHERE sequence = 2", EDITED, [2]),
        ("DELETE FROM {table} WHERE sequence = 4", DELETED, [5]),
    ]
    for sql, kind, where in statements:
        found_before = verify_chain().findings
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql.format(table=TABLE))
        assert verify_chain().findings == found_before
        tamper(sql)
        assert verify_chain().sequences(kind) == where
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"UPDATE {TABLE} SET sequence = 100 WHERE sequence = 6")
    swap_sequences(5, 6)
    report = verify_chain()
    assert report.sequences(REORDERED) == [5, 6]
    assert run_command()[0] == 1
