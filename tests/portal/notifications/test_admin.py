"""Admin: deliveries with filters, the failed deliveries page with "resend", read-only rows."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from portal.notifications.models import Channel, Delivery, DeliveryStatus, Notification, SmsMessage
from portal.notifications.services import notify
from tests.factories import AdminFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(AdminFactory())
    return client


@pytest.fixture
def deliveries(person, no_phone):
    for user in (person, no_phone):
        notify(recipients=[user], kind="generic", context={"title": f"To {user.username}"}, key="e")
    failed = Delivery.objects.get(notification__recipient=person, channel=Channel.SMS)
    Delivery.objects.filter(pk=failed.pk).update(
        status=DeliveryStatus.FAILED, attempts=8, last_error="DeliveryError: provider unavailable"
    )
    return failed


def test_delivery_list_filters_by_status_and_channel(admin_client, deliveries):
    url = reverse("admin:notifications_delivery_changelist")
    assert admin_client.get(url).status_code == 200
    response = admin_client.get(url, {"status__exact": "failed"})
    assert list(response.context["cl"].queryset) == [deliveries]
    assert "provider unavailable" in response.content.decode()
    response = admin_client.get(url, {"channel__exact": "email"})
    assert {d.channel for d in response.context["cl"].queryset} == {Channel.EMAIL}
    assert response.context["cl"].result_count == 2


def test_failed_deliveries_page_lists_only_failed_ones(admin_client, deliveries):
    response = admin_client.get(reverse("admin:notifications_faileddelivery_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [deliveries]


def test_resend_action_resets_and_dispatches_failed_deliveries(
    admin_client, deliveries, broker_queue, django_capture_on_commit_callbacks
):
    pending = Delivery.objects.filter(status=DeliveryStatus.PENDING).first()
    broker_queue.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:notifications_faileddelivery_changelist"),
            {"action": "resend", ACTION_CHECKBOX_NAME: [deliveries.pk, pending.pk]},
        )
    assert response.status_code == 302
    deliveries.refresh_from_db()
    assert (deliveries.status, deliveries.attempts) == (DeliveryStatus.PENDING, 0)
    assert broker_queue.delivery_ids() == [deliveries.pk]


def test_resend_action_on_the_delivery_list(admin_client, deliveries, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:notifications_delivery_changelist"),
            {"action": "resend", ACTION_CHECKBOX_NAME: [deliveries.pk]},
        )
    deliveries.refresh_from_db()
    assert deliveries.status == DeliveryStatus.PENDING


def test_outbox_rows_are_read_only_in_the_admin(admin_client, deliveries):
    notification = Notification.objects.first()
    assert admin_client.get(reverse("admin:notifications_notification_add")).status_code == 403
    assert admin_client.get(reverse("admin:notifications_delivery_add")).status_code == 403
    assert admin_client.get(reverse("admin:notifications_smsmessage_add")).status_code == 403
    change = reverse("admin:notifications_notification_change", args=[notification.pk])
    assert admin_client.get(change).status_code == 200
    admin_client.post(change, {"title": "changed"})
    notification.refresh_from_db()
    assert notification.title != "changed"
    delete = reverse("admin:notifications_delivery_delete", args=[deliveries.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Delivery.objects.filter(pk=deliveries.pk).exists()


def test_sms_messages_are_listed(admin_client, db):
    SmsMessage.objects.create(phone="13800000001", text="Hello", idempotency_key="k" * 64)
    html = admin_client.get(reverse("admin:notifications_smsmessage_changelist")).content.decode()
    # The number is personal data: listed masked (docs/security.md), found by its exact value.
    assert "138****0001" in html and "Hello" in html and "13800000001" not in html
    found = admin_client.get(reverse("admin:notifications_smsmessage_changelist"), {"q": "13800000001"})
    assert "138****0001" in found.content.decode()
    missed = admin_client.get(reverse("admin:notifications_smsmessage_changelist"), {"q": "13800000002"})
    assert "138****0001" not in missed.content.decode()
