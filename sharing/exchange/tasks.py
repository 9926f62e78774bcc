"""Celery tasks of the exchange: thin, take ids, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from portal.audit.context import audit_context, task_request_id
from sharing.models import Agreement, AgreementStatus, Direction

from .services import return_flow_sync


def due_return_flows() -> list[int]:
    today = timezone.localdate()
    return list(
        Agreement.objects.filter(
            direction=Direction.DOWN,
            status=AgreementStatus.ACTIVE,
            valid_from__lte=today,
            valid_until__gte=today,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@shared_task(bind=True, name="exchange.return_flow_sync", acks_late=True)
def return_flow_sync_task(self, agreement_id: int, trigger: str = "schedule") -> dict:
    with audit_context(request_id=task_request_id(self)):
        run = return_flow_sync(agreement_id=agreement_id, trigger=trigger)
    return {"run": run.pk, "status": run.status, "rows": run.rows}


@shared_task(bind=True, name="exchange.return_flow_all", acks_late=True)
def return_flow_all_task(self) -> int:
    """The beat entry: one sync task per active downward agreement."""
    ids = due_return_flows()
    for pk in ids:
        return_flow_sync_task.delay(pk)
    return len(ids)
