"""The lists' query counts do not grow with the number of consultations."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coordination.consultations import services
from tests.factories.consultations import make_consultation

pytestmark = pytest.mark.django_db

NOV = datetime.date(2026, 11, 2)


def _add(city, n, start):
    for i in range(n):
        c = make_consultation(
            actor=city["official"],
            unit=city["unit"],
            opens_on=NOV - datetime.timedelta(days=i),
            title=f"方案{start + i}",
        )
        services.comment_create(actor=city["citizen"], consultation=c, text="意见")


@pytest.mark.parametrize(
    "url_name, who",
    [("list", None), ("manage_list", "official"), ("statistics", "official"), ("statistics", None)],
)
def test_list_queries_constant(city, today, client, url_name, who):
    if who:
        client.force_login(city[who])
    url = reverse(f"consultations:{url_name}")
    _add(city, 2, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _add(city, 8, 10)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    if url_name != "statistics" or who:
        assert "方案17" in response.content.decode()
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
