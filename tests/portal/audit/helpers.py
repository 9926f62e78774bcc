"""Helpers for the audit trail tests: record events, and tamper with the table through raw SQL."""

from contextlib import contextmanager

from django.db import connection, transaction

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record

TABLE = AuditEvent._meta.db_table


def record(n: int, *, actor=None, obj=None, action="test.event") -> list[AuditEvent]:
    events = []
    with transaction.atomic():
        for i in range(n):
            events.append(audit_record(actor=actor, action=action, obj=obj, after={"i": i}))
    return events


@contextmanager
def trigger_disabled():
    """PostgreSQL: switch the append-only trigger off for the block (a tamperer who owns the
    table can). Other databases have no trigger."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            # The test's own transaction still has deferred foreign-key checks queued from the
            # inserts; PostgreSQL alters a table only once they have run.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        try:
            yield cursor
        finally:
            if postgres:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def tamper(sql: str, params=()) -> None:
    """Run one statement against the audit table with the trigger disabled."""
    with transaction.atomic(), trigger_disabled() as cursor:
        cursor.execute(sql.format(table=TABLE), params)


def swap_sequences(a: int, b: int) -> None:
    """Give the events at sequences a and b each other's sequence number."""
    with transaction.atomic(), trigger_disabled() as cursor:
        parked = 10**12
        cursor.execute(f"UPDATE {TABLE} SET sequence = %s WHERE sequence = %s", [parked, a])
        cursor.execute(f"UPDATE {TABLE} SET sequence = %s WHERE sequence = %s", [a, b])
        cursor.execute(f"UPDATE {TABLE} SET sequence = %s WHERE sequence = %s", [b, parked])
