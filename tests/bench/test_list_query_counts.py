"""List pages over the benchmark data: the query count does not grow with the rows (issue 11).

Seeds the harness at a tiny scale, counts the queries of the official's inbox, the applicant's
list and the supervision dashboard, then multiplies the rows those pages read (every seeded
application and its tasks, cloned ten times) and counts again.
"""

import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.models import Application, DepartmentTask
from portal.models import User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

PAGES = [("bench-off-0", "/work/inbox/"), ("bench-cit-0", "/apply/mine/"), ("bench-off-0", "/supervision/")]


def _queries(client, username, url) -> int:
    client.force_login(User.objects.get(username=username))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _multiply(copies: int) -> int:
    originals = list(Application.objects.exclude(number=None))
    tasks = list(DepartmentTask.objects.filter(application__in=originals))
    added = 0
    for n in range(copies):
        clones = []
        for app in originals:
            clone = Application.objects.get(pk=app.pk)
            clone.pk, clone.uuid, clone.number = None, uuid.uuid4(), f"{app.number}-{n}"
            clones.append(clone)
        Application.objects.bulk_create(clones)
        by_original = {o.pk: c for o, c in zip(originals, clones, strict=True)}
        new_tasks = []
        for task in tasks:
            fields = {
                f.attname: getattr(task, f.attname) for f in task._meta.concrete_fields if f.attname != "id"
            }
            fields["application_id"] = by_original[task.application_id].pk
            new_tasks.append(DepartmentTask(**fields))
        DepartmentTask.objects.bulk_create(new_tasks)
        added += len(clones)
    return added


def test_list_pages_keep_their_query_count_as_rows_grow(client):
    call_command("seed_bench", "--scale", "0.0002", "--today", "2026-11-04", "--no-progress")
    before = {url: _queries(client, user, url) for user, url in PAGES}
    rows_before = DepartmentTask.objects.filter(department__positions__user__username="bench-off-0").count()
    assert _multiply(10) > 0
    rows_after = DepartmentTask.objects.filter(department__positions__user__username="bench-off-0").count()
    assert rows_after >= 10 * rows_before > 0
    after = {url: _queries(client, user, url) for user, url in PAGES}
    assert Application.objects.filter(applicant__username="bench-cit-0").count() >= 11
    assert after == before
