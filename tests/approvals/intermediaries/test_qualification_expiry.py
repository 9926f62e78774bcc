"""Expiring qualifications are reminded (30 days before, once per expiry date) and expired ones
suspended by the daily task, which is safe to run twice and is scheduled in Celery beat."""

import datetime

from django_celery_beat.models import PeriodicTask

from approvals.intermediaries import selectors, services
from approvals.intermediaries.models import Qualification
from approvals.intermediaries.tasks import qualifications_daily_task
from portal.clocks.services import local_today
from portal.notifications.models import Notification
from tests.factories.intermediaries import intermediary


def test_reminded_once_then_suspended_and_excluded(market):
    today = local_today()
    firm = intermediary(4, market["regulator"], valid_days=20)
    q = Qualification.objects.get(intermediary=firm)
    assert services.qualifications_sweep(today=today) == {"reminded": 1, "suspended": 0}
    assert services.qualifications_sweep(today=today) == {"reminded": 0, "suspended": 0}
    assert Notification.objects.filter(recipient=firm.staff_user, key__contains=":expiring:").count() == 1
    q.refresh_from_db()
    assert q.reminded_for == q.valid_until

    later = q.valid_until + datetime.timedelta(days=1)
    assert services.qualifications_sweep(today=later) == {"reminded": 0, "suspended": 1}
    assert services.qualifications_sweep(today=later) == {"reminded": 0, "suspended": 0}
    q.refresh_from_db()
    assert q.status == "suspended" and q.suspended_on == later
    assert firm.pk not in selectors.eligible(service_type="assessment", today=today).values_list(
        "pk", flat=True
    )


def test_not_reminded_earlier_than_the_setting(market, settings):
    settings.MARKET_EXPIRY_REMINDER_DAYS = 10
    intermediary(4, market["regulator"], valid_days=20)
    assert services.qualifications_sweep(today=local_today())["reminded"] == 0


def test_the_daily_task_runs_the_sweep_and_is_in_the_beat_schedule(market):
    intermediary(4, market["regulator"], valid_days=-1, valid_from_days=-100)
    assert qualifications_daily_task.apply().get() == {"reminded": 0, "suspended": 1}
    task = PeriodicTask.objects.get(task="intermediaries.qualifications_daily")
    assert task.enabled and task.crontab.hour == "8"
