"""The reviewers' inbox filters and sorts by the review clock, and the inbox and the intake queue
cost the same number of queries for 10 rows as for 1,000."""

# The fixtures `city` and `today` are shared with test_application_workflow by import.
# ruff: noqa: F811

import datetime
import re
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.models import Application, DepartmentTask
from approvals.receivers import copy_review_clocks
from approvals.selectors import work as sel
from approvals.workflow import ApplicationStatus, TaskStatus
from portal.clocks.models import Clock
from tests.approvals.test_application_workflow import TODAY, city, today  # noqa: F401
from tests.factories import staff

A = ApplicationStatus
T = TaskStatus
SIGNALS = ["green", "yellow", "red", "paused"]
_serial = iter(range(1, 10**6))


def make_tasks(city, n, *, status=T.IN_REVIEW, signals=SIGNALS):
    """n applications in review with one fire task each and its review clock, in bulk."""
    fire_item = city["items"][1]
    apps = Application.objects.bulk_create(
        [
            Application(
                uuid=uuid.uuid4(),
                number=f"SP-BULK-{next(_serial):06d}",
                applicant=city["applicant"],
                item=fire_item,
                lead_department=city["bureau"],
                status=A.IN_REVIEW,
                received_on=TODAY,
                accepted_on=TODAY,
            )
            for _ in range(n)
        ]
    )
    tasks = DepartmentTask.objects.bulk_create(
        [
            DepartmentTask(application=app, item=fire_item, department=city["fire"], status=status)
            for app in apps
        ]
    )
    task_type = ContentType.objects.get_for_model(DepartmentTask)
    clocks = []
    for i, task in enumerate(tasks):
        signal = signals[i % len(signals)]
        clocks.append(
            Clock(
                subject_type=task_type,
                subject_id=str(task.pk),
                purpose="review",
                label=f"task {task.pk}",
                limit_days=5,
                state="paused" if signal == "paused" else "running",
                started_on=TODAY,
                due_date=TODAY + datetime.timedelta(days=(i * 7) % 30 - 5),
                signal=signal,
                signal_since=TODAY,
            )
        )
    copy_review_clocks(Clock.objects.bulk_create(clocks))
    return tasks


def make_submitted(city, n):
    apps = Application.objects.bulk_create(
        [
            Application(
                uuid=uuid.uuid4(),
                number=f"SP-SUB-{next(_serial):06d}",
                applicant=city["applicant"],
                package=city["package"],
                lead_department=city["bureau"],
                status=A.SUBMITTED,
                received_on=TODAY - datetime.timedelta(days=i % 7),
            )
            for i in range(n)
        ]
    )
    app_type = ContentType.objects.get_for_model(Application)
    Clock.objects.bulk_create(
        [
            Clock(
                subject_type=app_type,
                subject_id=str(app.pk),
                purpose="completeness",
                label=f"app {app.pk}",
                limit_days=5,
                started_on=app.received_on,
                due_date=app.received_on + datetime.timedelta(days=7),
                signal="green",
                signal_since=app.received_on,
            )
            for app in apps
        ]
    )
    return apps


def count_queries(client, url):
    client.get(url)  # warm caches (content types, calendar)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def rows(response):
    return [int(pk) for pk in re.findall(r'class="inbox-row" data-task="(\d+)"', response.content.decode())]


@pytest.mark.parametrize("name, maker", [("work:inbox", make_tasks), ("work:intake", make_submitted)])
def test_queue_queries_do_not_grow_with_the_rows(client, today, city, name, maker):
    user = city["reviewers"][1] if name == "work:inbox" else city["clerk"]
    client.force_login(user)
    maker(city, 10)
    small, _ = count_queries(client, reverse(name))
    maker(city, 990)
    large, response = count_queries(client, reverse(name))
    assert small == large
    if name == "work:intake":
        assert response.content.decode().count('class="intake-row"') == 1000
    else:
        assert len(rows(response)) == sel.INBOX_PAGE_SIZE  # paginated, the count says 1000
        assert response.context["page"].paginator.count == 1000


