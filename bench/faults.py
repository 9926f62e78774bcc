"""Faults under load (issue 10): kill the Celery worker and restart Redis while 16 users work.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/faults.py
    .venv/bin/python bench/faults.py --duration 240 --kill-worker-at 40,150 --restart-redis-at 90,200

Everything it runs is its own, on this machine, and stopped at the end (also on failure):
- a scratch database `<name of DATABASE_URL>_faults` on the same server (dropped first if it
  exists, then migrated and seeded with seed_bench at a tiny scale; dropped at the end unless
  --keep-db), where every benchmark user gets an e-mail address and a mobile number, so each
  notification has an e-mail and an SMS delivery besides the in-app one;
- a redis-server on a free port without persistence (--save "" --appendonly no): a restart loses
  the queue, the worst case. It is the broker and the cache;
- gunicorn serving the portal, a Celery worker (prefork) and Celery beat with the production
  scheduler (django-celery-beat); only the sweep's interval row in the scratch database is
  shortened (--sweep-seconds), and the outbox's lease, dispatch grace and retry base are shortened
  through their environment variables (portal/notifications/conf.py), so a short run recovers in
  seconds instead of minutes. Production defaults are unchanged;
- e-mail goes to the file backend in a temporary folder: each message carries its delivery's
  idempotency key in its Message-ID, so the e-mail sink can be counted; SMS goes to the logging
  backend's SmsMessage table after a gateway's latency (--sms-latency, bench/slow_sms.py), so a
  killed worker is likely to hold a delivery it claimed.

Load: N threads with their own sessions. Applicants start and submit applications (each submission
notifies the applicant) and read their list and notifications; officials claim and decide review
tasks (the last decision of an application notifies its lead coordinators) and read their inbox.
Every request's outcome is recorded: a failed request is a 5xx or no answer (connection error,
timeout); 4xx answers are counted apart (a task another official decided first answers 409).

Faults: at each --kill-worker-at second (after waiting up to --busy-wait seconds for an SMS being
sent) the worker's process group gets SIGKILL and a new worker starts --worker-down seconds later;
at each --restart-redis-at second (after waiting as long for a queued delivery) Redis gets SIGTERM
(it saves nothing) and starts again on the same port --redis-down seconds later. Web, worker and
beat are otherwise kept running as docker-compose.yml keeps them (`restart: unless-stopped`): a
process that exits on its own is restarted at once and reported ("unplanned_exits").

Then it waits (at most --drain-timeout) until no delivery of the run is pending or being sent,
counts, prints a table and writes JSON (var/faults/faults-<UTC time>.json, or --json). Exit status
1 when a request failed, a notification or delivery is lost or duplicated, a delivery failed or is
still undelivered, or a planned fault did not happen. One exception, reported in its own column:
an e-mail written twice because its worker died after handing it over and before committing (a
later attempt sent it again, with the same Message-ID). No mail protocol lets a sender avoid that
window; --strict-email fails on it too.
"""

from __future__ import annotations

