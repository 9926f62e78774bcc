"""Celery tasks of the sharing app: thin, safe to run twice (DESIGN.md §4.4)."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from portal.audit.context import audit_context, task_request_id

from . import conf
from .models import Agreement, AgreementStatus
from .services import agreement_expire, agreement_remind_expiry

LIVE = [AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED]


def agreements_daily(today: datetime.date | None = None) -> dict:
    """Expiry reminders (30 and 7 days before, once each) and expiry of agreements past their end."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(conf.expiry_reminder_days(), default=0))
    reminded = expired = 0
    soon = Agreement.objects.filter(status__in=LIVE, valid_until__gte=today, valid_until__lte=horizon)
    for pk in soon.order_by("pk").values_list("pk", flat=True):
        reminded += agreement_remind_expiry(agreement_id=pk, today=today)
    past = Agreement.objects.filter(Q(status__in=LIVE), valid_until__lt=today)
    for pk in past.order_by("pk").values_list("pk", flat=True):
        expired += agreement_expire(agreement_id=pk, today=today)
    return {"reminded": reminded, "expired": expired}


@shared_task(bind=True, name="sharing.agreements_daily", acks_late=True)
def agreements_daily_task(self) -> dict:
    with audit_context(request_id=task_request_id(self)):
        return agreements_daily()
