"""The public register: no login, search (number, serial, item, enterprise), filters (department,
item, dates, status), pagination, revocations shown; the query count does not grow with rows."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from approvals.models import Application
from approvals.results.models import Certificate, Publication
from approvals.services.applications import application_transition
from approvals.workflow import ApplicationStatus
from tests.approvals.results.conftest import grant

A = ApplicationStatus
URL = "/results/"


def numbers(response) -> list[str]:
    return [p.number for p in response.context["page"].object_list]


@pytest.fixture
def published(city):
    citizen_app = grant(city)
    firm_app = grant(city, city["enterprise"])
    return {"citizen": citizen_app, "firm": firm_app}


def test_the_register_is_public_and_shows_masked_holders(client, published):
    assert reverse("results:register") == URL
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "张*丰" in html and "张三丰" not in html
    assert "云溪市好味餐饮有限公司" in html
    assert set(numbers(response)) == {published["citizen"].number, published["firm"].number}


def test_search_by_number_serial_item_and_enterprise(client, published):
    firm, citizen = published["firm"], published["citizen"]
    serial = Certificate.objects.get(application=firm).serial
    assert numbers(client.get(URL, {"q": firm.number})) == [firm.number]
    assert numbers(client.get(URL, {"q": serial})) == [firm.number]
    assert set(numbers(client.get(URL, {"q": "食品经营"}))) == {firm.number, citizen.number}
    assert numbers(client.get(URL, {"q": "好味餐饮"})) == [firm.number]
    # A natural person cannot be found by their real name.
    assert numbers(client.get(URL, {"q": "张三丰"})) == []


def test_filters_department_item_dates_and_status(client, city, published, today):
    firm = published["firm"]
    assert len(numbers(client.get(URL, {"department": city["bureau"].pk}))) == 2
    assert numbers(client.get(URL, {"department": city["other"].pk})) == []
    assert len(numbers(client.get(URL, {"item": city["item"].pk}))) == 2
    assert len(numbers(client.get(URL, {"from": "2026-11-02", "to": "2026-11-02"}))) == 2
    assert numbers(client.get(URL, {"from": "2026-11-03"})) == []
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=firm.pk)
        application_transition(locked, A.REVOKED, actor=None, reason="承诺不实")
    assert numbers(client.get(URL, {"status": "revoked"})) == [firm.number]
    response = client.get(URL, {"status": "published"})
    assert numbers(response) == [published["citizen"].number]
    # Malformed filters are ignored, never an error.
    assert client.get(URL, {"from": "yesterday", "department": "x", "status": "bogus"}).status_code == 200


def test_paginated_with_a_constant_number_of_queries(client, city, django_assert_num_queries, settings):
    settings.RESULTS_REGISTER_PAGE_SIZE = 3
    grant(city)
    # count, page, departments, items
    with django_assert_num_queries(4):
        assert client.get(URL).status_code == 200
    for _ in range(6):
        grant(city, city["enterprise"])
    with django_assert_num_queries(4):
        response = client.get(URL, {"page": 2})
    assert response.context["page"].paginator.num_pages == 3
    assert len(numbers(response)) == 3
    with django_assert_num_queries(4):
        client.get(URL, {"q": "食品", "department": city["bureau"].pk, "item": city["item"].pk, "page": 3})


def test_a_refusal_never_appears(client, city):
    refused = grant(city, grant_it=False)
    assert not Publication.objects.exists()
    assert refused.number not in client.get(URL).content.decode()


def test_decision_date_orders_the_register(client, city, today):
    first = grant(city)
    today(datetime.date(2026, 11, 3))
    second = grant(city, city["enterprise"])
    assert numbers(client.get(URL)) == [second.number, first.number]