import argparse
import atexit
import collections
import contextlib
import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SCALE = "0.0002"  # seed_bench: 200 applications, 20 applicants, 8 officials, 138 open tasks
PASSWORD = "Bench@2026"  # seed_bench's benchmark accounts on a scratch database
HEADERS = {"Accept-Language": "en"}
SWEEP_TASK_NAME = "notifications: sweep undelivered"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=16, help="concurrent simulated users (16)")
    p.add_argument("--duration", type=float, default=180, help="seconds of load (180)")
    p.add_argument("--kill-worker-at", default="40", help="seconds into the load, comma-separated")
    p.add_argument("--restart-redis-at", default="100", help="seconds into the load, comma-separated")
    p.add_argument(
        "--busy-wait",
        type=float,
        default=5,
        help="longest wait at a fault for a delivery being sent (kill) or queued (restart) (5)",
    )
    p.add_argument("--worker-down", type=float, default=5, help="seconds before the worker restarts")
    p.add_argument("--redis-down", type=float, default=5, help="seconds Redis stays down")
    p.add_argument("--think", type=float, default=0.3, help="seconds a user waits between actions")
    p.add_argument("--sweep-seconds", type=int, default=5, help="the sweep's beat interval in this run")
    p.add_argument("--lease-seconds", type=int, default=15, help="NOTIFICATIONS_LEASE_SECONDS in this run")
    p.add_argument("--sms-latency", type=float, default=0.3, help="seconds each SMS takes to send (0.3)")
    p.add_argument("--drain-timeout", type=float, default=120, help="longest wait for the outbox to drain")
    p.add_argument("--web-workers", type=int, default=3, help="gunicorn sync workers (3)")
    p.add_argument("--worker-concurrency", type=int, default=2, help="Celery prefork processes (2)")
    p.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="server (and base name) for the scratch database; default DATABASE_URL",
    )
    p.add_argument("--scratch-name", default="", help="the scratch database's name (<name>_faults)")
    p.add_argument("--pids-file", default="", help="append each started process group id to this file")
    p.add_argument(
        "--strict-email",
        action="store_true",
        help="fail on an e-mail written twice after a worker died mid-send (same Message-ID)",
    )
    p.add_argument("--keep-logs", action="store_true", help="keep the work folder (logs, e-mails) on success")
    p.add_argument("--keep-db", action="store_true", help="leave the scratch database for inspection")
    p.add_argument("--json", dest="json_path", default="", help="where to write the results")
    p.add_argument("--seed", type=int, default=1, help="random seed of the users' choices")
    args = p.parse_args(argv)
    args.kill_worker_at = _times(args.kill_worker_at)
    args.restart_redis_at = _times(args.restart_redis_at)
    if not args.database_url.startswith("postgres"):
        p.error("a PostgreSQL DATABASE_URL (or --database-url) is needed")
    return args


def _times(text: str) -> list[float]:
    return sorted(float(t) for t in text.split(",") if t.strip())


def log(message: str) -> None:
    print(f"[faults {time.strftime('%H:%M:%S', time.gmtime())}Z] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, *, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(interval)
    raise RuntimeError(f"timed out waiting for {what}")


# --- Processes -----------------------------------------------------------------------------------


class Proc:
    """A child in its own process group (so kill reaches its children too), output to a log file."""

    running: list[Proc] = []
    started: list[tuple[str, int]] = []
    pids_file: Path | None = None

    def __init__(self, name: str, command: list[str], env: dict, logdir: Path):
        self.name = name
        self.log_path = logdir / f"{name}.log"
        self.out = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=self.out, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.pid = self.process.pid
        Proc.running.append(self)
        Proc.started.append((name, self.pid))
        if Proc.pids_file is not None:  # for a caller that must clean up even if we are killed
            with open(Proc.pids_file, "a") as out:
                out.write(f"{self.pid}\n")

    def alive(self) -> bool:
        return self.process.poll() is None

    def signal_group(self, sig) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, sig)

    def kill(self) -> None:
        """SIGKILL to the whole group: no warm shutdown, no acknowledgements, no cleanup."""
        self.signal_group(signal.SIGKILL)
        self.process.wait(timeout=15)
        self._forget()

    def stop(self, timeout: float = 15) -> None:
        if self.alive():
            self.signal_group(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.signal_group(signal.SIGKILL)
                self.process.wait(timeout=15)
        self.signal_group(signal.SIGKILL)  # stragglers of the group (pool children)
        self._forget()

    def _forget(self) -> None:
        self.out.close()
        if self in Proc.running:
            Proc.running.remove(self)


def stop_all() -> None:
    Service.stopping.set()
    with Service.lock:  # the supervisor restarts nothing from here on
        pass
    for proc in reversed(list(Proc.running)):
        with contextlib.suppress(Exception):
            proc.stop(timeout=10)


class Service:
    """A process kept running as docker-compose.yml keeps web, worker and beat (`restart:
    unless-stopped`): when it exits on its own it is started again at once, and the exit is
    recorded. A planned kill holds the restart for the fault's down time."""

    lock = threading.Lock()
    stopping = threading.Event()
    unplanned_exits: list[dict] = []
    t0 = time.monotonic()

    def __init__(self, name: str, command: list[str], env: dict, logdir: Path):
        self.name, self.command, self.env, self.logdir = name, command, env, logdir
        self.starts = 0
        self.held = False
        self.proc = self._start()

    def _start(self) -> Proc:
        self.starts += 1
        return Proc(f"{self.name}-{self.starts}", self.command, self.env, self.logdir)

    def check(self) -> None:
        with Service.lock:
            if self.held or Service.stopping.is_set() or self.proc.alive():
                return
            old = self.proc
            old.stop()  # reaps it and whatever is left of its group
            Service.unplanned_exits.append(
                {"process": old.name, "pid": old.pid, "exit_status": old.process.returncode,
                 "at": round(time.monotonic() - Service.t0, 1)}
            )  # fmt: skip
            self.proc = self._start()
            log(f"{old.name} (pid {old.pid}) exited ({old.process.returncode}); restarted: {self.proc.pid}")

    def kill_and_restart(self, down: float, note: str = "") -> tuple[Proc, Proc]:
        with Service.lock:
            self.held = True
            old = self.proc
            old.kill()
        log(f"{old.name} (pid {old.pid}) killed (-9); {note}")
        time.sleep(down)
        with Service.lock:
            self.proc = self._start()
            self.held = False
        return old, self.proc


def supervise(services: list[Service]) -> None:
    while not Service.stopping.wait(0.5):
        for service in services:
            service.check()


class Redis:
    def __init__(self, port: int, workdir: Path, logdir: Path):
        self.port, self.workdir, self.logdir = port, workdir, logdir
        self.proc: Proc | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        command = [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.workdir),
            "--protected-mode",
            "yes",
        ]
        self.proc = Proc(f"redis-{self.starts}", command, os.environ.copy(), self.logdir)
        wait_for(lambda: self.client().ping(), timeout=15, what="redis-server")

    def client(self):
        import redis

        return redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=2)

    def run_id(self) -> str:
        return self.client().info("server")["run_id"]

    def stop(self) -> None:
        """SIGTERM: with --save "" Redis exits without writing anything; the queue is gone."""
        if self.proc is not None:
            self.proc.stop()


