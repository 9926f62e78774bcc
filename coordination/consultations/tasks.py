"""Celery tasks of public consultations: thin, safe to run twice (DESIGN.md §4.4)."""

from __future__ import annotations

from celery import shared_task

from portal.audit.context import audit_context, task_request_id

from . import services


@shared_task(bind=True, name="consultations.sync_by_date", acks_late=True)
def sync_by_date(self) -> dict:
    """Open the consultations whose opening day has come; close those whose last day has passed."""
    with audit_context(request_id=task_request_id(self)):
        return services.consultations_sync()
