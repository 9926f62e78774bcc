"""Many transactions auditing at once still give one straight chain (PostgreSQL, real threads)."""

import threading
import time

import pytest
from django.db import connection, transaction

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.audit.verify import verify_chain

THREADS = 8

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_threads_auditing_at_once_keep_the_chain_linear_and_gapless():
    barrier = threading.Barrier(THREADS)
    errors = []

    def work(n):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                audit_record(actor=None, action="test.thread", after={"thread": n, "step": 1})
                time.sleep(0.02)  # hold the transaction open while the others queue up
                audit_record(actor=None, action="test.thread", after={"thread": n, "step": 2})
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
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
