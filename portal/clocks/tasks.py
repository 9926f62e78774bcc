"""Celery tasks of the clocks app: thin, id-based, safe to run twice (DESIGN.md §4.4)."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.context import audit_context, task_request_id
from portal.workcal import days as workdays

from . import conf, digest, services
from .models import Clock, ClockState, RecomputeRequest


def _iter_batches(queryset):
    """Primary keys in batches, so a sweep over millions of clocks holds no long transaction."""
    last = 0
    while True:
        ids = list(
            queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[: conf.BATCH_SIZE]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def _recompute_stale(queryset, *, today: datetime.date, reason: str = "") -> int:
    """Recompute the clocks of `queryset` that really change, a batch per transaction.

    Each batch is first evaluated without locks (services.stale_clock_ids): a clock whose
    stored fields already match its ledger costs no lock, no write and no audit event. The
    changing ones are written WRITE_BATCH_SIZE at a time (services.clocks_recompute_many: one
    transaction, or one per clock if that fails); their people get digest items, not messages."""
    changed = 0
    for ids in _iter_batches(queryset):
        stale = services.stale_clock_ids(ids, today=today)
        for start in range(0, len(stale), conf.WRITE_BATCH_SIZE):
            chunk = stale[start : start + conf.WRITE_BATCH_SIZE]
            changed += services.clocks_recompute_many(chunk, today=today, reason=reason)
    return changed


def sweep(today: datetime.date | None = None, *, force: bool = False) -> dict:
    """Update every clock whose signal is due to change by `today`, and notify once per level.

    Only the clocks with `next_check_on <= today` are read (a partial index), so the cost follows
    the number of clocks changing signal, not the number of clocks. Runs on working days unless
    forced: a signal that changed over a weekend is reported on the next working day. Then each
    person gets one digest of their changes, including any a crashed run left unsent (also on
    days off).
    """
    today = today or timezone.localdate()
    if not force and not workdays.is_workday(today):
        digest.digests_send()
        return {"skipped": True, "changed": 0}
    changed = _recompute_stale(Clock.objects.filter(next_check_on__lte=today), today=today)
    for request_id in RecomputeRequest.objects.filter(done_at__isnull=True).values_list("pk", flat=True):
        recompute_for_request(request_id, send=False)
    digest.digests_send()
    return {"skipped": False, "changed": changed}


def recompute_for_request(request_id: int, *, send: bool = True) -> int:
    """Recompute every open clock whose span touches the changed years; mark the request done;
    then (unless `send` is false: the caller sends) send each person one digest of their changes."""
    request = RecomputeRequest.objects.filter(pk=request_id, done_at__isnull=True).first()
    if request is None:
        if send:
            digest.digests_send()
        return 0
    years = sorted(int(y) for y in request.years)
    workdays.clear_cache(years)  # this process may hold the calendar as it was before the change
    first, last = datetime.date(years[0], 1, 1), datetime.date(years[-1], 12, 31)
    affected = Clock.objects.filter(
        Q(state__in=[ClockState.RUNNING, ClockState.PAUSED]), started_on__lte=last, due_date__gte=first
    )
    reason = _("The working-day calendar for %(years)s changed.") % {"years": ", ".join(map(str, years))}
    changed = _recompute_stale(affected, today=services.local_today(), reason=reason)
    RecomputeRequest.objects.filter(pk=request.pk, done_at__isnull=True).update(
        done_at=timezone.now(), clocks_changed=changed
    )
    if send:
        digest.digests_send()
    return changed


@shared_task(bind=True, name="clocks.sweep_signals", acks_late=True)
def sweep_signals_task(self, force: bool = False) -> dict:
    with audit_context(request_id=task_request_id(self)):
        return sweep(force=force)


@shared_task(bind=True, name="clocks.recompute_for_request", acks_late=True)
def recompute_for_request_task(self, request_id: int) -> int:
    with audit_context(request_id=task_request_id(self)):
        return recompute_for_request(request_id)
