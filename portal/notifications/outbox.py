"""The worker side of the outbox: dispatch, claim, send, retry, sweep.

State of a delivery (only this module and services.py assign it):

    pending --claim--> sending --sent--> sent
       ^                  |  \\--error, attempts left--> pending (next_attempt_at = now + backoff)
       |                  |   \\-error, none left / permanent--> failed --resend--> pending
       +--sweeper: lease expired (worker lost)

- `dispatch` hands delivery ids to the broker and never raises: when the broker is down the rows
  stay pending and the sweeper dispatches them later.
- `delivery_attempt` (the `deliver` task) claims a pending row with SELECT … FOR UPDATE SKIP LOCKED
  in a short transaction (status sending, attempts + 1, lease until now + LEASE), sends through the
  channel, and marks it sent in the same transaction as the channel's own writes. Every claim
  sets a new `claim_token` (a UUID), and every finishing update is fenced on (status sending,
  claim_token): a worker whose lease expired and was re-claimed by another cannot mark the row
  sent or failed, and its transaction (with any sink write) rolls back. Not on `attempts`: a
  resend resets it, so a stale attempt 1 would match the new attempt 1.
  Running it twice is safe: a row that is not pending is left alone.
- `deliveries_sweep` (the periodic `sweep` task) re-dispatches pending rows whose
  next_attempt_at has passed and returns expired `sending` rows to pending, in batches.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from portal.dispatch import queue
from portal.notifications import conf
from portal.notifications.channels import PermanentDeliveryError, get_channel
from portal.notifications.models import Delivery, DeliveryStatus

logger = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 2000


def idempotency_key(*, key: str, recipient_id: int, channel: str) -> str:
    """Stable for (event key, recipient, channel): the same message always has the same key."""
    return hashlib.sha256(f"{key}\x1f{recipient_id}\x1f{channel}".encode()).hexdigest()


def backoff_seconds(attempts: int) -> int:
    """Wait after the `attempts`-th failed attempt: BASE × FACTOR^(attempts − 1), at most CAP."""
    exponent = max(attempts - 1, 0)
    return int(min(conf.retry_cap(), conf.retry_base() * conf.retry_factor() ** exponent))


# --- Dispatch -----------------------------------------------------------------------------------


def dispatch(delivery_ids: Iterable[int]) -> int:
    """Send a `deliver` task per id; returns how many reached the broker. Never raises: on any
    broker failure the remaining rows stay pending and the sweeper dispatches them later."""
    from portal.notifications.tasks import deliver  # tasks imports this module

    return queue(deliver, ((pk,) for pk in delivery_ids))


def dispatch_on_commit(delivery_ids: Iterable[int]) -> None:
    """Dispatch after the current transaction commits (immediately when there is none)."""
    ids = list(delivery_ids)
    if ids:
        transaction.on_commit(lambda: dispatch(ids), robust=True)


# --- One attempt ----------------------------------------------------------------------------------


def _claim(delivery_id: int) -> Delivery | None:
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notification__recipient")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None:
            return None
        lease_until = now + timedelta(seconds=conf.lease_seconds())
        token = uuid.uuid4()
        # Conditional as well as locked: SQLite (the demo) has no SELECT … FOR UPDATE.
        claimed = Delivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts
        ).update(
            status=DeliveryStatus.SENDING,
            attempts=delivery.attempts + 1,
            claim_token=token,
            next_attempt_at=lease_until,
            updated_at=now,
        )
        if not claimed:
            return None
    delivery.status = DeliveryStatus.SENDING
    delivery.attempts += 1
    delivery.claim_token = token
    delivery.next_attempt_at = lease_until
    return delivery


class LeaseLost(Exception):
    """Another worker took the delivery over (our lease had expired): undo our writes."""


def _fenced(delivery: Delivery):
    """The row as we claimed it: still sending, and nobody re-claimed it since (our claim token)."""
    return Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, claim_token=delivery.claim_token
    )


def _record_failure(delivery: Delivery, exc: Exception, *, permanent: bool) -> str:
    now = timezone.now()
    error = f"{exc.__class__.__name__}: {exc}"[:MAX_ERROR_LENGTH]
    give_up = permanent or delivery.attempts >= conf.max_attempts()
    fields = {"last_error": error, "updated_at": now}
    if give_up:
        fields.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
    else:
        fields.update(
            status=DeliveryStatus.PENDING,
            next_attempt_at=now + timedelta(seconds=backoff_seconds(delivery.attempts)),
        )
    if not _fenced(delivery).update(**fields):
        return "lease-lost"
    log = logger.error if give_up else logger.warning
    log("notifications: delivery %s attempt %s failed: %s", delivery.pk, delivery.attempts, error)
    return "failed" if give_up else "retry"


def delivery_attempt(*, delivery_id: int) -> str:
    """Claim, send and mark one delivery. Returns what happened:

    "skipped" (not pending: already sent, failed, or being sent by someone else), "sent",
    "retry" (back to pending with a backoff), "failed" (gave up), "lease-lost".
    """
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    return _send_claimed(delivery)


def _send_claimed(delivery: Delivery) -> str:
    """Send a delivery this worker claimed and mark it, fenced on its claim token."""
    try:
        channel = get_channel(delivery.channel)  # a broken SMS_BACKEND setting is a failed attempt too
        with transaction.atomic():
            channel.send(delivery)
            now = timezone.now()
            marked = _fenced(delivery).update(
                status=DeliveryStatus.SENT, sent_at=now, next_attempt_at=None, last_error="", updated_at=now
            )
            if not marked:
                raise LeaseLost
    except LeaseLost:
        logger.warning("notifications: delivery %s was taken over by another worker", delivery.pk)
        return "lease-lost"
    except PermanentDeliveryError as exc:
        return _record_failure(delivery, exc, permanent=True)
    except Exception as exc:  # noqa: BLE001 - a channel may fail in any way; record it and retry
        return _record_failure(delivery, exc, permanent=False)
    return "sent"


# --- The sweeper ---------------------------------------------------------------------------------


def _sweep_batch(*, now, size: int) -> tuple[int, list[int]]:
    """Take up to `size` due rows; return how many, and the ids to dispatch (a lease ahead now)."""
    lease_until = now + timedelta(seconds=conf.lease_seconds())
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(
                status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING],
                next_attempt_at__lte=now,
            )
            .order_by("next_attempt_at", "pk")
            .values_list("pk", "status", "attempts")[:size]
        )
        max_attempts = conf.max_attempts()
        expired = [pk for pk, status, attempts in rows if status == DeliveryStatus.SENDING]
        exhausted = {
            pk
            for pk, status, attempts in rows
            if status == DeliveryStatus.SENDING and attempts >= max_attempts
        }
        due = [pk for pk, status, attempts in rows if pk not in exhausted]
        if expired:
            logger.warning("notifications: %d deliveries had an expired lease", len(expired))
            # A delivery whose every attempt ended with its worker gone (a crash it causes?) gives up.
            Delivery.objects.filter(pk__in=exhausted, status=DeliveryStatus.SENDING).update(
                status=DeliveryStatus.FAILED,
                next_attempt_at=None,
                last_error="Lease expired on the last attempt: the worker stopped before finishing.",
                updated_at=now,
            )
            Delivery.objects.filter(pk__in=expired, status=DeliveryStatus.SENDING).update(
                status=DeliveryStatus.PENDING,
                next_attempt_at=lease_until,
                last_error="Lease expired: the worker stopped before finishing; sent again.",
                updated_at=now,
            )
        Delivery.objects.filter(pk__in=due, status=DeliveryStatus.PENDING).update(
            next_attempt_at=lease_until, updated_at=now
        )
    return len(rows), due


def deliveries_sweep(*, now=None) -> int:
    """Re-dispatch what is still undelivered; returns how many tasks reached the broker.

    Each batch moves the rows' next_attempt_at one lease ahead before dispatching, so a row whose
    task is queued behind others is not dispatched again on every run; if its task is lost, the
    next sweep after the lease picks it up. Stops early when the broker refuses.
    """
    size = conf.sweep_batch_size()
    total = 0
    for _ in range(conf.sweep_max_batches()):
        taken, ids = _sweep_batch(now=now or timezone.now(), size=size)
        dispatched = dispatch(ids)
        total += dispatched
        if taken < size or dispatched < len(ids):
            break
    return total
