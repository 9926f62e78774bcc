"""Database helpers shared by the apps."""

from django.db import connection


def advisory_xact_lock(key: int) -> None:
    """Serialise a kind of write until the current transaction ends.

    PostgreSQL: a transaction-scoped advisory lock on `key`. SQLite allows one writer at a time,
    so there is nothing to do there.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("advisory_xact_lock() must run inside a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
