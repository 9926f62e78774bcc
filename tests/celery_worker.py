"""A real Celery worker for tests: a subprocess on the test database and a dedicated Redis database.

`start_worker(name, **env)` (a fixture, available to every test) starts
`celery -A portal worker --pool=solo` in its own process group, pointed at the test database
(DATABASE_URL built from the test connection) and at Redis database BROKER_DB (flushed before and
after), points this process's Celery app at the same broker, and stops every worker at the end
(SIGTERM, then SIGKILL). Tests using it need PostgreSQL and Redis (mark them `postgres`, `redis`)
and `django_db(transaction=True)`, since the worker sees only committed data.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from portal.celery import app as celery_app
from tests.portal.notifications.helpers import REDIS_OPTIONS, use_broker, wait_until

BASE_DIR = Path(settings.BASE_DIR)
# Dedicated to these tests and flushed before and after each; TEST_BROKER_DB lets two suites run side by side.
BROKER_DB = int(os.environ.get("TEST_BROKER_DB", "14"))


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
