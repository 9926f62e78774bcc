"""Celery tasks of the intermediary market: thin, safe to run twice (DESIGN.md §4.4)."""

from __future__ import annotations

from celery import shared_task

from portal.audit.context import audit_context, task_request_id

from . import services


@shared_task(bind=True, name="intermediaries.qualifications_daily", acks_late=True)
def qualifications_daily_task(self) -> dict:
    with audit_context(request_id=task_request_id(self)):
        return services.qualifications_sweep()
