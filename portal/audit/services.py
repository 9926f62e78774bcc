"""Recording audit events: the one way anything is written to the audit trail.

Every service that changes data calls `audit_record` inside its own transaction, after the
change, so the event commits or rolls back with it (DESIGN.md §4 rule 5)::

    @transaction.atomic
    def thing_rename(*, actor, thing, name):
        thing = Thing.objects.select_for_update().get(pk=thing.pk)
        before = snapshot(thing, ["name"])
        thing.name = name
        thing.save(update_fields=["name"])
        audit_record(actor=actor, action="thing.rename", obj=thing, before=before,
                     after=snapshot(thing, ["name"]))
        return thing

Appending takes the chain lock (on PostgreSQL an advisory lock held until the transaction
ends), so record the event as the last step of the transaction: taking other locks after it
makes every other auditing transaction wait for them too.

A service that records several events in one transaction can wrap them in `audit_batch()`: the
first event takes the lock and reads the chain's last event as usual, the next ones append after
the event written before it (see `audit_batch` for why a rolled-back savepoint stays safe).
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from portal.audit import chain
from portal.audit.context import current_context
from portal.audit.models import AuditEvent
from portal.db import advisory_xact_lock
from portal.pii import EncryptedCharField

OBJECT_REPR_LENGTH = AuditEvent._meta.get_field("object_repr").max_length
ACTION_LENGTH = AuditEvent._meta.get_field("action").max_length


def _user_id(user):
    """The user's id, or None for the system (None, an anonymous user, an unsaved user)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


def _lock_chain() -> None:
    # SQLite allows one writer at a time; the unique sequence and prev_hash refuse a fork anyway.
    advisory_xact_lock(chain.AUDIT_CHAIN_LOCK)


@dataclass(frozen=True)
class _Head:
    """The chain's last event as this transaction left it (what the next event links to)."""

    sequence: int
    hash: str
    created_at: datetime.datetime


class _Batch:
    head: _Head | None = None


_batch: ContextVar[_Batch | None] = ContextVar("audit_batch", default=None)


@contextmanager
def audit_batch():
    """Record several events of one transaction without re-taking the chain lock for each.

    Inside the block, the first `audit_record` takes the chain lock and reads the chain's last
    event as always; the lock is held until the transaction ends, so nobody else can append, and
    each next event simply links to the one written before it (two queries fewer per event).
    Enter the block inside the transaction that records the events (it refuses otherwise): the
    transaction then outlives the block, and with it the lock.

    A rollback to a savepoint inside the block (an inner atomic block that raised, or
    `transaction.savepoint_rollback`) may take the remembered event with it, and the lock too
    when it was taken inside that savepoint. The block therefore watches the statements the
    connection sends and forgets the remembered event on any ROLLBACK; the next event takes the
    lock and reads the chain's last event again, so it never links to a row that is gone.
    Nested blocks share the outer one. Events written to the table by other means inside the
    block (none are; the benchmark seed writes its own, outside any service) would not be seen.
    """
    if _batch.get() is not None:
        yield
        return
    if not connection.in_atomic_block:
        raise TransactionManagementError("audit_batch() must be entered inside a transaction.")
    batch = _Batch()

    def forget_on_rollback(execute, sql, params, many, context):
        # Django sends savepoint rollbacks as text; a composed statement is not read: forget too.
        if not isinstance(sql, str) or sql.lstrip()[:8].upper() == "ROLLBACK":
            batch.head = None
        return execute(sql, params, many, context)

    token = _batch.set(batch)
    try:
        with connection.execute_wrapper(forget_on_rollback):
            yield
    finally:
        _batch.reset(token)


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    on_behalf_of=None,
) -> AuditEvent:
    """Append one event to the audit trail, in the caller's transaction.

    `actor` is the user who acted (None or an anonymous user: the system); `on_behalf_of` the
    user an agent acted for. `obj` is the model instance the event is about (None for events
    about nothing in particular). `before` / `after` are JSON-able dicts, usually from
    `snapshot`; dates, datetimes, decimals and UUIDs are stored as strings. The request id and
    client IP come from the current `audit_context` (set per request by the middleware).
    """
    if not connection.in_atomic_block:
        raise TransactionManagementError(
            "audit_record() must run inside the transaction of the change it records "
            "(call it from a service wrapped in transaction.atomic)."
        )
    if not action or len(action) > ACTION_LENGTH:
        raise ValueError(f"an audit action is a code of 1 to {ACTION_LENGTH} characters, got {action!r}")
    if obj is not None and obj.pk is None:
        raise ValueError("audit_record(obj=...) needs a saved object (with a primary key)")

    content_type = ContentType.objects.get_for_model(obj) if obj is not None else None
    context = current_context()
    event = AuditEvent(
        actor_id=_user_id(actor),
        on_behalf_of_id=_user_id(on_behalf_of),
        action=action,
        content_type=content_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:OBJECT_REPR_LENGTH] if obj is not None else "",
        before=chain.to_json_value(before),
        after=chain.to_json_value(after),
        reason=reason or "",
        request_id=context.request_id,
        ip=context.ip,
    )

    batch = _batch.get()
    with transaction.atomic(savepoint=False):
        last = batch.head if batch is not None else None
        if last is None:
            _lock_chain()
            row = AuditEvent.objects.order_by("-sequence").values("sequence", "hash", "created_at").first()
            last = _Head(**row) if row is not None else None
        now = timezone.now()
        if last is None:
            event.sequence, event.prev_hash = 1, chain.GENESIS_HASH
        else:
            event.sequence, event.prev_hash = last.sequence + 1, last.hash
            # Times never go backwards along the chain, even when the servers' clocks disagree.
            now = max(now, last.created_at)
        event.created_at = now
        event.hash = event.compute_hash()
        event.save(force_insert=True)
    if batch is not None:
        batch.head = _Head(event.sequence, event.hash, event.created_at)
    return event


def snapshot(instance: models.Model, fields) -> dict:
    """The named fields of `instance` as JSON-able data for `before` / `after`.

    A foreign key gives the related object's primary key (no query), a many-to-many field the
    sorted primary keys (one query), an encrypted personal-data field its masked value; any other
    name is read as an attribute.
    """
    data = {}
    for name in fields:
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            value = getattr(instance, name)
        else:
            if field.many_to_many and field.concrete:
                value = sorted(getattr(instance, name).values_list("pk", flat=True)) if instance.pk else []
            elif isinstance(field, EncryptedCharField):
                # Personal data never enters the audit trail in clear (docs/security.md, PIPL).
                value = field.masked(instance)
            elif field.concrete:
                value = getattr(instance, field.attname)
            else:
                raise ValueError(f"snapshot() cannot read the reverse relation {name!r}; build it yourself")
        data[name] = value
    return chain.to_json_value(data)
