"""The express delivery's phone (personal data, issue 10): encrypted at rest, masked on every page,
shown in full only to the applicant and the clerk sending the parcel, each view audited."""

import pytest
from django.db import connection
from django.urls import reverse

from approvals.results import services as results
from approvals.results.models import Delivery
from portal.audit.models import AuditEvent
from tests.approvals.results.conftest import grant
from tests.approvals.results.test_delivery import EXPRESS, login

PHONE = EXPRESS["phone"]
MASKED = "138****5678"


@pytest.fixture
def express(city):
    app = grant(city)
    results.certificate_issue(actor=city["clerk"], application=app)
    results.delivery_choose(actor=city["citizen"], application=app, **EXPRESS)
    app.refresh_from_db()
    return app


def test_the_phone_is_stored_encrypted_and_stays_out_of_the_audit_trail(express):
    delivery = Delivery.objects.get(application=express)
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM results_delivery WHERE id = %s", [delivery.pk])
        assert PHONE not in cursor.fetchone()[0]
    choose = AuditEvent.objects.get(action="delivery.choose", object_id=str(delivery.pk))
    assert PHONE not in str(choose.before) + str(choose.after)


def test_officials_see_the_phone_masked_and_only_the_clerk_may_show_it(client, city, express):
    url = reverse("results:delivery-phone", kwargs={"uuid": express.uuid})
    delivery = Delivery.objects.get(application=express)
    login(client, city["reviewer"])
    page = client.get(f"/work/applications/{express.uuid}/").content.decode()
    assert MASKED in page and PHONE not in page and url not in page  # no "Show" for a reviewer
    assert client.post(url).status_code == 403

    login(client, city["clerk"])
    page = client.get(f"/work/applications/{express.uuid}/").content.decode()
    assert MASKED in page and PHONE not in page and url in page
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and PHONE in response.content.decode()
    event = AuditEvent.objects.get(action="pii.reveal", object_id=str(delivery.pk))
    assert event.actor_id == city["clerk"].pk and event.after == {"field": "phone"}
    assert event.reason == "express delivery" and PHONE not in str(event.after) + event.reason

    login(client, city["other_clerk"])  # a clerk of another bureau: not their application
    assert client.post(url).status_code == 404
    login(client, city["stranger"])
    assert client.post(url).status_code == 404
    assert AuditEvent.objects.filter(action="pii.reveal").count() == 1


def test_the_applicant_may_show_their_own_phone_without_javascript(client, city, express):
    login(client, city["citizen"])
    response = client.post(reverse("results:delivery-phone", kwargs={"uuid": express.uuid}))
    assert response.status_code == 200
    body = response.content.decode()
    assert PHONE in body and "audit trail" in body  # a page of its own, with the notice
    assert AuditEvent.objects.filter(action="pii.reveal", actor=city["citizen"]).count() == 1
