"""Backup and restore as docs/operations.md describes it: pg_dump (custom format) of a populated
database, pg_restore into a new database, then every table's row count matches and the audit
chain and the data-exchange access log verify on the copy."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

pytestmark = pytest.mark.postgres


def _server():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or not shutil.which("pg_dump"):
        pytest.skip("needs PostgreSQL (DATABASE_URL) and pg_dump / pg_restore")
    return urlsplit(url)


def _url(server, name):
    return urlunsplit(server._replace(path=f"/{name}"))


def _pg_args(server):
    args = [
        "-h",
        server.hostname or "127.0.0.1",
        "-p",
        str(server.port or 5432),
        "-U",
        server.username or "postgres",
    ]
    env = dict(os.environ)
    if server.password:
        env["PGPASSWORD"] = server.password
    return args, env


def _manage(url, *args, timeout=900):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env["DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _row_counts(server, name) -> dict[str, int]:
    args, env = _pg_args(server)
    sql = (
        "select string_agg(format('select %L, count(*) from %I.%I', table_schema || '.' || table_name, "
        "table_schema, table_name), ' union all ') from information_schema.tables "
        "where table_schema = 'public' and table_type = 'BASE TABLE'"
    )
    query = subprocess.run(
        ["psql", *args, "-d", name, "-Atc", sql], env=env, capture_output=True, text=True, check=True
    )
    out = subprocess.run(
        ["psql", *args, "-d", name, "-AtF", "\t", "-c", query.stdout.strip()],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return {line.split("\t")[0]: int(line.split("\t")[1]) for line in out.stdout.splitlines() if line}


def test_dump_and_restore_keep_every_row_and_the_audit_chain(tmp_path):
    server = _server()
    args, env = _pg_args(server)
    suffix = uuid.uuid4().hex[:8]
    source, copy = f"backup_src_{suffix}", f"backup_copy_{suffix}"
    dump = tmp_path / "portal.dump"
    try:
        subprocess.run(["createdb", *args, source], env=env, check=True)
        for command in (("migrate", "--noinput", "-v0"), ("seed_demo",)):
            result = _manage(_url(server, source), *command)
            assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        subprocess.run(["pg_dump", *args, "-Fc", "--no-owner", "-f", str(dump), source], env=env, check=True)
        subprocess.run(["createdb", *args, copy], env=env, check=True)
        subprocess.run(
            ["pg_restore", *args, "--no-owner", "--exit-on-error", "-d", copy, str(dump)], env=env, check=True
        )
        before, after = _row_counts(server, source), _row_counts(server, copy)
        assert before == after
        assert before["public.audit_auditevent"] > 0 and before["public.portal_user"] > 0
        for command in ("audit_verify", "accesslog_verify"):
            verify = _manage(_url(server, copy), command)
            assert verify.returncode == 0, command + verify.stdout + verify.stderr
    finally:
        for name in (source, copy):
            subprocess.run(["dropdb", *args, "--if-exists", "--force", name], env=env, check=False)
