"""The access log is append-only and hash-chained: verify passes on an intact log and finds
edited, deleted and reordered rows; PostgreSQL's trigger refuses UPDATE and DELETE."""

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import InternalError

from sharing.exchange import chain
from sharing.exchange.models import AccessLog
from sharing.exchange.verify import verify_access_log

from .conftest import pull

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(client, resource, agreement, token):
    pull(client, resource.code, token)
    pull(client, resource.code, None)
    pull(client, resource.code, token, purpose=None)
    pull(client, resource.code, token)
    return list(AccessLog.objects.order_by("sequence"))


def test_rows_link_into_one_chain(calls):
    assert [r.sequence for r in calls] == [1, 2, 3, 4]
    assert calls[0].prev_hash == "0" * 64
    for prev, row in itertools.pairwise(calls):
        assert row.prev_hash == prev.hash
    report = verify_access_log()
    assert report.ok and report.checked == 4


def test_model_refuses_changes(calls):
    row = calls[0]
    row.records = 999
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()


def _tamper(sql, params):
    """Change rows behind the application's back (on PostgreSQL with the trigger disabled, as a
    tamperer owning the table could; deferred foreign-key checks must run before ALTER TABLE)."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE exchange_accesslog DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if postgres:
            cursor.execute("ALTER TABLE exchange_accesslog ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_edited_row_is_found(calls):
    _tamper("UPDATE exchange_accesslog SET records = 0, end_user = %s WHERE sequence = 1", ["李四"])
    report = verify_access_log()
    assert not report.ok
    assert report.sequences("edited") == [1]
    with pytest.raises(CommandError, match="TAMPERED"):
        call_command("accesslog_verify")


def test_deleted_row_is_found(calls):
    _tamper("DELETE FROM exchange_accesslog WHERE sequence = 2", [])
    report = verify_access_log()
    assert report.sequences("deleted") == [3]


def test_rewritten_hash_breaks_the_next_link(calls):
    row = calls[1]
    forged = {**{f: getattr(row, f) for f in chain.FIELDS}, "purpose": "伪造"}
    _tamper(
        "UPDATE exchange_accesslog SET purpose = %s, hash = %s WHERE sequence = 2",
        ["伪造", chain.compute_hash(forged)],
    )
    report = verify_access_log()
    assert not report.ok
    assert report.sequences("edited") == [2]


def test_anchor_detects_a_cut_tail(calls):
    head = f"{calls[-1].sequence}:{calls[-1].hash}"
    call_command("accesslog_verify", anchor=[head])
    _tamper("DELETE FROM exchange_accesslog WHERE sequence = 4", [])
    with pytest.raises(CommandError):
        call_command("accesslog_verify", anchor=[head])


@pytest.mark.postgres
def test_trigger_refuses_update_and_delete(calls):
    for sql in ("UPDATE exchange_accesslog SET records = 1", "DELETE FROM exchange_accesslog"):
        with (
            pytest.raises(InternalError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(sql)
    assert AccessLog.objects.count() == 4
