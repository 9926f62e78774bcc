"""Every write to a clock: one function per use case (DESIGN.md §4.1).

Each service locks the clock row, appends to the ledger, recomputes the derived fields from the
ledger and the calendar, records an audit event and, when the signal or the due date changed,
tells the responsible people through the notification outbox — all in one transaction.

Who is responsible is the subject's business: a subject model may define
``clock_recipients(self, clock) -> iterable of users``; otherwise the clock's owner is told.

The daily sweep and the recomputation after a calendar change (tasks.py) write many clocks at
once instead: `clocks_recompute_batch` (one transaction per batch, the same checks, saves,
signals and audit events as `clock_recompute`, but digest items instead of messages: digest.py)
and `clocks_recompute_many` (the batch, or one transaction per clock if the batch fails).
"""

from __future__ import annotations

import contextvars
import datetime
import logging
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, IntegrityError, OperationalError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import audit_batch, audit_record
from portal.errors import DomainError, TransitionNotAllowed
from portal.notifications.services import notify

from . import conf, ledger, signals
from .models import Clock, ClockEvent, ClockState, DigestKind, EventKind, Signal

logger = logging.getLogger(__name__)

DERIVED = [
    "state",
    "started_on",
    "stopped_on",
    "extension_days",
    "paused_days",
    "consumed_days",
    "due_date",
    "due_provisional",
    "signal",
    "next_check_on",
    "finished_late",
]


def local_today() -> datetime.date:
    return timezone.localdate()


ENTRY_FIELDS = ("kind", "on", "days", "expected_days")


def _entries(clock: Clock) -> list[ledger.Entry]:
    return ledger.entries_from(clock.events.order_by("id").only(*ENTRY_FIELDS))


def evaluate(
    clock: Clock, *, today: datetime.date | None = None, entries: list[ledger.Entry] | None = None
) -> ledger.Result:
    """The clock's state as of `today`, from its ledger (or the given entries) and the calendar."""
    return ledger.compute(
        entries if entries is not None else _entries(clock),
        limit=clock.limit_days,
        today=today or local_today(),
        min_days=clock.yellow_min_days if clock.yellow_min_days is not None else conf.YELLOW_MIN_DAYS,
        ratio=Decimal(str(clock.yellow_ratio)) if clock.yellow_ratio is not None else conf.YELLOW_RATIO,
    )


def _snapshot(clock: Clock) -> dict:
    return {name: getattr(clock, name) for name in DERIVED}


def recipients(clock: Clock) -> list:
    method = getattr(clock.subject, "clock_recipients", None)
    people = list(method(clock)) if method else []
    if not people and clock.owner_id:
        people = [clock.owner]
    return [p for p in people if p is not None and p.is_active]


def subject_url(clock: Clock, user=None) -> str:
    """Where a message about `clock` sends `user`: the subject's ``clock_url(clock, user)`` when it
    has one (e.g. an applicant and an official open different pages of one application), else its
    ``get_absolute_url()``, else nowhere."""
    subject = clock.subject
    per_user = getattr(subject, "clock_url", None)
    if per_user is not None and user is not None:
        return per_user(clock, user)
    get_url = getattr(subject, "get_absolute_url", None)
    return get_url() if get_url else ""


def _notify_clock(clock: Clock, **fields) -> None:
    """notify() the people on `clock`, each with the link that person can open."""
    by_url: dict[str, list] = {}
    for person in recipients(clock):
        by_url.setdefault(subject_url(clock, person), []).append(person)
    for url, people in by_url.items():
        notify(recipients=people, url=url, subject=clock, **fields)


def _apply(clock: Clock, result: ledger.Result, today: datetime.date) -> tuple[bool, datetime.date | None]:
    """Store the derived fields; return (signal changed, the previous due date if it moved).

    A changed signal is announced to the subject's app (signals.signal_changed) in this transaction.
    """
    new_clock = clock.pk is None
    old_signal = clock.signal
    signal_changed = new_clock or result.signal != clock.signal
    old_due = clock.due_date if not new_clock and clock.due_date != result.due_date else None
    for name in DERIVED:
        setattr(clock, name, getattr(result, name))
    if signal_changed:
        clock.signal_since = today
    clock.save()
    signals.clock_saved.send(sender=Clock, clock=clock)
    if signal_changed and not new_clock:
        signals.signal_changed.send(sender=Clock, clock=clock, old=old_signal, new=clock.signal)
    return signal_changed, old_due


def signal_key(clock: Clock) -> str:
    """The event "this clock reached its signal for this due date": one message or digest line
    per person, however often it is computed (notifications' and digest items' unique keys)."""
    return f"clock:{clock.pk}:{clock.signal}:{clock.due_date.isoformat()}"