# --- The scratch database ------------------------------------------------------------------------


def scratch_url(base: str, name: str = "") -> tuple[str, str, str]:
    """(scratch database URL, its name, the maintenance database URL on the same server)."""
    parts = urlsplit(base)
    name = name or (parts.path.lstrip("/") or "portal") + "_faults"
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"unexpected database name {name!r}")
    return (
        urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, "")),
        name,
        urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, "")),
    )


def recreate_database(maintenance_url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg2

    conn = psycopg2.connect(maintenance_url)
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if not drop_only:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def prepare_database(args) -> None:
    """Migrate and seed (in subprocesses: the same commands an operator runs), then adjust."""
    env = os.environ.copy()
    for command in (["migrate", "-v0"], ["seed_bench", "--scale", SCALE, "--no-progress"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=BASE_DIR, env=env, check=True)

    from django.contrib.auth import get_user_model
    from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks

    users = get_user_model().objects.filter(username__startswith="bench-").order_by("pk")
    for i, user in enumerate(users):
        user.email = f"{user.username}@bench.example"
        user.phone = f"139{i:08d}"
        user.save(update_fields=["email", "phone"])
    # The production schedule (a beat row, editable in the admin), run more often for a short run.
    every, _ = IntervalSchedule.objects.get_or_create(every=args.sweep_seconds, period="seconds")
    PeriodicTask.objects.filter(name=SWEEP_TASK_NAME).update(interval=every, enabled=True)
    PeriodicTask.objects.exclude(name=SWEEP_TASK_NAME).update(enabled=False)  # daily jobs: not measured
    PeriodicTasks.update_changed()


def plan_users(n: int) -> list[dict]:
    """Half applicants, half officials (reviewers without the supervisor role: no second factor)."""
    from approvals.models import DepartmentTask, Package
    from approvals.workflow import TaskStatus
    from coordination.models import Position

    packages = list(Package.objects.filter(code__startswith="BNP-").values_list("code", flat=True))
    officials = []
    for position in (
        Position.objects.filter(user__username__startswith="bench-off-", roles__code="reviewer")
        .exclude(roles__code="supervisor")
        .select_related("user")
        .distinct()
        .order_by("user__username")
    ):
        officials.append((position.user.username, position.unit_id))
    n_officials = min(n // 2, len(officials) * 2) if officials else 0
    plans: list[dict] = []
    tasks_by_unit: dict[int, list[int]] = {}
    for unit in {unit for _u, unit in officials}:
        tasks_by_unit[unit] = list(
            DepartmentTask.objects.filter(department_id=unit, status=TaskStatus.PENDING, assignee=None)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    for i in range(n_officials):
        username, unit = officials[i % len(officials)]
        plans.append({"role": "official", "username": username, "unit": unit})
    shared = {unit: collections.deque(pks) for unit, pks in tasks_by_unit.items()}
    for plan in plans:
        plan["tasks"] = shared[plan["unit"]]  # officials of one department share its queue
    applicants = list(get_user_model_names("bench-cit-"))
    for i in range(n - n_officials):
        plans.append({"role": "applicant", "username": applicants[i % len(applicants)], "packages": packages})
    return plans


def get_user_model_names(prefix: str) -> list[str]:
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(username__startswith=prefix)
        .order_by("pk")
        .values_list("username", flat=True)
    )


# --- Load ------------------------------------------------------------------------------------------


class Recorder:
    def __init__(self, t0: float):
        self.t0 = t0
        self.lock = threading.Lock()
        self.requests = 0
        self.by_status: collections.Counter = collections.Counter()
        self.failures: list[dict] = []
        self.submitted: list[str] = []  # uuids of applications whose submission was answered 302
        self.decided: list[int] = []

    def record(self, label: str, status: int | None, error: str = "") -> None:
        failed = status is None or status >= 500
        with self.lock:
            self.requests += 1
            self.by_status[str(status) if status is not None else "no answer"] += 1
            if failed:
                self.failures.append(
                    {
                        "t": round(time.monotonic() - self.t0, 2),
                        "request": label,
                        "status": status,
                        "error": error,
                    }
                )


class User(threading.Thread):
    def __init__(self, plan: dict, base: str, rec: Recorder, stop: threading.Event, think: float, seed: int):
        super().__init__(daemon=True, name=plan["username"])
        import requests

        self.plan, self.base, self.rec, self.stop_event, self.think = plan, base, rec, stop, think
        self.session = requests.Session()
        self.rng = random.Random(seed)

    def call(self, method: str, path: str, label: str, data: dict | None = None, follow: bool = True):
        import requests

        headers = dict(HEADERS)
        if method == "POST":
            data = {**(data or {}), "csrfmiddlewaretoken": self.session.cookies.get("csrftoken", "")}
            headers["Referer"] = self.base + path
        try:
            response = self.session.request(
                method, self.base + path, data=data, headers=headers, allow_redirects=follow, timeout=30
            )
        except requests.RequestException as exc:
            self.rec.record(label, None, f"{exc.__class__.__name__}: {exc}"[:300])
            return None
        self.rec.record(
            label, response.status_code, "" if response.status_code < 500 else response.text[:300]
        )
        return response

    def login(self) -> bool:
        self.call("GET", "/accounts/login/", "login form")
        response = self.call(
            "POST",
            "/accounts/login/",
            "login",
            {"username": self.plan["username"], "password": PASSWORD, "next": "/"},
            follow=False,
        )
        return response is not None and response.status_code == 302

    def run(self):
        logged_in = False
        while not self.stop_event.is_set():
            if not logged_in:
                logged_in = self.login()
                if not logged_in:
                    self.stop_event.wait(1)
                    continue
            elif self.plan["role"] == "applicant" and self.rng.random() < 0.05:
                # Now and then log out and in again: the login form is rate-limited in the cache.
                self.call("POST", "/accounts/logout/", "logout", follow=False)
                logged_in = False
                continue
            elif self.plan["role"] == "applicant":
                self.applicant_step()
            else:
                self.official_step()
            self.stop_event.wait(self.think)

    def applicant_step(self):
        roll = self.rng.random()
        if roll < 0.5:
            code = self.rng.choice(self.plan["packages"])
            started = self.call("POST", f"/apply/package/{code}/", "start draft", follow=False)
            path = started.headers.get("Location", "") if started is not None else ""
            if "/edit/" not in path:
                return
            done = self.call("POST", path, "submit application", {"action": "submit"}, follow=False)
            if done is not None and done.status_code == 302:
                with self.rec.lock:
                    self.rec.submitted.append(path.rstrip("/").split("/")[-2])
        elif roll < 0.8:
            self.call("GET", "/apply/mine/", "applicant list")
        else:
            self.call("GET", "/notifications/", "notifications page")

    def official_step(self):
        tasks = self.plan["tasks"]
        if self.rng.random() < 0.6 and tasks:
            try:
                pk = tasks.popleft()
            except IndexError:
                return
            self.call("POST", f"/work/tasks/{pk}/claim/", "claim task")
            done = self.call(
                "POST",
                f"/work/tasks/{pk}/decide/",
                "decide task",
                {"decision": "approved", "opinion": "Agreed."},
                follow=False,
            )
            if done is not None and done.status_code == 302:
                with self.rec.lock:
                    self.rec.decided.append(pk)
        else:
            self.call("GET", "/work/inbox/", "official inbox")


# --- Counting --------------------------------------------------------------------------------------


def outstanding(since) -> dict[int, str]:
    """{delivery id: status} of the run's deliveries that are pending or being sent."""
    from portal.notifications.models import Delivery, DeliveryStatus

    rows = Delivery.objects.filter(
        created_at__gte=since, status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]
    )
    return dict(rows.values_list("pk", "status"))


def wait_for_outstanding(since, timeout: float, status: str) -> dict[int, str]:
    """Up to `timeout` seconds for an SMS delivery in `status`: `sending` (a kill then lands in the
    gateway's latency, the delivery claimed and not yet marked) or `pending` (its task is queued in
    Redis or about to be: a restart then loses it)."""
    from portal.notifications.models import Delivery

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Delivery.objects.filter(created_at__gte=since, channel="sms", status=status).exists():
            break
        time.sleep(0.02)
    return outstanding(since)


MESSAGE_ID = re.compile(r"^Message-ID:\s*<([^@>\s]+)@", re.MULTILINE | re.IGNORECASE)


def email_sink(folder: Path) -> collections.Counter:
    """Idempotency keys of the e-mails the file backend wrote (one count per message written; the
    header may be folded onto the next line)."""
    keys: collections.Counter = collections.Counter()
    for path in folder.glob("*"):
        keys.update(MESSAGE_ID.findall(path.read_text(errors="replace")))
    return keys


def count(since, mail_dir: Path, rec: Recorder) -> dict:
    from approvals.models import Application
    from portal.notifications.models import Delivery, Notification, SmsMessage

    deliveries = list(
        Delivery.objects.filter(created_at__gte=since).values_list(
            "channel", "status", "idempotency_key", "attempts"
        )
    )
    sinks = {
        "email": email_sink(mail_dir),
        "sms": collections.Counter(
            SmsMessage.objects.filter(created_at__gte=since).values_list("idempotency_key", flat=True)
        ),
    }
    channels = {}
    for channel in ("inapp", "email", "sms"):
        rows = [d for d in deliveries if d[0] == channel]
        status = collections.Counter(d[1] for d in rows)
        entry = {
            "expected": len(rows),
            "sent": status.get("sent", 0),
            "failed": status.get("failed", 0),
            "pending": status.get("pending", 0) + status.get("sending", 0),
            "retried": sum(1 for d in rows if d[3] > 1),
        }
        if channel in sinks:
            sink = sinks[channel]
            expected = {d[2] for d in rows}
            entry["in_sink"] = sum(1 for key in expected if sink[key])
            entry["lost"] = sum(1 for key in expected if not sink[key])
            entry["duplicated"] = sum(1 for key in expected if sink[key] > 1)
            # A copy written again by a later attempt: the worker died between handing the message
            # over and committing (SMTP is at-least-once; both copies carry the same Message-ID).
            entry["resent_after_crash"] = sum(1 for d in rows if sink[d[2]] > 1 and d[3] > 1)
            entry["unexpected_in_sink"] = sum(1 for key in sink if key not in expected)
        channels[channel] = entry
    # Every acknowledged submission has its application submitted and the applicant notified.
    submitted = list(
        Application.objects.filter(uuid__in=rec.submitted).values_list("pk", "status", "applicant_id")
    )
    notified = set(
        Notification.objects.filter(created_at__gte=since, key__endswith=":submitted").values_list(
            "key", "recipient_id"
        )
    )
    missing = [
        pk for pk, _s, applicant in submitted if (f"application:{pk}:submitted", applicant) not in notified
    ]
    return {
        "notifications": Notification.objects.filter(created_at__gte=since).count(),
        "submissions_acknowledged": len(rec.submitted),
        "submissions_in_db": len(submitted),
        "submissions_without_notification": len(missing),
        "decisions_acknowledged": len(rec.decided),
        "channels": channels,
    }


COLUMNS = (
    "expected",
    "sent",
    "failed",
    "pending",
    "retried",
    "in_sink",
    "lost",
    "duplicated",
    "resent_after_crash",
    "unexpected_in_sink",
)


def table(result: dict) -> str:
    r, c = result["requests"], result["counts"]
    lines = [
        f"requests: {r['total']} in {result['load_seconds']} s, failed (5xx or no answer): {r['failed']}, "
        f"by status: {json.dumps(r['by_status'], sort_keys=True)}",
        f"acknowledged submissions: {c['submissions_acknowledged']}, "
        f"without a notification: {c['submissions_without_notification']}; "
        f"decisions: {c['decisions_acknowledged']}; notifications: {c['notifications']}",
        "",
        "| channel | " + " | ".join(name.replace("_", " ") for name in COLUMNS) + " |",
        "|---" * (len(COLUMNS) + 1) + "|",
    ]
    for name, counts in c["channels"].items():
        lines.append(f"| {name} | " + " | ".join(str(counts.get(col, "-")) for col in COLUMNS) + " |")
    lines.append("")
    for fault in result["faults"]:
        lines.append(
            f"fault at {fault['at']} s: {fault['kind']}, {fault['detail']}; deliveries outstanding then "
            f"{fault['outstanding_before']}"
            + (f", after the restart {fault['outstanding_after']}" if "outstanding_after" in fault else "")
            + f"; of these sent since: {fault['outstanding_then_sent']}"
        )
    for exit_ in result["unplanned_exits"]:
        lines.append(
            f"unplanned exit at {exit_['at']} s: {exit_['process']} (status {exit_['exit_status']}), "
            "restarted by the supervisor"
        )
    verdict = "PASS" if result["ok"] else "FAIL"
    lines.append(f"drained: {result['drained']} in {result['drain_seconds']} s; verdict: {verdict}")
    lines += [f"  problem: {p}" for p in result["problems"]]
    return "\n".join(lines)


# --- The run -----------------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    db_url, db_name, maintenance_url = scratch_url(args.database_url, args.scratch_name)
    Proc.pids_file = Path(args.pids_file) if args.pids_file else None
    workdir = Path(tempfile.mkdtemp(prefix="portal-faults-"))
    logdir, mail_dir = workdir / "logs", workdir / "mail"
    logdir.mkdir()
    mail_dir.mkdir()
    redis_port, web_port = free_port(), free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    os.environ.pop("CACHE_URL", None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=db_url,
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        EMAIL_URL="filemail://" + str(mail_dir),
        EMAIL_FILE_PATH=str(mail_dir),
        DEBUG="0",
        CONN_MAX_AGE="0",
        PYTHONPATH=str(BASE_DIR),
        NOTIFICATIONS_LEASE_SECONDS=str(args.lease_seconds),
        NOTIFICATIONS_DISPATCH_GRACE_SECONDS=str(max(args.sweep_seconds, 3)),
        NOTIFICATIONS_RETRY_BASE_SECONDS="2",
        NOTIFICATIONS_RETRY_CAP_SECONDS="10",
        # Every simulated user comes from 127.0.0.1: one address's login limit would refuse them.
        RATE_LIMIT_LOGIN="100000/10m",
        NOTIFICATIONS_SMS_BACKEND="bench.slow_sms.SlowLoggingSmsBackend",
        FAULTS_SMS_LATENCY=str(args.sms_latency),
    )
    sys.path.insert(0, str(BASE_DIR))
    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    log(f"work folder {workdir}; scratch database {db_name}; redis :{redis_port}; web :{web_port}")
    recreate_database(maintenance_url, db_name)
    status = 2
    try:
        status = run(args, workdir, logdir, mail_dir, redis_port, web_port)
        return status
    finally:
        stop_all()
        if status == 0 and not args.keep_logs:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"logs kept in {logdir}")
        if not args.keep_db:
            from django.db import connections

            connections.close_all()
            recreate_database(maintenance_url, db_name, drop_only=True)


def run(args, workdir: Path, logdir: Path, mail_dir: Path, redis_port: int, web_port: int) -> int:
    import django

    django.setup()
    from django.utils import timezone

    redis = Redis(redis_port, workdir, logdir)
    redis.start()
    started = time.monotonic()
    prepare_database(args)
    log(f"database migrated and seeded in {time.monotonic() - started:.0f} s")
    env = os.environ.copy()
    celery = str(VENV_BIN / "celery")
    web_command = [str(VENV_BIN / "gunicorn"), "portal.wsgi:application", "--bind", f"127.0.0.1:{web_port}",
                   "--workers", str(args.web_workers), "--timeout", "60",
                   "--access-logfile", str(logdir / "access.log")]  # fmt: skip
    worker_command = [celery, "-A", "portal", "worker", "--concurrency", str(args.worker_concurrency),
                      "--loglevel", "INFO", "-n", f"faults-{os.getpid()}@%h"]  # fmt: skip
    beat_command = [celery, "-A", "portal", "beat", "--loglevel", "INFO", "--pidfile="]
    services = [Service(name, command, env, logdir) for name, command in
                (("web", web_command), ("worker", worker_command), ("beat", beat_command))]  # fmt: skip
    worker = services[1]
    threading.Thread(target=supervise, args=(services,), daemon=True, name="supervisor").start()

    import requests

    base = f"http://127.0.0.1:{web_port}"
    wait_for(
        lambda: requests.get(base + "/accounts/login/", timeout=5).status_code == 200,
        timeout=60,
        what="gunicorn",
    )
    wait_for(
        lambda: " ready." in worker.proc.log_path.read_text(errors="replace"), timeout=60, what="the worker"
    )

    plans = plan_users(args.users)
    since = timezone.now()
    t0 = Service.t0 = time.monotonic()
    rec = Recorder(t0)
    stop = threading.Event()
    users = [User(plan, base, rec, stop, args.think, args.seed * 1000 + i) for i, plan in enumerate(plans)]
    for user in users:
        user.start()
    log(f"{len(users)} users started ({sum(p['role'] == 'official' for p in plans)} officials)")

    events = sorted(
        [(t, "kill-worker") for t in args.kill_worker_at]
        + [(t, "restart-redis") for t in args.restart_redis_at]
    )
    faults = []
    for at, kind in events:
        delay = t0 + at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        # A kill hits a worker holding a claimed delivery, a restart a queue holding a task, when
        # one comes within a few seconds.
        wanted = "sending" if kind == "kill-worker" else "pending"
        before = wait_for_outstanding(since, args.busy_wait, wanted)
        fault = {
            "at": round(time.monotonic() - t0, 1),
            "kind": kind,
            "outstanding_before": dict(collections.Counter(before.values())),
            "outstanding_ids": sorted(before),
        }
        if kind == "kill-worker":
            note = f"outstanding deliveries {fault['outstanding_before']}"
            old, new = worker.kill_and_restart(args.worker_down, note)
            fault["detail"] = f"worker pid {old.pid} -> {new.pid}"
            fault.update(old_pid=old.pid, new_pid=new.pid)
        else:
            old_id = redis.run_id()
            redis.stop()
            log(f"redis stopped; outstanding deliveries {fault['outstanding_before']}")
            time.sleep(args.redis_down)
            redis.start()
            new_id = redis.run_id()
            # What piled up while it was down (dispatch gave up; the sweeper must send it).
            during = outstanding(since)
            fault["outstanding_after"] = dict(collections.Counter(during.values()))
            fault["outstanding_ids"] = sorted(set(fault["outstanding_ids"]) | set(during))
            fault["detail"] = f"redis run_id {old_id[:8]} -> {new_id[:8]}"
            fault.update(old_run_id=old_id, new_run_id=new_id)
        faults.append(fault)
    remaining = t0 + args.duration - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)
    stop.set()
    for user in users:
        user.join(timeout=40)
    load_seconds = round(time.monotonic() - t0, 1)
    log(f"load stopped after {load_seconds} s: {rec.requests} requests, {len(rec.failures)} failed")

    drain_started = time.monotonic()
    drained = False
    while time.monotonic() - drain_started < args.drain_timeout:
        if not outstanding(since):
            drained = True
            break
        time.sleep(1)
    drain_seconds = round(time.monotonic() - drain_started, 1)
    counts = count(since, mail_dir, rec)
    from portal.notifications.models import Delivery

    for fault in faults:
        ids = fault.pop("outstanding_ids")
        fault["outstanding_count"] = len(ids)  # at the fault, or (Redis) piled up while it was down
        fault["outstanding_then_sent"] = Delivery.objects.filter(pk__in=ids, status="sent").count()

    problems = []
    if rec.failures:
        problems.append(f"{len(rec.failures)} request(s) failed")
    if counts["submissions_without_notification"]:
        problems.append(
            f"{counts['submissions_without_notification']} acknowledged submission(s) without notification"
        )
    if counts["submissions_in_db"] != counts["submissions_acknowledged"]:
        problems.append("an acknowledged submission is not in the database")
    for name, c in counts["channels"].items():
        for key in ("failed", "pending", "lost", "unexpected_in_sink"):
            if c.get(key):
                problems.append(f"{name}: {c[key]} {key}")
        if c.get("duplicated"):
            tolerated = c["resent_after_crash"] if name == "email" and not args.strict_email else 0
            if c["duplicated"] > tolerated:
                problems.append(
                    f"{name}: {c['duplicated']} duplicated ({c['resent_after_crash']} after a crash)"
                )
        if c["sent"] != c["expected"]:
            problems.append(f"{name}: {c['expected'] - c['sent']} not sent")
    if not counts["channels"]["email"]["expected"]:
        problems.append("no notification was sent at all")
    for fault in faults:
        if fault["outstanding_then_sent"] != fault["outstanding_count"]:
            problems.append(f"fault at {fault['at']} s: not every outstanding delivery was sent since")
        if fault["kind"] == "kill-worker" and fault["old_pid"] == fault["new_pid"]:
            problems.append("the worker was not replaced")
        if fault["kind"] == "restart-redis" and fault["old_run_id"] == fault["new_run_id"]:
            problems.append("redis was not restarted")
    result = {
        "started": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "options": {k: v for k, v in vars(args).items() if k not in ("database_url", "json_path")},
        "load_seconds": load_seconds,
        "requests": {
            "total": rec.requests,
            "failed": len(rec.failures),
            "by_status": dict(rec.by_status),
            "failures": rec.failures[:50],
        },
        "faults": faults,
        "drained": drained,
        "drain_seconds": drain_seconds,
        "counts": counts,
        "processes": [{"name": name, "pid": pid} for name, pid in Proc.started],
        # Exits nobody asked for (the supervisor restarted them, as production's restart policy does).
        "unplanned_exits": Service.unplanned_exits,
        "problems": problems,
        "ok": not problems,
    }
    out = (
        Path(args.json_path)
        if args.json_path
        else BASE_DIR
        / "var"
        / "faults"
        / ("faults-" + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + ".json")
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str))
    print(table(result))
    log(f"results in {out}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
