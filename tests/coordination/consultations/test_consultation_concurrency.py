"""Races on PostgreSQL with real threads: two officials publishing at the same moment publish
once and tell each commenter once; the daily task and a page closing a consultation at the same
moment close it once."""

import datetime
import threading

import pytest
from django.db import connection

from coordination.consultations import services
from coordination.consultations.models import ConsultationStatus, Outcome
from portal.audit.models import AuditEvent
from portal.errors import DomainError
from portal.notifications.models import Notification
from tests.factories.consultations import consultation_city, make_consultation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOV = datetime.date(2026, 11, 2)


def _race(calls):
    barrier = threading.Barrier(len(calls))
    results = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            results.append(call())
        except DomainError as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_publishers_publish_once(today):
    city = consultation_city()
    consultation = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV)
    comment = services.comment_create(actor=city["citizen"], consultation=consultation, text="意见")
    today(NOV + datetime.timedelta(30))
    services.comment_answer(actor=city["official"], comment=comment, outcome=Outcome.ADOPTED, answer="采纳")
    results = _race(
        [
            lambda who=who: services.consultation_publish(
                actor=city[who], consultation=consultation, summary=who
            )
            for who in ("official", "coordinator")
        ]
    )
    assert sum(isinstance(r, DomainError) for r in results) == 1
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.PUBLISHED
    assert AuditEvent.objects.filter(action="consultation.publish").count() == 1
    assert Notification.objects.filter(kind="consultation_answers_published").count() == 1


def test_task_and_a_page_closing_at_once_close_once(today):
    city = consultation_city()
    consultation = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV)
    services.comment_create(actor=city["citizen"], consultation=consultation, text="意见")
    today(NOV + datetime.timedelta(30))
    results = _race(
        [
            services.consultations_sync,
            lambda: services.consultation_sync(consultation_id=consultation.pk),
            services.consultations_sync,
        ]
    )
    changed = [r["changed"] if isinstance(r, dict) else int(r) for r in results]
    assert sorted(changed) == [0, 0, 1]
    assert AuditEvent.objects.filter(action="consultation.close").count() == 1
    assert Notification.objects.filter(kind="consultation_closed").count() == 1
