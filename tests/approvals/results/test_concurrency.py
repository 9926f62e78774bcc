"""Under real concurrency (PostgreSQL, threads, separate connections): two clerks pressing "issue"
at the same moment issue once; grants decided at the same moment get distinct serials."""

import threading

import pytest
from django.db import connection

from approvals import services as approvals_services
from approvals.models import Application, StatusChange
from approvals.results import services as results
from approvals.results.models import Certificate
from approvals.workflow import ApplicationStatus, TaskStatus
from portal.errors import TransitionNotAllowed
from tests.approvals.results.conftest import TODAY
from tests.factories import staff

A = ApplicationStatus
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            outcomes.append(call())
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the caller
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_clerks_issuing_at_once_issue_once(city):
    from tests.approvals.results.conftest import grant

    app = grant(city)
    second = staff(city["bureau"], "window_clerk", "clerk2")
    outcomes = run_together(
        [
            lambda: results.certificate_issue(actor=city["clerk"], application=app),
            lambda: results.certificate_issue(actor=second, application=app),
        ]
    )
    assert sum(isinstance(o, list) for o in outcomes) == 1
    assert sum(isinstance(o, TransitionNotAllowed) for o in outcomes) == 1
    assert StatusChange.objects.filter(application=app, to_status=A.ISSUED).count() == 1
    assert Application.objects.get(pk=app.pk).status == A.ISSUED


def test_grants_at_the_same_moment_get_distinct_serials(city):
    apps = []
    for applicant in (city["citizen"], city["enterprise"], city["stranger"]):
        app = approvals_services.application_create(actor=applicant, item=city["item"])
        app = approvals_services.application_submit(actor=applicant, application=app, form_data={})
        app = approvals_services.application_accept(actor=city["clerk"], application=app)
        task = app.tasks.get()
        approvals_services.task_claim(actor=city["reviewer"], task=task)
        approvals_services.task_decide(
            actor=city["reviewer"], task=task, decision=TaskStatus.APPROVED, opinion="同意"
        )
        apps.append(app)
    outcomes = run_together(
        [
            (lambda a=a: approvals_services.application_decide(actor=city["lead"], application=a, grant=True))
            for a in apps
        ]
    )
    assert not [o for o in outcomes if isinstance(o, Exception)]
    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    assert serials == [f"YX-APPROVAL-{TODAY.year}-{n:06d}" for n in (1, 2, 3)]
