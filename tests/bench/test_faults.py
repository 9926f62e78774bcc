"""bench/faults.py at a small size (issue 10, "Faults"): 16 users for ~30 s while the Celery worker
is killed (-9) and restarted and Redis is restarted without persistence. No request may fail, no
notification may be lost or duplicated (an e-mail may be handed over twice, with the same
Message-ID, only when the worker died between the hand-over and the commit), and the faults must
really have happened with deliveries outstanding. The script runs as a subprocess with its own
redis-server, gunicorn, worker, beat and scratch database (`<test database>_faults`, dropped at
the end); this test kills any process group it started that is still alive, even when the script
itself had to be killed.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

BASE_DIR = Path(settings.BASE_DIR)
TIMEOUT = 240  # the run takes ~90 s (a third of it migrating the scratch database)


def _alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _kill_groups(pids_file: Path) -> None:
    if not pids_file.exists():
        return
    for line in pids_file.read_text().split():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(int(line), signal.SIGKILL)


def test_faults_under_load_lose_and_duplicate_nothing(tmp_path):
    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed")
        pytest.skip("redis-server is not installed")
    out, pids = tmp_path / "faults.json", tmp_path / "pids"
    command = [
        sys.executable, "bench/faults.py",
        "--users", "16", "--duration", "30", "--kill-worker-at", "8", "--restart-redis-at", "18",
        "--worker-down", "3", "--redis-down", "3", "--drain-timeout", "60",
        "--scratch-name", f"{connection.settings_dict['NAME']}_faults",
        "--json", str(out), "--pids-file", str(pids),
    ]  # fmt: skip
    script = subprocess.Popen(
        command,
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = script.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        script.send_signal(signal.SIGTERM)  # the script stops its processes and drops its database
        try:
            output, _ = script.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            script.kill()
            output, _ = script.communicate()
        pytest.fail(f"bench/faults.py did not finish in {TIMEOUT} s:\n{output[-4000:]}")
    finally:
        _kill_groups(pids)
    assert out.exists(), output[-4000:]
    result = json.loads(out.read_text())
    assert script.returncode == 0, output[-4000:]
    assert result["ok"] and result["problems"] == []

    requests = result["requests"]
    assert requests["total"] > 100
    assert requests["failed"] == 0 and requests["failures"] == []
    assert not [status for status in requests["by_status"] if status == "no answer" or int(status) >= 500]

    counts = result["counts"]
    assert counts["submissions_acknowledged"] > 0
    assert counts["submissions_in_db"] == counts["submissions_acknowledged"]
    assert counts["submissions_without_notification"] == 0
    for channel in ("email", "sms"):
        c = counts["channels"][channel]
        assert c["expected"] == counts["notifications"] > 0
        assert c["sent"] == c["in_sink"] == c["expected"]
        assert c["lost"] == c["unexpected_in_sink"] == c["failed"] == c["pending"] == 0
    # SMS is written in the transaction that marks the delivery sent: exactly once, whatever dies.
    assert counts["channels"]["sms"]["duplicated"] == 0
    # E-mail is at-least-once at the hand-over: a second copy (same Message-ID) only when a worker
    # died after handing it over and before committing, and a later attempt sent it again.
    email = counts["channels"]["email"]
    assert email["duplicated"] == email["resent_after_crash"] <= 1

    kinds = {fault["kind"]: fault for fault in result["faults"]}
    assert kinds["kill-worker"]["old_pid"] != kinds["kill-worker"]["new_pid"]
    assert kinds["restart-redis"]["old_run_id"] != kinds["restart-redis"]["new_run_id"]
    outstanding = sum(f["outstanding_count"] for f in result["faults"])
    assert outstanding > 0  # deliveries were in flight across a fault ...
    assert sum(f["outstanding_then_sent"] for f in result["faults"]) == outstanding  # ... and all arrived
    assert isinstance(result["unplanned_exits"], list)  # reported (the supervisor restarted them)
    assert result["drained"]

    # Every process the script started has stopped.
    assert [p for p in result["processes"] if _alive(p["pid"])] == []
    names = {p["name"] for p in result["processes"]}
    assert {"redis-1", "redis-2", "web-1", "worker-1", "worker-2", "beat-1"} <= names
