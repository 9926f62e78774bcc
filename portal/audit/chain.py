"""The hash chain: canonical JSON of an event and its SHA-256.

Both the writer (services.audit_record) and the checker (verify.verify_chain) build the hashed
payload with `event_payload`, so what is hashed when an event is written is exactly what is
recomputed when it is checked.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import uuid
from decimal import Decimal

from django.core.files.base import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.functional import Promise

# prev_hash of the first event in the chain.
GENESIS_HASH = "0" * 64

# An arbitrary constant naming the PostgreSQL advisory lock that serialises appends to the chain.
AUDIT_CHAIN_LOCK = 0x0A0D_17C4A1


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder (dates, times, decimals, UUIDs, lazy strings) plus model instances (their
    primary key), files (their name) and sets (sorted)."""

    def default(self, o):
        if isinstance(o, models.Model):
            return o.pk
        if isinstance(o, File):
            return o.name or None
        if isinstance(o, set | frozenset):
            return sorted(o, key=str)
        if isinstance(o, Promise):
            return str(o)
        return super().default(o)


def to_json_value(value):
    """`value` as plain JSON data (dict, list, str, int, float, bool, None), the way it will read
    back from a JSON column. Dates become ISO 8601 strings and decimals strings, as
    DjangoJSONEncoder writes them."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=_Encoder, ensure_ascii=False, allow_nan=False))


_PLAIN = frozenset({str, int, bool, type(None)})


def _canonical(value):
    """JSON data in the one form that hashes the same however the database stored it.

    PostgreSQL's jsonb keeps numbers as `numeric`, so a float like 1e20 reads back as an integer;
    integral floats are therefore hashed as integers.
    """
    kind = type(value)
    if kind in _PLAIN:  # most leaves: returned at once (audit_verify hashes millions of them)
        return value
    if kind is dict:
        return {
            (k if type(k) is str else str(k)): (v if type(v) in _PLAIN else _canonical(v))
            for k, v in value.items()
        }
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("audit data cannot hold NaN or infinity")
        return int(value) if value.is_integer() else value
    if isinstance(value, Decimal | uuid.UUID | datetime.date | datetime.time):
        return to_json_value(value)
    return value


def canonical_json(value) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the bytes that are hashed."""
    return json.dumps(
        _canonical(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def format_time(value: datetime.datetime) -> str:
    """An aware datetime in UTC with microseconds: the form hashed for `created_at`."""
    if value.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def event_payload(
    *,
    sequence: int,
    created_at: datetime.datetime,
    actor_id,
    on_behalf_of_id,
    action: str,
    object_type: str | None,
    object_id: str,
    object_repr: str,
    before,
    after,
    reason: str,
    request_id: str,
    ip: str | None,
    prev_hash: str,
) -> dict:
    """Every field of an event that the hash covers. The object type is named by its natural key
    ("app_label.model"), not by the content type's row id, so the hash does not depend on how
    the content-type table happened to be numbered."""
    return {
        "sequence": sequence,
        "created_at": format_time(created_at),
        "actor": actor_id,
        "on_behalf_of": on_behalf_of_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "before": before,
        "after": after,
        "reason": reason,
        "request_id": request_id,
        "ip": ip,
        "prev_hash": prev_hash,
    }


def compute_hash(payload: dict) -> str:
    return hashlib.sha256(canonical_json(payload)).hexdigest()
