"""Concurrent calls (real threads, separate connections, PostgreSQL): one access-log row each, one
unbroken chain; and a page's query count does not grow with the records on it."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sharing.exchange.models import AccessLog
from sharing.exchange.verify import verify_access_log

from .conftest import URL, pull


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_pulls_each_log_once_in_one_chain(resource, agreement, token):
    calls = 8
    barrier = threading.Barrier(calls)
    statuses = []

    def call(n):
        try:
            barrier.wait()
            response = pull(Client(), resource.code, token if n % 2 == 0 else None)
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=call, args=(n,)) for n in range(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] * 4 + [401] * 4
    assert AccessLog.objects.count() == calls
    assert list(AccessLog.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, 9)
    )
    assert verify_access_log().ok


@pytest.mark.django_db
def test_page_queries_do_not_grow_with_records(client, resource, agreement, token):
    url = URL.format(code=resource.code)
    counts = []
    for limit in (2, 7):
        with CaptureQueriesContext(connection) as queries:
            assert pull(client, resource.code, token, url=f"{url}?limit={limit}").json()["count"] == limit
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
