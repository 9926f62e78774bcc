"""Celery tasks of the PPP app: thin, safe to run twice (DESIGN.md §4.4)."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from portal.audit.context import audit_context, task_request_id

from .models import Milestone
from .services import milestone_remind_late


def milestones_daily(today: datetime.date | None = None) -> dict:
    """Remind once of every milestone past its planned date and not achieved."""
    today = today or timezone.localdate()
    late = Milestone.objects.filter(actual_on__isnull=True, reminded_on__isnull=True, planned_on__lt=today)
    reminded = sum(
        milestone_remind_late(milestone_id=pk, today=today)
        for pk in late.order_by("pk").values_list("pk", flat=True)
    )
    return {"reminded": reminded}


@shared_task(bind=True, name="operations.milestones_daily", acks_late=True)
def milestones_daily_task(self) -> dict:
    with audit_context(request_id=task_request_id(self)):
        return milestones_daily()
