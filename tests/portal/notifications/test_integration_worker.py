"""End to end with real Redis, real PostgreSQL and a real Celery worker started by the test.

Each test starts `celery -A portal worker --pool=solo` as a subprocess in its own process group,
pointed at the test database (DATABASE_URL built from the test connection) and at a dedicated
Redis database (flushed before and after), and stops it at the end (SIGTERM, then SIGKILL).
This process's Celery app is pointed at the same Redis database while the test runs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from portal.celery import app as celery_app
from portal.notifications.models import Channel, ChannelPreference, Delivery, DeliveryStatus, SmsMessage
from portal.notifications.outbox import deliveries_sweep
from portal.notifications.services import notify
from portal.notifications.tasks import sweep
from tests.factories import UserFactory
from tests.portal.notifications.helpers import REDIS_OPTIONS, UNREACHABLE_BROKER, use_broker, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
BROKER_DB = 14  # dedicated to these tests; flushed before and after each
SLOW_BACKEND = "tests.portal.notifications.backends.SlowSmsBackend"


def _celery_bin() -> str:
    beside_python = Path(sys.executable).with_name("celery")
    return str(beside_python if beside_python.exists() else BASE_DIR / ".venv" / "bin" / "celery")


def _broker_url() -> str:
    url = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit((url.scheme, url.netloc, f"/{BROKER_DB}", "", ""))


def _test_database_url() -> str:
    db = connection.settings_dict
    auth = ""
    if db.get("USER"):
        auth = quote(db["USER"], safe="")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"], safe="")
        auth += "@"
    return f"postgres://{auth}{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, log: Path, env: dict):
        self.log = log
        queue = celery_app.conf.task_default_queue
        command = [
            _celery_bin(),
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-n",
            f"{log.stem}-{os.getpid()}@%h",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 30):
        wait_until(
            lambda: self.process.poll() is not None or " ready." in self.output(),
            timeout=timeout,
            message=f"worker not ready:\n{self.output()[-3000:]}",
        )
        assert self.process.poll() is None, f"worker exited:\n{self.output()[-3000:]}"

    def _signal_group(self, sig):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)

    def kill(self):
        """kill -9 the whole process group: no shutdown, no ack, no cleanup."""
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    """start_worker(name, **env) -> a ready Worker; every worker is stopped at the end."""
    import redis

    broker = _broker_url()
    redis_client = redis.Redis.from_url(broker, socket_connect_timeout=2)
    redis_client.flushdb()
    base_env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": broker,
        "REDIS_URL": broker,
        "CONN_MAX_AGE": "0",
        "PYTHONPATH": str(BASE_DIR),
    }
    workers: list[Worker] = []

    def start(name: str = "worker", **env) -> Worker:
        worker = Worker(tmp_path / f"{name}.log", {**base_env, **env})
        workers.append(worker)
        worker.wait_ready()
        return worker

    try:
        with use_broker(broker, REDIS_OPTIONS):
            yield start
    finally:
        for worker in workers:
            worker.stop()
        redis_client.flushdb()
        redis_client.close()


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
