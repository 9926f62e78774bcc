"""The demo data sharing loads into the demo city, twice without change, with the issue's scenario."""

import pytest
from django.urls import reverse

from coordination.demo import DemoLoader
from portal.models import User
from sharing.demo import load_demo
from sharing.models import Agreement, DataRequest, DataResource, RequestStatus, ResourceVersion, SharingType

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (DataResource, ResourceVersion, DataRequest, Agreement)]


def test_demo_is_idempotent_and_holds_the_scenario(client):
    DemoLoader().load()
    assert load_demo() == {"resources": 12, "requests": 6}
    first = counts()
    assert load_demo() == {"resources": 0, "requests": 0}
    assert counts() == first

    assert set(DataResource.objects.values_list("sharing_type", flat=True)) == set(SharingType.values)
    assert DataResource.objects.filter(provider__level=2).exists(), "provincial resources too"
    statuses = set(DataRequest.objects.values_list("status", flat=True))
    assert {RequestStatus.APPROVED, RequestStatus.PROVIDER_REVIEW, RequestStatus.NEGOTIATION} <= statuses

    scenario = DataRequest.objects.get(consumer__code="yx-civil", resource__code="A01-01-01-0001")
    assert scenario.items.count() == 5
    agreement = scenario.agreements.get()
    assert len(agreement.approved_item_codes()) == 3
    assert agreement.provider.code == "jl-police"
    assert agreement.direction == "down"

    client.force_login(User.objects.get(username="steward"))
    assert client.get(reverse("sharing:agreements")).status_code == 200
    client.force_login(User.objects.get(username="civil-steward"))
    assert client.get(agreement.get_absolute_url()).status_code == 200