def due_key(clock: Clock, old_due: datetime.date) -> str:
    """The event "this clock's due date moved from old_due to its current one"."""
    return f"clock:{clock.pk}:due:{old_due.isoformat()}:{clock.due_date.isoformat()}"


def _tell_signal(clock: Clock, result: ledger.Result) -> None:
    """Push yellow and red (once per clock, level and due date); other levels are only shown."""
    if clock.signal not in (Signal.YELLOW, Signal.RED):
        return
    _notify_clock(
        clock,
        kind="deadline_signal",
        key=signal_key(clock),
        context={
            "subject_label": clock.label,
            "level": clock.signal.upper(),
            "due_date": clock.due_date,
            "remaining_days": result.remaining_days,
            "due_provisional": clock.due_provisional,
        },
    )


def _tell_due_changed(clock: Clock, old_due: datetime.date, reason: str) -> None:
    _notify_clock(
        clock,
        kind="deadline_changed",
        key=due_key(clock, old_due),
        context={
            "subject_label": clock.label,
            "old_due": old_due,
            "new_due": clock.due_date,
            "reason": reason,
            "due_provisional": clock.due_provisional,
        },
    )


def _user_or_none(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _append(
    clock: Clock, *, actor, kind: str, on: datetime.date | None, action: str, reason: str = "", **fields
) -> Clock:
    """Append one event to a clock, recompute, audit and notify (inside the caller's atomic block)."""
    today = local_today()
    on = on or today
    last = clock.events.order_by("-id").first()
    if last and on < last.on:
        raise DomainError(
            _("An event cannot be dated before the previous one (%(date)s).") % {"date": last.on.isoformat()},
            field="on",
        )
    if on > today:
        raise DomainError(_("An event cannot be dated in the future."), field="on")
    before = _snapshot(clock)
    ClockEvent.objects.create(
        clock=clock, kind=kind, on=on, actor=_user_or_none(actor), reason=reason, **fields
    )
    result = evaluate(clock, today=today)
    signal_changed, _old_due = _apply(clock, result, today)
    if signal_changed:
        _tell_signal(clock, result)
    # Last: the audit trail's chain lock is held until commit.
    audit_record(actor=actor, action=action, obj=clock, before=before, after=_snapshot(clock), reason=reason)
    return clock


def _with_cached_type(clock: Clock | None) -> Clock | None:
    """Attach the subject's content type from Django's cache instead of a query per clock (every
    receiver of signal_changed reads clock.subject_type)."""
    if clock is not None:
        clock.subject_type = ContentType.objects.get_for_id(clock.subject_type_id)
    return clock


def _lock(clock: Clock) -> Clock:
    return _with_cached_type(Clock.objects.select_for_update().get(pk=clock.pk))


@transaction.atomic
def clock_start(
    *,
    subject,
    limit_days: int,
    actor=None,
    purpose: str = "limit",
    label: str = "",
    owner=None,
    start_on: datetime.date | None = None,
    yellow_min_days: int | None = None,
    yellow_ratio=None,
) -> Clock:
    """Start a clock for `subject`. A subject runs at most one clock per purpose."""
    if limit_days is None or int(limit_days) < 1:
        raise DomainError(_("A time limit must be at least one working day."), field="limit_days")
    today = local_today()
    start_on = start_on or today
    if start_on > today:
        raise DomainError(_("A clock cannot start in the future."), field="start_on")
    subject_type = ContentType.objects.get_for_model(subject)
    if Clock.objects.filter(subject_type=subject_type, subject_id=str(subject.pk), purpose=purpose).exists():
        raise TransitionNotAllowed(_("This clock has already been started."))
    clock = Clock(
        subject_type=subject_type,
        subject_id=str(subject.pk),
        purpose=purpose,
        label=(label or str(subject))[:200],
        owner=owner,
        limit_days=int(limit_days),
        yellow_min_days=yellow_min_days,
        yellow_ratio=yellow_ratio,
    )
    result = evaluate(clock, today=today, entries=[ledger.Entry(kind=EventKind.START, on=start_on)])
    try:
        with transaction.atomic():  # a savepoint: a concurrent start of the same clock loses cleanly
            _apply(clock, result, today)
    except IntegrityError:
        raise TransitionNotAllowed(_("This clock has already been started.")) from None
    ClockEvent.objects.create(clock=clock, kind=EventKind.START, on=start_on, actor=_user_or_none(actor))
    _tell_signal(clock, result)
    audit_record(actor=actor, action="clock.start", obj=clock, after=_snapshot(clock))
    return clock


@transaction.atomic
def clock_pause(
    *,
    clock: Clock,
    actor,
    reason: str,
    legal_basis: str,
    expected_days: int | None = None,
    on: datetime.date | None = None,
) -> Clock:
    """Stop the clock for a lawful special procedure (hearing, tender, inspection, expert review ...)."""
    clock = _lock(clock)
    if clock.state != ClockState.RUNNING:
        raise TransitionNotAllowed(_("Only a running clock can be paused."))
    if not reason.strip() or not legal_basis.strip():
        raise DomainError(
            _("A pause needs a reason and its legal basis; the applicant is told both."), field="reason"
        )
    return _append(
        clock,
        actor=actor,
        kind=EventKind.PAUSE,
        on=on,
        action="clock.pause",
        reason=reason,
        legal_basis=legal_basis,
        expected_days=expected_days,
    )


@transaction.atomic
def clock_resume(*, clock: Clock, actor, on: datetime.date | None = None, reason: str = "") -> Clock:
    clock = _lock(clock)
    if clock.state != ClockState.PAUSED:
        raise TransitionNotAllowed(_("Only a paused clock can be resumed."))
    return _append(clock, actor=actor, kind=EventKind.RESUME, on=on, action="clock.resume", reason=reason)


@transaction.atomic
def clock_extend(
    *, clock: Clock, actor, days: int, approved_by, reason: str, on: datetime.date | None = None
) -> Clock:
    """Extend the limit by `days` working days, approved by the person the law names.

    How many days a subject may be extended by is the subject's rule (e.g. an approval item's
    configuration); the clock only insists that an extension is positive, approved and reasoned.
    """
    clock = _lock(clock)
    if clock.state == ClockState.STOPPED:
        raise TransitionNotAllowed(_("A stopped clock cannot be extended."))
    if not days or int(days) < 1:
        raise DomainError(_("An extension is at least one working day."), field="days")
    if approved_by is None:
        raise DomainError(
            _("An extension must be approved by the head of the authority."), field="approved_by"
        )
    if not reason.strip():
        raise DomainError(_("An extension needs a reason; it is sent to the applicant."), field="reason")
    return _append(
        clock,
        actor=actor,
        kind=EventKind.EXTEND,
        on=on,
        action="clock.extend",
        reason=reason,
        days=int(days),
        approved_by=approved_by,
    )


@transaction.atomic
def clock_stop(*, clock: Clock, actor, on: datetime.date | None = None, reason: str = "") -> Clock:
    clock = _lock(clock)
    if clock.state == ClockState.STOPPED:
        raise TransitionNotAllowed(_("This clock has already stopped."))
    return _append(clock, actor=actor, kind=EventKind.STOP, on=on, action="clock.stop", reason=reason)


def stale_clock_ids(clock_ids, *, today: datetime.date) -> list[int]:
    """Of these clocks, the ones whose stored fields differ from their ledger as of `today`.

    Read without locks in two queries (the clocks, then their ledgers), so a sweep or a calendar
    recomputation locks and rewrites only the clocks that really change; clock_recompute checks
    again under the lock, so a clock changed in between is still handled correctly.
    """
    clocks = list(
        Clock.objects.filter(pk__in=list(clock_ids)).prefetch_related(
            Prefetch("events", queryset=ClockEvent.objects.order_by("id").only("clock_id", *ENTRY_FIELDS))
        )
    )
    stale = []
    for clock in clocks:
        result = evaluate(clock, today=today, entries=ledger.entries_from(clock.events.all()))
        if any(getattr(result, name) != getattr(clock, name) for name in DERIVED):
            stale.append(clock.pk)
    return stale


@transaction.atomic
def clock_recompute(*, clock_id: int, today: datetime.date | None = None, reason: str = "") -> bool:
    """Recompute one clock from its ledger and the calendar as it is now.

    Tells the responsible people when the due date moved (e.g. the calendar changed) or the
    signal changed. Returns whether anything changed. Safe to run twice.
    """
    clock = _with_cached_type(Clock.objects.select_for_update().filter(pk=clock_id).first())
    if clock is None:
        return False
    today = today or local_today()
    before = _snapshot(clock)
    result = evaluate(clock, today=today)
    if all(getattr(result, name) == before[name] for name in DERIVED):
        return False
    signal_changed, old_due = _apply(clock, result, today)
    # A due date that moves because an open pause lasts is no news; one moved by a calendar
    # change (a reason is given) is announced.
    if old_due is not None and reason:
        _tell_due_changed(clock, old_due, reason)
    if signal_changed:
        _tell_signal(clock, result)
    audit_record(
        actor=None, action="clock.recompute", obj=clock, before=before, after=_snapshot(clock), reason=reason
    )
    return True


# --- The sweep's and the calendar recomputation's batched writes ---------------------------------

# While a batch runs: the ids of the clocks saved so far in it (by the batch or by a receiver).
_saved_in_batch: contextvars.ContextVar[set | None] = contextvars.ContextVar(
    "clocks_saved_in_batch", default=None
)


def _note_saved(sender, clock, **kwargs):
    saved = _saved_in_batch.get()
    if saved is not None:
        saved.add(clock.pk)


signals.clock_saved.connect(_note_saved, sender=Clock, dispatch_uid="clocks.batch_note_saved")


def _digest_rows(
    clock: Clock, result: ledger.Result, *, signal_changed: bool, old_due, reason: str
) -> list[dict]:
    """What the people on this clock are to be told, as digest items (see _tell_signal and
    _tell_due_changed for the per-clock messages of the interactive services)."""
    rows = []
    common = {"due_date": clock.due_date, "due_provisional": clock.due_provisional}
    if old_due is not None and reason:
        rows.append(
            {
                "kind": DigestKind.DUE_CHANGED,
                "key": due_key(clock, old_due),
                "old_due": old_due,
                "reason": reason,
                **common,
            }
        )
    if signal_changed and clock.signal in (Signal.YELLOW, Signal.RED):
        rows.append(
            {
                "kind": DigestKind.SIGNAL,
                "key": signal_key(clock),
                "level": clock.signal,
                "remaining_days": result.remaining_days,
                **common,
            }
        )
    return rows


def clocks_recompute_batch(clock_ids, *, today: datetime.date | None = None, reason: str = "") -> int:
    """Recompute many clocks in one transaction, for the daily sweep and the calendar recomputation.

    The clocks are locked in id order and each is checked again under the lock, as
    clock_recompute does; each changing clock is saved, its signals are sent (the subjects'
    receivers run as for one clock: a supervision notice per red clock ...) and it gets its own
    audit event. Instead of messages per clock and person, the people on each clock get digest
    items (portal.clocks.digest), sent later as one notification per person. A clock that a
    receiver of an earlier clock in the batch changed is read again before it is recomputed.
    Returns how many clocks changed.
    """
    from . import digest

    ids = sorted(set(clock_ids))
    if not ids:
        return 0
    today = today or local_today()
    events = ClockEvent.objects.order_by("id").only("clock_id", *ENTRY_FIELDS)
    with transaction.atomic():
        clocks = list(
            Clock.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .prefetch_related(Prefetch("events", queryset=events))
        )
        saved: set[int] = set()
        token = _saved_in_batch.set(saved)
        changes = []
        try:
            for clock in clocks:
                if clock.pk in saved:
                    # A receiver of an earlier clock changed this one: its row and ledger moved on.
                    clock = Clock.objects.get(pk=clock.pk)  # locked above
                    entries = None
                else:
                    entries = ledger.entries_from(clock.events.all())
                _with_cached_type(clock)
                before = _snapshot(clock)
                result = evaluate(clock, today=today, entries=entries)
                if all(getattr(result, name) == before[name] for name in DERIVED):
                    continue
                signal_changed, old_due = _apply(clock, result, today)
                rows = _digest_rows(
                    clock, result, signal_changed=signal_changed, old_due=old_due, reason=reason
                )
                changes.append((clock, before, _snapshot(clock), rows))
        finally:
            _saved_in_batch.reset(token)
        digest.items_write([(clock, rows) for clock, _before, _after, rows in changes if rows])
        # Last: the audit trail's chain lock is held until commit; one lock and one read of the
        # chain's head for the whole batch (audit_batch), then one INSERT per clock.
        with audit_batch():
            for clock, before, after, _rows in changes:
                audit_record(
                    actor=None, action="clock.recompute", obj=clock, before=before, after=after, reason=reason
                )
    return len(changes)


def clocks_recompute_many(clock_ids, *, today: datetime.date | None = None, reason: str = "") -> int:
    """clocks_recompute_batch, falling back to one transaction per clock when the batch fails
    (e.g. a deadlock with a service that holds a subject's lock and waits for one of these
    clocks), so that no clock is skipped. A clock that still fails after three tries raises."""
    ids = sorted(set(clock_ids))
    try:
        return clocks_recompute_batch(ids, today=today, reason=reason)
    except DatabaseError:
        logger.warning("clock batch of %d failed; recomputing them one at a time", len(ids), exc_info=True)
    changed = 0
    for clock_id in ids:
        for attempt in range(3):
            try:
                changed += clocks_recompute_batch([clock_id], today=today, reason=reason)
                break
            except OperationalError:
                if attempt == 2:
                    raise
    return changed
