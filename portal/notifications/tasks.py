"""Celery tasks of the outbox. They take ids, reload, call outbox services, and are safe to run twice."""

from celery import shared_task

from portal.audit.context import audit_context, task_request_id
from portal.notifications import outbox


@shared_task(bind=True, name="portal.notifications.tasks.deliver", ignore_result=True)
def deliver(self, delivery_id: int) -> str:
    """Send one delivery. A delivery that is not pending (sent, failed, being sent) is left alone."""
    with audit_context(request_id=task_request_id(self)):
        return outbox.delivery_attempt(delivery_id=delivery_id)


@shared_task(bind=True, name="portal.notifications.tasks.sweep", ignore_result=True)
def sweep(self) -> int:
    """Periodic (django-celery-beat, every 60 s): re-dispatch everything still undelivered."""
    with audit_context(request_id=task_request_id(self)):
        return outbox.deliveries_sweep()
