"""Two supervisors issuing a notice for the same task at the same moment create one notice."""

import datetime
import threading

import pytest
from django.db import connection

from approvals.supervision import services
from approvals.supervision.models import SupervisionNotice
from portal.errors import Conflict
from tests.factories import staff

from .conftest import accepted, build_city, task_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_issuers_create_one_notice(today):
    city = build_city()
    app = accepted(city)
    task = task_of(app, "FIRE")
    second = staff(city["office"], "supervisor", "sup-2", "王监察")
    today(datetime.date(2026, 11, 10))  # red
    barrier = threading.Barrier(2)
    results = []

    def issue(user):
        try:
            barrier.wait(timeout=10)
            results.append(services.notice_issue(actor=user, application=app, task=task).number)
        except Conflict as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(u,)) for u in (city["supervisor"], second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert SupervisionNotice.objects.filter(task=task).count() == 1
    assert sum(isinstance(r, str) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1
