"""The results demo loads after the city and the catalogue, shows every state, returns a verify URL
that verifies, and adds nothing the second time."""

import pytest
from django.urls import resolve

from approvals.demo import load_demo_catalogue
from approvals.models import Application
from approvals.results.demo import load_demo
from approvals.results.models import Certificate, Delivery, Publication, Seal
from approvals.workflow import ApplicationStatus
from coordination.demo import DemoLoader

A = ApplicationStatus


@pytest.fixture
def demo_city(db):
    DemoLoader().load()
    load_demo_catalogue()


def test_demo_results_cover_every_state_and_are_idempotent(demo_city, client):
    summary = load_demo()
    assert summary.startswith("4 results created")
    url = summary.rsplit(" ", 1)[-1]
    assert url.startswith("http://127.0.0.1:8000/verify/")
    path = url.removeprefix("http://127.0.0.1:8000")
    assert resolve(path).url_name == "verify"
    assert 'data-state="valid"' in client.get(path).content.decode()

    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == sorted([A.ISSUED, A.PUBLISHED, A.DELIVERED, A.REVOKED])
    assert Publication.objects.filter(status="revoked").count() == 1
    assert Delivery.objects.get(application__status=A.DELIVERED).method == "pickup"
    assert Seal.objects.filter(unit__code="yx-approval").exists()

    counts = [m.objects.count() for m in (Application, Certificate, Publication, Delivery, Seal)]
    again = load_demo()
    assert again.startswith("0 results created") and again.endswith(url)
    assert [m.objects.count() for m in (Application, Certificate, Publication, Delivery, Seal)] == counts
    register = client.get("/results/").content.decode()
    assert "云溪数字科技有限公司" in register and "张*" in register
