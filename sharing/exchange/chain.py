"""The access log's hash chain, built on the audit trail's primitives (portal.audit.chain).

Each row's hash is the SHA-256 of the canonical JSON (`chain.canonical_json`) of its fields,
`prev_hash` included; the first row links to `chain.GENESIS_HASH`. Appends are serialised by a
transaction-scoped PostgreSQL advisory lock of their own (the audit trail's lock is not taken, so
logging a call never waits for auditing writers); `sequence` and `prev_hash` are unique, so a fork
is refused even if the lock were bypassed.
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.utils import timezone

from portal.audit import chain

ACCESS_LOG_LOCK = 0x0A0D_17C4A2

FIELDS = (
    "sequence",
    "request_id",
    "method",
    "path",
    "credential_id",
    "agreement_id",
    "consumer_id",
    "provider_id",
    "resource_id",
    "resource_code",
    "purpose",
    "end_user",
    "client_ip",
    "time_in",
    "time_out",
    "status",
    "outcome",
    "records",
    "bytes",
    "prev_hash",
)


def payload(row: dict) -> dict:
    """The hashed fields of a row (a dict with at least FIELDS), times as UTC ISO 8601."""
    out = {name: row[name] for name in FIELDS}
    out["time_in"] = chain.format_time(row["time_in"])
    out["time_out"] = chain.format_time(row["time_out"])
    return out


def compute_hash(row: dict) -> str:
    return chain.compute_hash(payload(row))


def append(**fields):
    """Write one access-log row at the head of the chain, in a transaction of its own (or the caller's)."""
    from .models import AccessLog

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ACCESS_LOG_LOCK])
        last = AccessLog.objects.order_by("-sequence").values("sequence", "hash", "time_out").first()
        sequence = last["sequence"] + 1 if last else 1
        prev_hash = last["hash"] if last else chain.GENESIS_HASH
        now = timezone.now()
        time_in = fields.pop("time_in", None) or now
        time_out = max(now, last["time_out"]) if last else now  # never backwards along the chain
        row = {
            "sequence": sequence,
            "prev_hash": prev_hash,
            "time_in": _utc(time_in),
            "time_out": _utc(time_out),
            "request_id": "",
            "method": "GET",
            "path": "",
            "credential_id": None,
            "agreement_id": None,
            "consumer_id": None,
            "provider_id": None,
            "resource_id": None,
            "resource_code": "",
            "purpose": "",
            "end_user": "",
            "client_ip": None,
            "status": 200,
            "outcome": "ok",
            "records": 0,
            "bytes": 0,
        }
        row.update(fields)
        row["purpose"] = row["purpose"][:200]
        row["end_user"] = row["end_user"][:200]
        row["path"] = row["path"][:300]
        row["resource_code"] = row["resource_code"][:32]
        row["hash"] = compute_hash(row)
        return AccessLog.objects.create(**row)


def _utc(value: datetime.datetime) -> datetime.datetime:
    # Microsecond precision survives every database; keep the value hashed equal to the value stored.
    return value.astimezone(datetime.UTC)
