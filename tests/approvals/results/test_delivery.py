"""Delivery: the applicant chooses pickup or express among the item's options; the clerk records
ready / sent (carrier + tracking number); the handover or receipt is confirmed, ISSUED → DELIVERED;
the applicant is told at each step. Another applicant gets 404, a non-clerk 403; bad input keeps
what was typed and changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from approvals.results import services as results
from approvals.results.models import Delivery, DeliveryState
from approvals.workflow import ApplicationStatus
from portal.errors import DomainError, TransitionNotAllowed
from portal.notifications.models import Notification
from tests.approvals.results.conftest import TODAY, grant
from tests.factories import PASSWORD

A = ApplicationStatus
EXPRESS = {
    "method": "express",
    "recipient": "张三丰",
    "phone": "13812345678",
    "address": "云溪市兴庆区解放西街1号",
}


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions read English messages


def events(user) -> list[str]:
    return sorted(
        n.key.rsplit(":", 1)[-1]
        for n in Notification.objects.filter(recipient=user, kind="certificate_event")
    )


@pytest.fixture
def issued(city):
    app = grant(city)
    results.certificate_issue(actor=city["clerk"], application=app)
    app.refresh_from_db()
    return app


def test_express_through_the_pages(client, city, issued):
    app = issued
    login(client, city["citizen"])
    page = client.get(f"/apply/a/{app.uuid}/").content.decode()
    assert 'id="results"' in page and 'id="delivery-form"' in page and "certificate-download" in page
    response = client.post(reverse("results:choose-delivery", kwargs={"uuid": app.uuid}), EXPRESS)
    assert response.status_code == 302 and response["Location"] == f"/apply/a/{app.uuid}/#results"
    delivery = Delivery.objects.get(application=app)
    assert delivery.method == "express" and delivery.state == DeliveryState.CHOSEN

    login(client, city["clerk"])
    page = client.get(f"/work/applications/{app.uuid}/").content.decode()
    assert 'id="ship-form"' in page
    response = client.post(
        reverse("results:ship", kwargs={"uuid": app.uuid}),
        {"carrier": "EMS", "tracking_number": "em123456789cn"},
    )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SHIPPED and delivery.tracking_number == "EM123456789CN"

    login(client, city["citizen"])
    assert "EM123456789CN" in client.get(f"/apply/a/{app.uuid}/").content.decode()
    client.post(reverse("results:confirm", kwargs={"uuid": app.uuid}))
    app.refresh_from_db()
    delivery.refresh_from_db()
    assert app.status == A.DELIVERED and delivery.state == DeliveryState.DELIVERED
    assert delivery.delivered_on == TODAY and delivery.confirmed_by == city["citizen"]
    assert events(city["citizen"]) == ["delivered", "issued", "shipped"]


def test_pickup_is_readied_and_handed_over_by_the_clerk(city, issued):
    app = issued
    results.delivery_choose(actor=city["citizen"], application=app, method="pickup")
    results.delivery_ready(actor=city["clerk"], application=app)
    with pytest.raises(PermissionDenied):  # the applicant cannot confirm their own pickup
        results.delivery_confirm(actor=city["citizen"], application=app)
    results.delivery_confirm(actor=city["clerk"], application=app)
    app.refresh_from_db()
    assert app.status == A.DELIVERED
    assert events(city["citizen"]) == ["delivered", "issued", "ready"]


def test_the_clerk_may_ready_a_pickup_the_applicant_never_chose(city, issued):
    results.delivery_ready(actor=city["clerk"], application=issued)
    assert Delivery.objects.get(application=issued).method == "pickup"


def test_only_the_items_delivery_options_are_offered(city):
    city["item"].delivery_options = ["pickup"]
    city["item"].save()
    app = grant(city)
    assert results.allowed_methods(app) == ["pickup"]
    with pytest.raises(DomainError) as info:
        results.delivery_choose(actor=city["citizen"], application=app, **EXPRESS)
    assert info.value.field == "method"


def test_bad_express_input_is_refused_field_by_field_and_keeps_what_was_typed(client, city, issued):
    login(client, city["citizen"])
    url = reverse("results:choose-delivery", kwargs={"uuid": issued.uuid})
    response = client.post(url, {**EXPRESS, "phone": "12345"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Give a mobile or landline number" in html
    assert "云溪市兴庆区解放西街1号" in html  # nothing typed is lost
    assert not Delivery.objects.exists()
    for field in ("recipient", "address"):
        with pytest.raises(DomainError) as info:
            results.delivery_choose(actor=city["citizen"], application=issued, **{**EXPRESS, field: ""})
        assert info.value.field == field


def test_bad_tracking_number_is_refused(client, city, issued):
    results.delivery_choose(actor=city["citizen"], application=issued, **EXPRESS)
    login(client, city["clerk"])
    response = client.post(
        reverse("results:ship", kwargs={"uuid": issued.uuid}), {"carrier": "EMS", "tracking_number": "#?"}
    )
    assert response.status_code == 400
    assert "A tracking number has 6 to 40" in response.content.decode()
    assert Delivery.objects.get(application=issued).state == DeliveryState.CHOSEN


def test_another_applicant_gets_404_and_a_non_clerk_403(client, city, issued):
    urls = {
        name: reverse(f"results:{name}", kwargs={"uuid": issued.uuid})
        for name in ("choose-delivery", "ready", "ship", "confirm", "issue")
    }
    login(client, city["stranger"])
    for url in urls.values():
        assert client.post(url, EXPRESS).status_code == 404
    login(client, city["other_clerk"])  # a clerk of another department cannot see it either
    assert client.post(urls["ready"]).status_code == 404
    login(client, city["reviewer"])  # sees the application, but is not a window clerk
    assert client.post(urls["ready"]).status_code == 403
    assert (
        client.post(urls["ship"], {"carrier": "EMS", "tracking_number": "EM123456789CN"}).status_code == 403
    )
    assert client.post(urls["choose-delivery"], EXPRESS).status_code == 403
    login(client, city["citizen"])
    assert client.post(urls["ready"]).status_code == 403
    assert not Delivery.objects.exists()


def test_delivery_steps_in_order_only(city):
    app = grant(city)
    results.delivery_choose(actor=city["citizen"], application=app, **EXPRESS)  # before issue: fine
    with pytest.raises(TransitionNotAllowed):
        results.delivery_ship(
            actor=city["clerk"], application=app, carrier="EMS", tracking_number="EM1234567"
        )
    results.certificate_issue(actor=city["clerk"], application=app)
    with pytest.raises(TransitionNotAllowed):
        results.delivery_confirm(actor=city["citizen"], application=app)
    with pytest.raises(TransitionNotAllowed):
        results.delivery_ready(actor=city["clerk"], application=app)  # express was chosen
    results.delivery_ship(actor=city["clerk"], application=app, carrier="EMS", tracking_number="EM1234567")
    with pytest.raises(TransitionNotAllowed):
        results.delivery_choose(actor=city["citizen"], application=app, method="pickup")


def test_the_clerks_queue_lists_what_is_to_issue_and_deliver(client, city):
    waiting = grant(city)
    issued_app = grant(city, city["enterprise"])
    results.certificate_issue(actor=city["clerk"], application=issued_app)
    login(client, city["clerk"])
    response = client.get(reverse("results:work"))
    assert response.status_code == 200
    rows = {a.number: a for a in response.context["rows"]}
    assert set(rows) == {waiting.number, issued_app.number}
    assert rows[waiting.number].issue_signal == "green" and rows[waiting.number].issue_days_left == 10
    login(client, city["reviewer"])
    assert client.get(reverse("results:work")).status_code == 403
    login(client, city["other_clerk"])
    assert client.get(reverse("results:work")).context["rows"] == []
