"""Many transactions auditing at once still give one straight chain (PostgreSQL, real threads)."""

import time

import pytest
from django.db import transaction

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.audit.verify import verify_chain
from tests.threads import run_together

THREADS = 8

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_threads_auditing_at_once_keep_the_chain_linear_and_gapless():
    def work(n):
        with transaction.atomic():
            audit_record(actor=None, action="test.thread", after={"thread": n, "step": 1})
            time.sleep(0.02)  # hold the transaction open while the others queue up
            audit_record(actor=None, action="test.thread", after={"thread": n, "step": 2})

    errors = run_together(work, THREADS)
    assert not errors, errors

    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.sequence for e in events] == list(range(1, 2 * THREADS + 1))
    assert len({e.prev_hash for e in events}) == 2 * THREADS  # no fork
    # The chain lock is held until commit, so each transaction's two events are neighbours.
    for first, second in zip(events[::2], events[1::2], strict=True):
        assert first.after["thread"] == second.after["thread"]
        assert (first.after["step"], second.after["step"]) == (1, 2)
    report = verify_chain()
    assert report.ok, report.findings
    assert report.checked == 2 * THREADS
