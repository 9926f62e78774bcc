"""Helpers shared by the notification tests: broker switching, queue inspection, waiting."""

from __future__ import annotations

import base64
import json
import os
import time
from contextlib import contextmanager
from pathlib import Path

from django.test import override_settings
from kombu import pools as kombu_pools

from portal.celery import app as celery_app

DELIVER = "portal.notifications.tasks.deliver"
REDIS_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused


def _reset_pools():
    """Drop the Celery app's cached connections and producers, so the next send reconnects."""
    kombu_pools.reset()  # close and forget kombu's pools (they are shared per broker URL)
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextmanager
def use_broker(url: str, transport_options: dict | None = None):
    """Point this process's Celery app at another broker, then restore the previous one."""
    transport_options = transport_options or {}
    saved = celery_app.conf.broker_url, celery_app.conf.broker_transport_options
    # Celery prefers these environment variables over its configuration.
    saved_env = {
        k: os.environ.pop(k) for k in ("CELERY_BROKER_URL", "CELERY_BROKER_WRITE_URL") if k in os.environ
    }
    _reset_pools()
    celery_app.conf.broker_url = url
    celery_app.conf.broker_transport_options = transport_options
    try:
        with override_settings(CELERY_BROKER_URL=url, CELERY_BROKER_TRANSPORT_OPTIONS=transport_options):
            yield
    finally:
        _reset_pools()
        celery_app.conf.broker_url, celery_app.conf.broker_transport_options = saved
        os.environ.update(saved_env)


class FilesystemQueue:
    """An isolated kombu filesystem broker whose queued task messages a test can read."""

    def __init__(self, root: Path):
        self.folder = root / "queue"
        self.processed = root / "processed"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.processed.mkdir(parents=True, exist_ok=True)

    @property
    def options(self) -> dict:
        return {
            "data_folder_in": str(self.folder),
            "data_folder_out": str(self.folder),
            "processed_folder": str(self.processed),
            "store_processed": False,
        }

    def messages(self) -> list[dict]:
        found = []
        for path in sorted(self.folder.glob("*.msg")):
            payload = json.loads(path.read_text())
            body = payload["body"]
            if payload.get("properties", {}).get("body_encoding") == "base64":
                body = base64.b64decode(body)
            args, kwargs, _embed = json.loads(body)
            found.append({"task": payload["headers"]["task"], "args": args, "kwargs": kwargs})
        return found

    def delivery_ids(self) -> list[int]:
        return [m["args"][0] for m in self.messages() if m["task"] == DELIVER]

    def clear(self):
        for path in self.folder.glob("*.msg"):
            path.unlink()


def wait_until(predicate, *, timeout: float, interval: float = 0.2, message: str = ""):
    """Poll `predicate` until it is truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s: {message}")
        time.sleep(interval)
