"""Locust scenarios for the city-scale harness (issue 11); bench/run_http.sh runs them headless.

Each user class is one scenario, run alone (`locust ... ScenarioName`) so its percentiles are its
own. The ids come from the JSON that bench/http_targets.py writes (BENCH_TARGETS names the file).
The floor is `/healthz` (one database query and one broker ping): the cheapest view the portal
already serves, so the ratios to it are conservative.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from pathlib import Path

from locust import HttpUser, between, constant, task

TARGETS = json.load(open(os.environ.get("BENCH_TARGETS", "var/bench-targets.json"), encoding="utf-8"))  # noqa: SIM115
HEADERS = {"Accept-Language": "zh-hans"}
_started = 0  # users that finished on_start (logins hash a password: ~0.3 s of CPU each)
# Shuffled: consecutive ids are sibling tasks of one application, whose decisions lock the same
# application row; deciding them at the same instant measures that lock, not a city's load.
random.shuffle(TARGETS["tasks"])
_tasks = itertools.cycle(TARGETS["tasks"] or [0])  # each open task once per run (a decided one answers 409)
# The exchange credential seed_bench_sharing issued (a secret: kept out of the targets JSON).
TOKEN_FILE = Path(os.environ.get("BENCH_EXCHANGE_TOKEN_FILE", "var/bench-exchange-token"))
EXCHANGE_TOKEN = TOKEN_FILE.read_text(encoding="utf-8").strip() if TOKEN_FILE.exists() else ""
EXCHANGE_PAGE = 100  # the API's default page size
# Think time between a user's requests: none by default (each user fires as fast as it is served,
# a closed loop that saturates the machine); BENCH_THINK="1,3" waits 1-3 s, as people do, so the
# latency measured is the service time at 16 people rather than the queue behind them.
_THINK = [float(x) for x in os.environ.get("BENCH_THINK", "").split(",") if x.strip()]
WAIT = between(*_THINK) if len(_THINK) == 2 else constant(0)


class _Portal(HttpUser):
    abstract = True
    wait_time = WAIT
    username: str | None = None

    def on_start(self):
        if self.username:
            self.client.get("/accounts/login/", headers=HEADERS, name="(login form)")
            self.client.post(
                "/accounts/login/",
                {"username": self.username, "password": TARGETS["password"], "next": "/"},
                headers={**HEADERS, "X-CSRFToken": self.csrf(), "Referer": self.host + "/accounts/login/"},
                name="(login)",
            )
        self.started()

    def started(self):
        """Once every user has started (logged in), reset the statistics: 16 logins take seconds of
        CPU on 2 cores, and the requests made meanwhile would be timed against them."""
        global _started
        _started += 1
        if _started == self.environment.parsed_options.num_users:
            self.environment.runner.stats.reset_all()

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def page(self, url: str, name: str):
        """GET a page, not following redirects: anything but 200 (a redirect to the login or the
        two-factor page, a 404) is a failure, so a run never times the wrong page."""
        with self.client.get(
            url, headers=HEADERS, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")

    def post_form(self, url: str, data: dict, name: str, redirects: bool = True):
        """POST a form; without `redirects` only the write is timed, not the page it redirects to."""
        return self.client.post(
            url, {**data, "csrfmiddlewaretoken": self.csrf()},
            headers={**HEADERS, "Referer": self.host + url}, name=name, allow_redirects=redirects,
        )  # fmt: skip


class Floor(_Portal):
    @task
    def healthz(self):
        self.client.get("/healthz", name="floor /healthz")


class OfficialInbox(_Portal):
    username = TARGETS["official"]

    @task
    def inbox(self):
        self.page("/work/inbox/", "official inbox")


class ApplicantPages(_Portal):
    username = TARGETS["applicant"]

    @task
    def mine(self):
        self.page("/apply/mine/", "applicant list")

    @task
    def detail(self):
        uuid = random.choice(TARGETS["applications"])
        self.page(f"/apply/a/{uuid}/", "applicant detail")


class PublicTracking(_Portal):
    def on_start(self):
        self.client.get("/apply/track/", headers=HEADERS, name="(tracking form)")
        self.started()

    @task
    def track(self):
        self.post_form("/apply/track/", random.choice(TARGETS["tracking"]), "public tracking")


class SubmitApplication(_Portal):
    username = TARGETS["applicant"]

    @task
    def submit(self):
        code = random.choice(TARGETS["packages"])
        started = self.post_form(f"/apply/package/{code}/", {}, "(start draft)", redirects=False)
        path = started.headers.get("Location", "")  # the draft's edit page
        if "/edit/" not in path:
            return
        self.post_form(path, {"action": "submit"}, "submit application", redirects=False)


class DecideTask(_Portal):
    username = TARGETS["official"]

    @task
    def decide(self):
        pk = next(_tasks)
        self.post_form(f"/work/tasks/{pk}/claim/", {}, "(claim task)", redirects=False)
        self.post_form(
            f"/work/tasks/{pk}/decide/",
            {"decision": "approved", "opinion": "同意。"},
            "decide task",
            redirects=False,
        )


class SupervisionDashboard(_Portal):
    username = TARGETS["official"]  # bench-off-0 holds the supervisor role

    @task
    def dashboard(self):
        self.page("/supervision/", "supervision dashboard")


class OrgTree(_Portal):
    username = TARGETS["official"]

    @task
    def tree(self):
        self.page("/org/", "org tree")


class CatalogueSearch(_Portal):
    username = TARGETS["official"]  # the catalogue is for officials (anonymous: the login page)

    @task
    def search(self):
        self.page("/data/catalogue/?q=%E5%9F%BA%E5%87%86", "catalogue search")


class PppProject(_Portal):
    @task
    def project(self):
        code = random.choice(TARGETS["ppp_projects"])
        self.page(f"/ppp/public/{code}/", "PPP project page")


class _Exchange(_Portal):
    """A consumer system pulling through the exchange API with the seeded credential: a page of
    the JSON list at a random keyset cursor, or the streaming NDJSON export of the whole resource.
    The export's time covers the whole body (read to the end here, not only the headers), and its
    name carries the record count, so records/s = records x requests/s (bench/run_http.sh's table)."""

    abstract = True

    def on_start(self):
        exchange = TARGETS.get("exchange")
        if not EXCHANGE_TOKEN or not exchange:
            raise RuntimeError(f"no exchange credential: seed with bench/seed.sh (token file {TOKEN_FILE})")
        self.resource, self.records = exchange["resource"], exchange["records"]
        self.first, self.last = exchange["first"], exchange["last"]
        # requests sends str headers as Latin-1; the API decodes UTF-8 bytes, as curl sends them.
        self.api_headers = {
            "Authorization": f"Bearer {EXCHANGE_TOKEN}",
            "X-Purpose": "基准测试 BENCH-2026-0011".encode(),
            "X-End-User": "基准市第1局 公务员".encode(),
        }
        self.started()

    def pull_page(self, label: str = "exchange page"):
        after = random.randint(self.first - 1, max(self.first - 1, self.last - EXCHANGE_PAGE))
        url = f"/api/exchange/resources/{self.resource}/records/?after={after}&limit={EXCHANGE_PAGE}"
        name = f"{label} ({EXCHANGE_PAGE} records)"
        with self.client.get(url, headers=self.api_headers, name=name, catch_response=True) as response:
            if response.status_code == 200 and response.json()["count"] != min(EXCHANGE_PAGE, self.records):
                response.failure(f"page of {response.json()['count']} records")

    def pull_export(self, label: str = "exchange export"):
        url = f"/api/exchange/resources/{self.resource}/records/export?format=ndjson"
        name = f"{label} ({self.records} records)"
        started = time.perf_counter()
        with self.client.get(
            url, headers=self.api_headers, name=name, stream=True, catch_response=True
        ) as response:
            lines = size = 0
            if response.status_code == 200:
                for chunk in response.iter_content(chunk_size=64 * 1024):
                    size += len(chunk)
                    lines += chunk.count(b"\n")
            # Locust timed the headers only (stream=True): report the whole stream, and its size.
            response.request_meta["response_time"] = (time.perf_counter() - started) * 1000
            response.request_meta["response_length"] = size
            if response.status_code == 200 and lines != self.records:
                response.failure(f"{lines} of {self.records} records streamed")


class ExchangePull(_Exchange):
    """Pages and whole exports, mixed: with sync workers a page may wait behind an export."""

    @task
    def page(self):
        self.pull_page()

    @task
    def export(self):
        self.pull_export()


class ExchangePage(_Exchange):
    """Pages alone (not in run_http.sh's default list; name it on the command line)."""

    @task
    def page(self):
        self.pull_page("exchange page alone")


class ExchangeExport(_Exchange):
    """Whole exports alone (not in run_http.sh's default list; name it on the command line)."""

    @task
    def export(self):
        self.pull_export("exchange export alone")
