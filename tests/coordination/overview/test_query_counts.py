"""The figures cost the same number of queries for 2 objects per area as for 20."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from coordination.overview import registry
from tests.factories.overview import populate

PROVIDERS = ("approvals", "sharing", "ppp")


def counts(viewer) -> dict:
    result = {}
    for key in PROVIDERS:
        _order, provider = registry._providers[key]
        with CaptureQueriesContext(connection) as queries:
            provider(viewer)
        result[key] = len(queries.captured_queries)
    return result


def test_queries_do_not_grow_with_the_data(city):
    viewers = {
        "city-wide": city.leader,
        "supervisor": city.supervisor,
        "department": city.reviewer_a,
        "steward": city.steward_a,
        "public": None,
    }
    populate(city, 2)
    for viewer in viewers.values():
        counts(viewer)  # warm the per-process caches (content types, the working-day calendar)
    small = {name: counts(viewer) for name, viewer in viewers.items()}
    populate(city, 18)  # 20 per area now
    large = {name: counts(viewer) for name, viewer in viewers.items()}
    assert small == large
    assert all(n <= 12 for per_viewer in large.values() for n in per_viewer.values()), large


def test_the_pages_stay_within_a_fixed_number_of_queries(client, city, django_assert_max_num_queries):
    populate(city, 20)
    client.force_login(city.leader)
    client.get("/overview/")  # warm caches
    with django_assert_max_num_queries(45):
        assert client.get("/overview/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/overview/public/").status_code == 200
