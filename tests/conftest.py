"""Shared test configuration.

Tests that need a real server are marked (`postgres`, `redis`, `browser`). Without the server
they are skipped on a developer's machine, but under CI=true they fail: CI must never go green
because a server was silently missing.
"""

import os
import shutil

import pytest

from tests.celery_worker import start_worker  # noqa: F401 - a fixture for every test module

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in the test thread; Django's ORM then needs this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _missing(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing server is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def _redis_available() -> bool:
    url = os.environ.get("REDIS_URL")
    if not url:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            _missing("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if item.get_closest_marker("redis") and not _redis_available():
        _missing("needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0 with a server running")
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        _missing(f"needs Chromium at {CHROMIUM} (Debian package chromium)")


SEEDED_CALENDAR_YEARS = range(2004, 2028)


@pytest.fixture(autouse=True)
def calendar_data(request):
    """The seeded working-day calendar for every test that uses the database.

    The calendar for 2004–2027 comes from a data migration, but a transactional test flushes every
    table when it ends; this puts the seed back (inside the test's own transaction) when that has
    happened, so no test depends on test order. The in-process calendar cache is fresh per test.
    """
    from portal.workcal import days

    days.clear_cache()
    marker = request.node.get_closest_marker("django_db")
    if marker is not None or "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        transactional = "transactional_db" in request.fixturenames or (
            marker is not None and marker.kwargs.get("transaction", False)
        )
        request.getfixturevalue("transactional_db" if transactional else "db")
        ensure_calendar_seed()
    yield
    days.clear_cache()


def ensure_calendar_seed():
    """Put the migration's calendar seed back if a transactional test flushed it."""
    from django.utils import timezone

    from portal.workcal.models import CalendarDay, CalendarYear
    from portal.workcal.seed import CHECKED_YEARS, seed_years

    if CalendarYear.objects.filter(year__in=SEEDED_CALENDAR_YEARS).count() != len(SEEDED_CALENDAR_YEARS):
        seed_years(
            year_model=CalendarYear,
            day_model=CalendarDay,
            years=SEEDED_CALENDAR_YEARS,
            now=timezone.now(),
            checked_years=CHECKED_YEARS,
        )


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Factories hash a password per user; a fast hasher keeps the suite quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def security_test_defaults(settings):
    """Two-factor enforcement off (tests log in as admins and supervisors with force_login; the
    tests under tests/portal/security turn it on) and a fresh cache per test, so rate-limit
    counters never leak from one test into another."""
    import uuid

    settings.TWO_FACTOR_REQUIRED = False
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4()}",
        }
    }


@pytest.fixture
def english_messages(request):
    """Messages asserted in English: in the test code and on the pages the test client reads
    (pages otherwise answer in the default zh-hans). Apps' conftests make it autouse."""
    from django.utils import translation

    if "client" in request.fixturenames:
        request.getfixturevalue("client").defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
