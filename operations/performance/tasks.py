"""Celery tasks of performance and payment: thin, safe to run twice (DESIGN.md §4.4)."""

from __future__ import annotations

import datetime

from celery import shared_task

from portal.audit.context import audit_context, task_request_id
from portal.clocks.services import local_today

from .reminders import sweep


def reminders_daily(today: datetime.date | None = None) -> dict:
    return sweep(today or local_today())


@shared_task(bind=True, name="performance.reminders_daily", acks_late=True)
def reminders_daily_task(self) -> dict:
    with audit_context(request_id=task_request_id(self)):
        return reminders_daily()