def test_lead_and_extension_queues_do_not_grow_with_the_rows(client, today, city):
    client.force_login(city["lead"])
    make_tasks(city, 10)
    small, _ = count_queries(client, reverse("work:lead"))
    make_tasks(city, 200)
    large, response = count_queries(client, reverse("work:lead"))
    assert small == large
    assert response.content.decode().count('class="lead-row"') == sel.LEAD_PAGE_SIZE  # a page
    assert response.context["page"].paginator.count == 210
    last = client.get(reverse("work:lead"), {"page": 5})
    assert last.content.decode().count('class="lead-row"') == 10

    fire_head = staff(city["fire"], "head", "fire-head")
    client.force_login(fire_head)
    make_tasks(city, 5, status=T.EXTENSION_PENDING)
    small, _ = count_queries(client, reverse("work:extensions"))
    make_tasks(city, 100, status=T.EXTENSION_PENDING)
    large, response = count_queries(client, reverse("work:extensions"))
    assert (
        small == large
        and response.content.decode().count('class="card shadow-sm mb-3 extension-request"') == 105
    )


def test_inbox_filters_by_signal_and_status(client, today, city):
    tasks = make_tasks(city, 8)
    pending = make_tasks(city, 2, status=T.PENDING, signals=["green"])
    done = make_tasks(city, 2, status=T.APPROVED, signals=["green"])
    client.force_login(city["reviewers"][1])
    clock_signal = dict(Clock.objects.filter(purpose="review").values_list("subject_id", "signal"))

    red = rows(client.get(reverse("work:inbox"), {"signal": "red"}))
    assert red and all(clock_signal[str(pk)] == "red" for pk in red)
    assert len(red) == sum(1 for t in tasks if clock_signal[str(t.pk)] == "red")

    open_rows = rows(client.get(reverse("work:inbox")))
    assert set(open_rows) == {t.pk for t in tasks + pending}  # decided tasks are not in the default view
    assert set(rows(client.get(reverse("work:inbox"), {"status": T.PENDING}))) == {t.pk for t in pending}
    assert set(rows(client.get(reverse("work:inbox"), {"status": "all"}))) == {
        t.pk for t in tasks + pending + done
    }
    # Nonsense filters fall back to the default view rather than failing.
    assert set(rows(client.get(reverse("work:inbox"), {"status": "x", "signal": "y", "page": "z"}))) == set(
        open_rows
    )


def test_inbox_sorts_by_due_date_both_ways(client, today, city):
    make_tasks(city, 12)
    client.force_login(city["reviewers"][1])
    due = dict(Clock.objects.filter(purpose="review").values_list("subject_id", "due_date"))
    ascending = rows(client.get(reverse("work:inbox")))
    dates = [due[str(pk)] for pk in ascending]
    assert dates == sorted(dates) and len(set(dates)) > 1
    descending = rows(client.get(reverse("work:inbox"), {"sort": "-due"}))
    assert [due[str(pk)] for pk in descending] == sorted(dates, reverse=True)


def test_inbox_shows_signal_colours_and_days_left(client, today, city):
    make_tasks(city, 4)
    client.force_login(city["reviewers"][1])
    body = client.get(reverse("work:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for signal in SIGNALS:
        assert f'data-signal="{signal}"' in body
    assert "text-bg-danger" in body and "text-bg-warning" in body and "text-bg-success" in body
    assert "working days left" in body or "working day left" in body
    assert "overdue" in body


def test_selector_scope_is_sql_only_for_the_reviewers_units(city):
    make_tasks(city, 3)
    assert sel.inbox(user=city["reviewers"][0]).count() == 0  # the bureau's reviewer
    assert sel.inbox(user=city["reviewers"][1]).count() == 3
    assert sel.inbox(user=city["applicant"]).count() == 0
