"""The daily task opens and closes consultations by date, tells the owner unit once, and is
idempotent (the task function is called directly; it only calls the service)."""

import datetime

import pytest
from django_celery_beat.models import PeriodicTask

from coordination.consultations import services, tasks
from coordination.consultations.models import ConsultationStatus
from portal.audit.models import AuditEvent
from portal.notifications.models import Notification
from tests.factories.consultations import make_consultation

pytestmark = pytest.mark.django_db

NOV = datetime.date(2026, 11, 2)


def test_task_opens_and_closes_by_date(city, today):
    later = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV + datetime.timedelta(5))
    running = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV)
    services.comment_create(actor=city["citizen"], consultation=running, text="意见一")
    services.comment_create(actor=city["citizen2"], consultation=running, text="意见二")
    assert tasks.sync_by_date.apply().get() == {"changed": 0}

    today(NOV + datetime.timedelta(5))
    assert tasks.sync_by_date.apply().get() == {"changed": 1}
    later.refresh_from_db()
    assert later.status == ConsultationStatus.OPEN and later.opened_at

    today(NOV + datetime.timedelta(30))  # running's last day was NOV + 29
    assert tasks.sync_by_date.apply().get() == {"changed": 1}
    running.refresh_from_db()
    assert running.status == ConsultationStatus.CLOSED
    assert tasks.sync_by_date.apply().get() == {"changed": 0}  # idempotent

    note = Notification.objects.get(kind="consultation_closed", recipient=city["official"])
    # Rendered in the recipient's language (the portal's default, zh-hans), whatever the test's.
    assert running.number in note.body and ("2 comments" in note.body or "2条意见" in note.body)
    assert AuditEvent.objects.filter(action="consultation.close", object_id=str(running.pk)).count() == 1


def test_on_read_close_then_task_does_not_repeat(city, today):
    running = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV)
    today(NOV + datetime.timedelta(31))
    # An official answering triggers the close in the service itself.
    services.consultation_sync(consultation_id=running.pk)
    assert services.consultations_sync() == {"changed": 0}
    assert Notification.objects.filter(kind="consultation_closed").count() == 1


def test_beat_schedule_exists():
    assert PeriodicTask.objects.filter(task="consultations.sync_by_date").exists()
