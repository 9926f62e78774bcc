"""The payment-mechanism page: a finance official sets the bands; bad input is refused and kept."""

import json

import pytest
from django.urls import reverse

from operations.performance.models import PaymentMechanism

BANDS = [
    {"min": 0, "max": 60, "kind": "step", "coef_min": "0"},
    {"min": 60, "max": 100, "kind": "linear", "coef_min": "0.60", "coef_max": "1.00"},
]


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def form(**overrides):
    data = {
        "contract_version": "2",
        "availability_payment": "on",
        "linked_amount": "800000",
        "fixed_amount": "200000",
        "bands": json.dumps(BANDS),
        "abatement_per_event": "10000",
        "incentive_per_point": "0",
        "incentive_cap": "0",
        "payment_due_days": "20",
    }
    return {**data, **overrides}


def test_the_manager_sets_a_new_mechanism_and_the_old_one_stays(client, ppp):
    client.force_login(ppp.manager)
    url = reverse("performance:mechanism", args=[ppp.project.code])
    page = client.get(url)
    assert page.status_code == 200 and "900000" in page.content.decode()  # the current one is shown
    response = client.post(url, form())
    assert response.status_code == 302
    active = PaymentMechanism.objects.get(project=ppp.project, active=True)
    assert active.contract_version == 2 and str(active.linked_amount) == "800000.00"
    assert PaymentMechanism.objects.filter(pk=ppp.mechanism.pk, active=False).exists()


def test_bad_bands_and_the_legacy_share_are_refused_with_the_reason(client, ppp):
    client.force_login(ppp.manager)
    url = reverse("performance:mechanism", args=[ppp.project.code])
    response = client.post(url, form(bands="[{oops"))
    assert response.status_code == 400 and "not valid JSON" in response.content.decode()
    response = client.post(url, form(bands=json.dumps([{"min": 50, "max": 40, "coef_min": 1}])))
    assert response.status_code == 400 and "0 ≤ min &lt; max ≤ 100" in response.content.decode()
    # Legacy PPP: at least 30% of the availability payment floats with performance.
    response = client.post(url, form(linked_amount="100000", fixed_amount="900000"))
    body = response.content.decode()
    assert response.status_code == 400 and "at least" in body and 'value="900000"' in body
    assert PaymentMechanism.objects.filter(project=ppp.project).count() == 1


def test_only_the_projects_editors_reach_the_page(client, ppp):
    url = reverse("performance:mechanism", args=[ppp.project.code])
    client.force_login(ppp.company_rep)
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, form()).status_code in (403, 404)
    assert PaymentMechanism.objects.filter(project=ppp.project).count() == 1
