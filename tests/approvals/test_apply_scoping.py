"""Applicants see only their own applications: everything else is 404, never 403. The list of
one's applications reads in a fixed number of queries, whatever their number."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import services
from approvals.models import Application
from approvals.workflow import ApplicationStatus
from tests.approvals.test_apply_support import *  # noqa: F403 - the shared fixtures
from tests.approvals.test_apply_support import draft, login, ready_draft

A = ApplicationStatus


@pytest.mark.parametrize("name", ["detail", "edit", "withdraw", "supply"])
def test_other_peoples_applications_are_404_everywhere(client, city, name):
    app = ready_draft(city)
    login(client, city["stranger"])
    url = reverse(f"apply:{name}", kwargs={"uuid": app.uuid})
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x", "action": "save", "shop_name": "抢注"}).status_code == 404
    app.refresh_from_db()
    assert app.status == A.DRAFT and app.form_data["shop_name"] == "老张面馆"


def test_other_peoples_materials_endpoint_is_404(client, city):
    app = ready_draft(city)
    login(client, city["stranger"])
    row = app.materials.first()
    url = reverse("apply:materials", kwargs={"uuid": app.uuid})
    assert client.post(url, {"action": "remove", "file": row.pk}).status_code == 404
    assert app.materials.filter(pk=row.pk).exists()


def test_officials_do_not_use_the_applicant_pages(client, city):
    app = ready_draft(city)
    login(client, city["clerk"])
    assert client.get(reverse("apply:detail", kwargs={"uuid": app.uuid})).status_code == 404


def test_own_detail_shows_number_timeline_and_form(client, city):
    app = ready_draft(city)
    services.application_submit_complete(actor=city["applicant"], application=app)
    login(client, city["applicant"])
    body = client.get(reverse("apply:detail", kwargs={"uuid": app.uuid})).content.decode()
    app.refresh_from_db()
    assert app.number in body and app.query_code in body
    assert 'data-status="draft"' in body and 'data-status="submitted"' in body  # timeline
    assert "老张面馆" in body
    assert "Completeness check" in body  # the clock card


def test_my_applications_lists_only_mine_newest_first(client, city):
    first = draft(city)
    second = ready_draft(city)
    services.application_submit_complete(actor=city["applicant"], application=second)
    theirs = draft(city, user=city["stranger"])
    login(client, city["applicant"])
    body = client.get(reverse("apply:mine")).content.decode()
    assert str(second.uuid) in body and str(first.uuid) in body and str(theirs.uuid) not in body
    assert body.index(str(second.uuid)) < body.index(str(first.uuid))
    assert "Submitted" in body and "text-bg-info" in body


def _bulk(city, n):
    Application.objects.bulk_create(
        [
            Application(
                applicant=city["applicant"],
                item=city["items"]["FOOD"] if i % 2 else None,
                package=None if i % 2 else city["package"],
                lead_department=city["bureau"],
                status=A.SUBMITTED if i % 3 else A.DRAFT,
            )
            for i in range(n)
        ],
        batch_size=500,
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_my_applications_query_count_is_constant_for_10_and_1000(client, city):
    login(client, city["applicant"])
    url = reverse("apply:mine")
    _bulk(city, 10)
    ten = _queries(client, url)
    _bulk(city, 990)
    assert Application.objects.filter(applicant=city["applicant"]).count() == 1000
    thousand = _queries(client, url)
    assert ten == thousand
    assert _queries(client, url + "?page=50") == thousand
