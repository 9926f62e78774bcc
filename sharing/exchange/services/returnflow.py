"""Return flow (数据回流): copy a downward agreement's records into the consumer's copy.

A run copies, for every provider record that is new or changed since the consumer's copy of it,
the agreement's approved items into `ReturnedRecord` (one row per agreement and record), and
records the run (`ReturnFlowRun`: rows received, status, error). Safe to run twice: an unchanged
record is not copied again. A run for an agreement that is not usable today fails with the reason.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.actions import register_actions
from portal.audit.services import audit_record
from portal.errors import DomainError
from sharing.models import Agreement, Direction

from ..models import DataRecord, ReturnedRecord, ReturnFlowRun, RunStatus

register_actions({"returnflow.run": _("Return flow run")})


def _copy(agreement: Agreement, run: ReturnFlowRun) -> int:
    codes = agreement.approved_item_codes()
    copied_version = ReturnedRecord.objects.filter(agreement=agreement, record=OuterRef("pk")).values(
        "source_version"
    )[:1]
    pending = (
        DataRecord.objects.filter(resource_id=agreement.resource_id)
        .annotate(copied=Subquery(copied_version))
        .order_by("id")
    )
    now = timezone.now()
    rows = 0
    for record in pending.iterator(chunk_size=2000):
        if record.copied == record.version:
            continue
        ReturnedRecord.objects.update_or_create(
            agreement=agreement,
            record=record,
            defaults={
                "key": record.key,
                "data": {code: record.data.get(code) for code in codes},
                "source_version": record.version,
                "run": run,
                "received_at": now,
            },
        )
        rows += 1
    return rows


def return_flow_sync(*, agreement_id: int, trigger: str = "schedule", actor=None) -> ReturnFlowRun:
    """One run. The run row is committed first, then the copy in its own transaction; a failure
    rolls the copy back and leaves the run FAILED with the error."""
    agreement = Agreement.objects.get(pk=agreement_id)
    run = ReturnFlowRun.objects.create(
        agreement=agreement,
        trigger=trigger,
        triggered_by=actor if actor is not None and actor.is_authenticated else None,
        started_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            locked = Agreement.objects.select_for_update().get(pk=agreement_id)
            if locked.direction != Direction.DOWN:
                raise DomainError(_("Only a downward (return-flow) agreement is synchronised."))
            if not locked.is_usable_on(timezone.localdate()):
                raise DomainError(
                    _("The agreement is not usable today (%(status)s).")
                    % {"status": locked.get_status_display()}
                )
            run.rows = _copy(locked, run)
            run.status, run.finished_at = RunStatus.SUCCEEDED, timezone.now()
            run.save(update_fields=["rows", "status", "finished_at"])
            audit_record(
                actor=actor, action="returnflow.run", obj=run, after={"rows": run.rows, "trigger": trigger}
            )
    except DomainError as exc:
        run.status, run.error, run.finished_at = RunStatus.FAILED, str(exc.message), timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
    return run
