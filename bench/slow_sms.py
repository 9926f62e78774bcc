"""An SMS backend with a provider's latency, for bench/faults.py (never configured in production).

It is the logging backend (SmsMessage rows, one per idempotency key, written in the delivery's
transaction) after a pause of FAULTS_SMS_LATENCY seconds, like a gateway's answer time: a worker
killed at a random moment then often holds a claimed delivery, so the run exercises the lease.
"""

from __future__ import annotations

import os
import time

from portal.notifications.channels import LoggingSmsBackend


class SlowLoggingSmsBackend(LoggingSmsBackend):
    def send(self, *, phone: str, text: str, idempotency_key: str) -> None:
        time.sleep(float(os.environ.get("FAULTS_SMS_LATENCY", "0.3")))
        super().send(phone=phone, text=text, idempotency_key=idempotency_key)
