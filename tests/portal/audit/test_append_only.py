"""PostgreSQL refuses UPDATE and DELETE on the audit table, whoever sends them."""

import pytest
from django.db import DatabaseError, connection, transaction

from portal.audit.models import AuditEvent
from tests.portal.audit.helpers import TABLE, record

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _row(pk):
    return AuditEvent.objects.filter(pk=pk).values("action", "reason", "hash", "sequence").get()


@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {TABLE} SET reason = 'rewritten' WHERE id = %s",
        f"UPDATE {TABLE} SET sequence = sequence + 100 WHERE id = %s",
        f"DELETE FROM {TABLE} WHERE id = %s",
    ],
    ids=["update-reason", "update-sequence", "delete"],
)
def test_raw_sql_update_and_delete_are_refused_and_change_nothing(sql):
    events = record(3)
    middle = events[1]
    before = _row(middle.pk)
    with (
        pytest.raises(DatabaseError, match="append-only") as info,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [middle.pk])
    assert "DELETE" in str(info.value) or "UPDATE" in str(info.value)
    assert _row(middle.pk) == before
    assert AuditEvent.objects.count() == 3


def test_orm_bulk_update_and_delete_are_refused_too():
    events = record(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=events[0].pk).update(reason="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 2
    assert AuditEvent.objects.get(pk=events[0].pk).reason == ""


def test_inserting_still_works_after_a_refused_change():
    record(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
    assert [e.sequence for e in record(1)] == [2]
