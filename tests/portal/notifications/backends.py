"""Test-only SMS backends, selected in a worker process through NOTIFICATIONS_SMS_BACKEND."""

import os
import time

from portal.notifications.channels import DeliveryError, LoggingSmsBackend


class SlowSmsBackend(LoggingSmsBackend):
    """Sleeps NOTIFY_TEST_SMS_DELAY seconds (default 5) before storing: a worker can die mid-send."""

    def send(self, *, phone, text, idempotency_key):
        time.sleep(float(os.environ.get("NOTIFY_TEST_SMS_DELAY", "5")))
        super().send(phone=phone, text=text, idempotency_key=idempotency_key)


class FailingSmsBackend(LoggingSmsBackend):
    """Refuses every message, like a provider that is down."""

    def send(self, *, phone, text, idempotency_key):
        raise DeliveryError("provider unavailable")
