"""End to end with real Redis, real PostgreSQL and a real Celery worker started by the test.

Each test starts `celery -A portal worker --pool=solo` as a subprocess in its own process group,
pointed at the test database (DATABASE_URL built from the test connection) and at a dedicated
Redis database (flushed before and after), and stops it at the end (SIGTERM, then SIGKILL).
This process's Celery app is pointed at the same Redis database while the test runs.
"""

from __future__ import annotations

import signal
import time

import pytest
from django.db import transaction
from django.utils import timezone

from portal.notifications.models import Channel, ChannelPreference, Delivery, DeliveryStatus, SmsMessage
from portal.notifications.outbox import deliveries_sweep
from portal.notifications.services import notify
from portal.notifications.tasks import sweep
from tests.celery_worker import Worker
from tests.factories import UserFactory
from tests.portal.notifications.helpers import REDIS_OPTIONS, UNREACHABLE_BROKER, use_broker, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SLOW_BACKEND = "tests.portal.notifications.backends.SlowSmsBackend"


def sms_only_user(**kwargs):
    """SMS on (the user has a phone), e-mail off: every delivery lands in the SmsMessage sink."""
    user = UserFactory(phone="13900000000", email="", language="en", **kwargs)
    ChannelPreference.objects.create(user=user, channel=Channel.EMAIL, enabled=False)
    return user


def sms_deliveries():
    return Delivery.objects.filter(channel=Channel.SMS)


def assert_each_delivered_exactly_once(expected: int, *workers: Worker, attempts: int = 1):
    keys = list(sms_deliveries().values_list("idempotency_key", flat=True))
    assert len(keys) == expected
    assert SmsMessage.objects.count() == expected
    assert set(SmsMessage.objects.values_list("idempotency_key", flat=True)) == set(keys)
    assert set(sms_deliveries().values_list("status", "attempts")) == {(DeliveryStatus.SENT, attempts)}
    assert not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()
    # What the workers actually sent (the logging backend logs once per stored message).
    assert sum(w.output().count("SMS to 139") for w in workers) == expected


@pytest.fixture
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_200_changes_give_200_deliveries_each_exactly_once(start_worker, fast_hashing):
    worker = start_worker()
    users = [sms_only_user() for _ in range(10)]
    for change in range(20):
        for user in users:
            with transaction.atomic():
                user.save(update_fields=["last_login"])  # the change
                notify(
                    recipients=[user],
                    kind="generic",
                    context={"title": "Change", "text": str(change)},
                    key=f"change-{change}",
                )
    wait_until(
        lambda: sms_deliveries().filter(status=DeliveryStatus.SENT).count() == 200,
        timeout=40,
        message=f"{sms_deliveries().filter(status=DeliveryStatus.SENT).count()} of 200 sent",
    )
    time.sleep(1)  # anything sent twice would show up now
    assert_each_delivered_exactly_once(200, worker)


def test_broker_down_during_100_changes_loses_nothing(start_worker, fast_hashing, client, settings):
    settings.NOTIFICATIONS_DISPATCH_GRACE_SECONDS = 0  # the sweeper may take them at once
    worker = start_worker()
    user = sms_only_user()
    client.force_login(user)
    started = time.monotonic()
    with use_broker(UNREACHABLE_BROKER, REDIS_OPTIONS):
        statuses = [
            client.post("/test-only/change-and-notify/", {"key": f"change-{i}"}).status_code
            for i in range(100)
        ]
    assert statuses == [201] * 100  # no request failed
    assert time.monotonic() - started < 30  # nor waited long for the broker
    assert sms_deliveries().filter(status=DeliveryStatus.PENDING).count() == 100
    time.sleep(1)
    assert SmsMessage.objects.count() == 0  # nothing reached the worker

    # The broker is back (this process uses the worker's Redis again): the sweeper sends them.
    assert deliveries_sweep() == 100
    wait_until(
        lambda: sms_deliveries().filter(status=DeliveryStatus.SENT).count() == 100,
        timeout=30,
        message=f"{sms_deliveries().filter(status=DeliveryStatus.SENT).count()} of 100 sent",
    )
    time.sleep(1)
    assert deliveries_sweep() == 0
    assert_each_delivered_exactly_once(100, worker)


def test_a_worker_killed_mid_delivery_delivers_once_after_restart(start_worker, fast_hashing):
    first = start_worker(
        "killed",
        NOTIFICATIONS_SMS_BACKEND=SLOW_BACKEND,
        NOTIFY_TEST_SMS_DELAY="30",
        NOTIFICATIONS_LEASE_SECONDS="2",
    )
    user = sms_only_user()
    with transaction.atomic():
        notify(recipients=[user], kind="generic", context={"title": "Once"}, key="once")
    sms = sms_deliveries().get()
    wait_until(
        lambda: Delivery.objects.get(pk=sms.pk).status == DeliveryStatus.SENDING,
        timeout=15,
        message="the worker never claimed the delivery",
    )
    first.kill()
    assert first.process.returncode == -signal.SIGKILL
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (DeliveryStatus.SENDING, 1)
    assert SmsMessage.objects.count() == 0

    second = start_worker("restarted", NOTIFICATIONS_SMS_BACKEND=SLOW_BACKEND, NOTIFY_TEST_SMS_DELAY="1")
    wait_until(lambda: timezone.now() > sms.next_attempt_at, timeout=10, message="lease never expired")
    sweep.apply_async()  # the periodic sweeper, run by the new worker
    wait_until(
        lambda: Delivery.objects.get(pk=sms.pk).status == DeliveryStatus.SENT,
        timeout=20,
        message=f"not delivered after restart:\n{second.output()[-3000:]}",
    )
    time.sleep(1)
    assert_each_delivered_exactly_once(1, first, second, attempts=2)
    assert "SMS to 139" not in first.output()
