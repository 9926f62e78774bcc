"""The worker side: deliver (claim, send, mark), backoff, giving up, resend, the sweeper."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation

from portal.audit.models import AuditEvent
from portal.errors import TransitionNotAllowed
from portal.notifications import outbox
from portal.notifications.channels import LoggingSmsBackend
from portal.notifications.models import Channel, ChannelPreference, Delivery, DeliveryStatus, SmsMessage
from portal.notifications.outbox import backoff_seconds, deliveries_sweep, delivery_attempt
from portal.notifications.services import delivery_resend, notify
from portal.notifications.tasks import deliver, sweep
from tests.factories import AdminFactory, OfficialFactory, UserFactory
from tests.portal.notifications.helpers import UNREACHABLE_BROKER, use_broker

FAILING = "tests.portal.notifications.backends.FailingSmsBackend"


def _notify(users, key="event-1", **kwargs):
    notify(
        recipients=users,
        kind="generic",
        context={"title": "Reminder", "text": "Please act."},
        key=key,
        url="/cases/7/",
        **kwargs,
    )


def delivery(user, channel, key="event-1") -> Delivery:
    return Delivery.objects.get(notification__recipient=user, notification__key=key, channel=channel)


def reload(d: Delivery) -> Delivery:
    return Delivery.objects.get(pk=d.pk)


# --- Sending ----------------------------------------------------------------------------------------


def test_sms_is_stored_once_and_the_delivery_marked_sent(person):
    _notify([person])
    sms = delivery(person, Channel.SMS)
    assert deliver(sms.pk) == "sent"
    sms = reload(sms)
    assert (sms.status, sms.attempts, sms.next_attempt_at, sms.last_error) == (
        DeliveryStatus.SENT,
        1,
        None,
        "",
    )
    assert sms.sent_at is not None
    message = SmsMessage.objects.get()
    assert message.idempotency_key == sms.idempotency_key
    assert message.phone == "13800000001"
    assert message.text == "Reminder Please act. http://127.0.0.1:8000/cases/7/"


def test_deliver_twice_is_a_no_op(person):
    _notify([person])
    sms = delivery(person, Channel.SMS)
    email = delivery(person, Channel.EMAIL)
    assert [deliver(sms.pk), deliver(email.pk)] == ["sent", "sent"]
    assert [deliver(sms.pk), deliver(email.pk)] == ["skipped", "skipped"]
    assert SmsMessage.objects.count() == 1
    assert len(mail.outbox) == 1
    assert reload(sms).attempts == 1
    assert deliver(999_999) == "skipped"  # a row that does not exist (any more)


def test_a_delivery_being_sent_by_another_worker_is_left_alone(person):
    _notify([person])
    sms = delivery(person, Channel.SMS)
    Delivery.objects.filter(pk=sms.pk).update(status=DeliveryStatus.SENDING, attempts=1)
    assert deliver(sms.pk) == "skipped"
    assert not SmsMessage.objects.exists()


def test_email_is_sent_in_the_recipients_language_with_a_stable_message_id(person, settings):
    settings.DEFAULT_FROM_EMAIL = "portal@city.example.gov.cn"
    notify(
        recipients=[person],
        kind="deadline_changed",
        context={"subject_label": "X", "old_due": timezone.localdate(), "new_due": timezone.localdate()},
        key="changed",
        url="/cases/7/",
    )
    email = delivery(person, Channel.EMAIL, key="changed")
    assert deliver(email.pk) == "sent"
    (message,) = mail.outbox
    assert message.to == ["person@example.gov.cn"]
    assert message.subject == "Due date changed: X"
    assert message.extra_headers["Message-ID"] == f"<{email.idempotency_key}@city.example.gov.cn>"
    assert message.body.endswith("\n\nhttp://127.0.0.1:8000/cases/7/")
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html" and "http://127.0.0.1:8000/cases/7/" in html
    assert str(message.message()["Message-ID"]) == f"<{email.idempotency_key}@city.example.gov.cn>"


def test_email_without_an_address_fails_at_once_with_a_clear_error(db):
    user = UserFactory(email="", language="en")
    _notify([user])
    email = delivery(user, Channel.EMAIL)
    with translation.override("en"):
        assert deliver(email.pk) == "failed"
    email = reload(email)
    assert (email.status, email.attempts, email.next_attempt_at) == (DeliveryStatus.FAILED, 1, None)
    assert "no e-mail address" in email.last_error
    assert mail.outbox == []


def test_sms_without_a_phone_fails_at_once(no_phone):
    ChannelPreference.objects.create(user=no_phone, channel=Channel.SMS, enabled=True)
    _notify([no_phone])
    sms = delivery(no_phone, Channel.SMS)
    assert deliver(sms.pk) == "failed"
    assert reload(sms).status == DeliveryStatus.FAILED


# --- Retries ----------------------------------------------------------------------------------------


def test_backoff_is_exponential_and_capped(fast_retries):
    assert [backoff_seconds(n) for n in range(1, 7)] == [10, 30, 90, 100, 100, 100]


def test_default_backoff_schedule(settings):
    assert [backoff_seconds(n) for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1920, 3600]


def test_a_failed_attempt_waits_for_the_backoff_and_gives_up_after_max_attempts(
    person, fast_retries, settings
):
    settings.NOTIFICATIONS_SMS_BACKEND = FAILING
    _notify([person])
    sms = delivery(person, Channel.SMS)
    expected_waits = [10, 30]
    for attempt, wait in enumerate(expected_waits, start=1):
        before = timezone.now()
        assert delivery_attempt(delivery_id=sms.pk) == "retry"
        row = reload(sms)
        assert (row.status, row.attempts) == (DeliveryStatus.PENDING, attempt)
        assert "DeliveryError: provider unavailable" in row.last_error
        assert (
            before + timedelta(seconds=wait)
            <= row.next_attempt_at
            <= timezone.now() + timedelta(seconds=wait)
        )
    assert delivery_attempt(delivery_id=sms.pk) == "failed"  # the third of NOTIFICATIONS_MAX_ATTEMPTS=3
    row = reload(sms)
    assert (row.status, row.attempts, row.next_attempt_at) == (DeliveryStatus.FAILED, 3, None)
    assert delivery_attempt(delivery_id=sms.pk) == "skipped"
    assert not SmsMessage.objects.exists()


def test_an_unexpected_exception_is_retried_too(person, monkeypatch):
    def explode(self, **kwargs):
        raise ConnectionResetError("peer reset")

    monkeypatch.setattr(LoggingSmsBackend, "send", explode)
    _notify([person])
    sms = delivery(person, Channel.SMS)
    assert delivery_attempt(delivery_id=sms.pk) == "retry"
    assert reload(sms).last_error == "ConnectionResetError: peer reset"


def test_a_worker_that_lost_its_lease_cannot_mark_the_row_nor_keep_its_sink_write(person, monkeypatch):
    original = LoggingSmsBackend.send

    def send_then_lose_the_lease(self, **kwargs):
        original(self, **kwargs)
        # Meanwhile the sweeper expired our lease and another worker claimed the row.
        Delivery.objects.filter(idempotency_key=kwargs["idempotency_key"]).update(
            attempts=2, claim_token=uuid.uuid4()
        )

    monkeypatch.setattr(LoggingSmsBackend, "send", send_then_lose_the_lease)
    _notify([person])
    sms = delivery(person, Channel.SMS)
    assert delivery_attempt(delivery_id=sms.pk) == "lease-lost"
    assert not SmsMessage.objects.exists()  # rolled back with the failed mark
    assert reload(sms).status == DeliveryStatus.SENDING


# --- Resend -----------------------------------------------------------------------------------------


def _failed_sms(user, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    settings.NOTIFICATIONS_SMS_BACKEND = FAILING
    _notify([user])
    sms = delivery(user, Channel.SMS)
    assert delivery_attempt(delivery_id=sms.pk) == "failed"
    del settings.NOTIFICATIONS_SMS_BACKEND
    return sms


def test_resend_resets_a_failed_delivery_and_dispatches_it(
    person, settings, broker_queue, django_capture_on_commit_callbacks
):
    sms = _failed_sms(person, settings)
    broker_queue.clear()
    operator = AdminFactory()
    with django_capture_on_commit_callbacks(execute=True):
        delivery_resend(actor=operator, delivery=sms)
    row = reload(sms)
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 0)
    event = AuditEvent.objects.get(action="delivery.resend")
    assert (event.actor_id, event.object_id) == (operator.pk, str(sms.pk))
    assert event.before["status"] == "failed" and event.after["status"] == "pending"
    assert broker_queue.delivery_ids() == [sms.pk]
    assert deliver(sms.pk) == "sent"
    assert SmsMessage.objects.filter(idempotency_key=sms.idempotency_key).count() == 1


def test_a_resend_never_stores_the_same_message_twice(person, settings):
    sms = _failed_sms(person, settings)
    # The provider had the message after all (e.g. accepted, then the answer was lost).
    SmsMessage.objects.create(phone=person.phone, text="earlier", idempotency_key=sms.idempotency_key)
    delivery_resend(actor=AdminFactory(), delivery=sms)
    assert deliver(sms.pk) == "sent"
    assert SmsMessage.objects.filter(idempotency_key=sms.idempotency_key).count() == 1


def _stale_claim_then_resend_and_reclaim(user, settings):
    """Worker A claims attempt 1 and hangs; its lease expires on the last attempt, so the sweeper
    fails the row; an operator resends it (attempts back to 0); worker B claims the new attempt 1."""
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    ChannelPreference.objects.create(user=user, channel=Channel.EMAIL, enabled=False)
    _notify([user])
    sms = delivery(user, Channel.SMS)
    stale = outbox._claim(sms.pk)
    assert stale.attempts == 1
    later = timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS + 1)
    deliveries_sweep(now=later)
    assert reload(sms).status == DeliveryStatus.FAILED
    delivery_resend(actor=AdminFactory(), delivery=sms)
    live = outbox._claim(sms.pk)
    assert (live.attempts, reload(sms).status) == (1, DeliveryStatus.SENDING)  # same count as `stale`
    assert live.claim_token != stale.claim_token
    return sms, stale, live


def test_a_worker_hanging_from_before_a_resend_cannot_finish_the_new_attempt(person, settings):
    settings.NOTIFICATIONS_LEASE_SECONDS = 300
    sms, stale, live = _stale_claim_then_resend_and_reclaim(person, settings)

    assert outbox._send_claimed(stale) == "lease-lost"
    assert not SmsMessage.objects.exists()  # its sink write rolled back
    row = reload(sms)
    assert (row.status, row.attempts, row.claim_token, row.sent_at) == (
        DeliveryStatus.SENDING,
        1,
        live.claim_token,
        None,
    )

    assert outbox._send_claimed(live) == "sent"
    assert reload(sms).status == DeliveryStatus.SENT
    assert SmsMessage.objects.filter(idempotency_key=sms.idempotency_key).count() == 1

    assert outbox._send_claimed(stale) == "lease-lost"  # nor after the live worker finished
    assert SmsMessage.objects.count() == 1


def test_a_worker_hanging_from_before_a_resend_cannot_fail_the_new_attempt(person, settings):
    settings.NOTIFICATIONS_LEASE_SECONDS = 300
    sms, stale, live = _stale_claim_then_resend_and_reclaim(person, settings)
    settings.NOTIFICATIONS_SMS_BACKEND = FAILING
    assert outbox._send_claimed(stale) == "lease-lost"
    row = reload(sms)
    assert (row.status, row.claim_token) == (DeliveryStatus.SENDING, live.claim_token)
    del settings.NOTIFICATIONS_SMS_BACKEND
    assert outbox._send_claimed(live) == "sent"
    assert SmsMessage.objects.count() == 1


def test_only_failed_deliveries_can_be_resent_and_only_by_someone_allowed(person):
    _notify([person])
    with pytest.raises(TransitionNotAllowed):
        delivery_resend(actor=AdminFactory(), delivery=delivery(person, Channel.SMS))
    sms = delivery(person, Channel.EMAIL)
    Delivery.objects.filter(pk=sms.pk).update(status=DeliveryStatus.FAILED)
    with pytest.raises(PermissionDenied):
        delivery_resend(actor=OfficialFactory(), delivery=sms)
    assert reload(sms).status == DeliveryStatus.FAILED


# --- The sweeper ------------------------------------------------------------------------------------


def _at(status, *, seconds_from_now, user, key):
    _notify([user], key=key)
    d = delivery(user, Channel.SMS, key=key)
    Delivery.objects.filter(pk=d.pk).update(
        status=status,
        next_attempt_at=timezone.now() + timedelta(seconds=seconds_from_now),
        attempts=1 if status == DeliveryStatus.SENDING else 0,
    )
    return d


def test_sweeper_redispatches_due_rows_and_expired_leases_only(person, broker_queue, settings):
    settings.NOTIFICATIONS_LEASE_SECONDS = 120
    ChannelPreference.objects.create(user=person, channel=Channel.EMAIL, enabled=False)
    due = _at(DeliveryStatus.PENDING, seconds_from_now=-5, user=person, key="due")
    not_yet = _at(DeliveryStatus.PENDING, seconds_from_now=60, user=person, key="not-yet")
    expired = _at(DeliveryStatus.SENDING, seconds_from_now=-1, user=person, key="expired")
    leased = _at(DeliveryStatus.SENDING, seconds_from_now=60, user=person, key="leased")
    failed = _at(DeliveryStatus.FAILED, seconds_from_now=-60, user=person, key="failed")
    broker_queue.clear()

    before = timezone.now()
    assert sweep() == 2
    assert sorted(broker_queue.delivery_ids()) == sorted([due.pk, expired.pk])
    expired_row = reload(expired)
    assert expired_row.status == DeliveryStatus.PENDING
    assert "Lease expired" in expired_row.last_error
    for row in (reload(due), expired_row):  # not dispatched again before a lease has passed
        assert row.next_attempt_at >= before + timedelta(seconds=120)
    assert [reload(d).status for d in (not_yet, leased, failed)] == [
        DeliveryStatus.PENDING,
        DeliveryStatus.SENDING,
        DeliveryStatus.FAILED,
    ]
    assert deliveries_sweep() == 0  # nothing is due any more
    assert len(broker_queue.delivery_ids()) == 2
    # The worker then delivers what was dispatched, once.
    assert [deliver(pk) for pk in broker_queue.delivery_ids()] == ["sent", "sent"]
    assert SmsMessage.objects.count() == 2


def test_sweeper_works_in_batches(person, broker_queue, settings):
    settings.NOTIFICATIONS_SWEEP_BATCH_SIZE = 2
    ChannelPreference.objects.create(user=person, channel=Channel.EMAIL, enabled=False)
    rows = [_at(DeliveryStatus.PENDING, seconds_from_now=-5, user=person, key=f"k{i}") for i in range(5)]
    broker_queue.clear()
    assert deliveries_sweep() == 5
    assert sorted(broker_queue.delivery_ids()) == sorted(d.pk for d in rows)


def test_sweeper_leaves_new_deliveries_to_their_on_commit_dispatch(person, broker_queue):
    _notify([person])
    broker_queue.clear()
    assert deliveries_sweep() == 0  # within NOTIFICATIONS_DISPATCH_GRACE_SECONDS
    later = timezone.now() + timedelta(seconds=31)
    assert deliveries_sweep(now=later) == 2  # e-mail and SMS


def test_sweep_inside_a_transaction_is_still_safe(person, broker_queue, settings):
    settings.NOTIFICATIONS_DISPATCH_GRACE_SECONDS = 0
    with transaction.atomic():
        _notify([person])
    assert deliveries_sweep() == 2
    assert len(broker_queue.delivery_ids()) == 2


def test_sweeper_with_an_unreachable_broker_does_not_raise_and_keeps_the_rows(person, settings):
    settings.NOTIFICATIONS_DISPATCH_GRACE_SECONDS = 0
    _notify([person])
    with use_broker(UNREACHABLE_BROKER):
        assert deliveries_sweep() == 0
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == 2


def test_a_delivery_whose_last_attempt_lost_its_worker_gives_up(person, broker_queue, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    ChannelPreference.objects.create(user=person, channel=Channel.EMAIL, enabled=False)
    again = _at(DeliveryStatus.SENDING, seconds_from_now=-1, user=person, key="again")  # attempt 1 of 2
    last = _at(DeliveryStatus.SENDING, seconds_from_now=-1, user=person, key="last")
    Delivery.objects.filter(pk=last.pk).update(attempts=2)
    broker_queue.clear()
    assert deliveries_sweep() == 1
    assert broker_queue.delivery_ids() == [again.pk]
    last = reload(last)
    assert (last.status, last.next_attempt_at) == (DeliveryStatus.FAILED, None)
    assert "last attempt" in last.last_error


def test_a_broken_sms_backend_setting_is_a_failed_attempt(person, settings):
    settings.NOTIFICATIONS_SMS_BACKEND = "no.such.Backend"
    _notify([person])
    sms = delivery(person, Channel.SMS)
    assert delivery_attempt(delivery_id=sms.pk) == "retry"
    assert "No module named 'no'" in reload(sms).last_error
