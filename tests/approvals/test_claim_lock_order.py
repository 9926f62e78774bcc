"""Claiming a task takes the locks in the order deciding does: the application row, then the task,
then the audit chain. Otherwise a claim and a sibling task's decision deadlock (bench/faults.py
found it with 16 users: the claim answered 500)."""

import threading
import time

import pytest
from django.db import connection, transaction

from approvals import services
from approvals.models import Application
from approvals.workflow import TaskStatus
from portal.audit import chain
from portal.clocks import services as clocks
from portal.db import advisory_xact_lock
from tests.approvals.results.conftest import TODAY, build_city

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def accepted(monkeypatch):
    monkeypatch.setattr(clocks, "local_today", lambda: TODAY)
    city = build_city()
    app = services.application_create(actor=city["citizen"], item=city["item"])
    app = services.application_submit(actor=city["citizen"], application=app, form_data={})
    app = services.application_accept(actor=city["clerk"], application=app)
    return city, app, app.tasks.get()


def test_a_claim_and_a_decision_on_the_same_application_do_not_deadlock(accepted):
    city, app, task = accepted
    holding = threading.Event()
    outcomes = {}

    def decider():
        """What task_decide does for a sibling task: lock the application, then append to the audit
        chain, with the claim arriving in between."""
        try:
            with transaction.atomic():
                Application.objects.select_for_update().get(pk=app.pk)
                holding.set()
                time.sleep(1.5)
                advisory_xact_lock(chain.AUDIT_CHAIN_LOCK)
            outcomes["decider"] = "done"
        except Exception as exc:  # noqa: BLE001 - asserted below
            outcomes["decider"] = exc
        finally:
            connection.close()

    def claimer():
        holding.wait(timeout=10)
        try:
            services.task_claim(actor=city["reviewer"], task=task)
            outcomes["claim"] = "done"
        except Exception as exc:  # noqa: BLE001 - asserted below
            outcomes["claim"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=decider), threading.Thread(target=claimer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == {"decider": "done", "claim": "done"}
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_REVIEW
    assert task.assignee == city["reviewer"]
