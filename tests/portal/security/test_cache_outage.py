"""The default cache while Redis is away (issue 10, "Faults"): an empty cache, not a 500.

Redis restarts lose nothing the portal needs from the cache (rate-limit counters only); Django's
RedisCache raised on a refused connection, so every rate-limited request (the login form above
all) answered 500 until Redis was back. portal.cache.TolerantRedisCache answers as an empty cache,
django-ratelimit then applies RATELIMIT_FAIL_OPEN, and django-axes (in the database) still locks
out password guessing. bench/faults.py shows it under load.
"""

import os
import socket
import time
import uuid

import pytest
import redis
from django.core.cache import caches

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    """A local port nobody listens on (bound and released: connecting is refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cache(location: str, backend: str = "portal.cache.TolerantRedisCache") -> dict:
    return {
        "default": {
            "BACKEND": backend,
            "LOCATION": location,
            "KEY_PREFIX": f"test-{uuid.uuid4()}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def redis_away(settings):
    settings.CACHES = _cache(f"redis://127.0.0.1:{_closed_port()}/0")
    return caches["default"]


def test_an_unreachable_redis_is_an_empty_cache(redis_away):
    cache = redis_away
    started = time.monotonic()
    assert cache.get("k") is None
    assert cache.get("k", "fallback") == "fallback"
    cache.set("k", 1)  # dropped, no error
    assert cache.add("k", 1) is False
    with pytest.raises(ValueError):
        cache.incr("k")
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("k") is False
    assert cache.delete("k") is False
    cache.set_many({"a": 1})
    cache.delete_many(["a"])
    assert time.monotonic() - started < 10  # refused connections answer at once, no long stalls


def test_djangos_redis_cache_raises_there(settings):
    """Why the backend exists: the stock one turns the outage into exceptions (500s)."""
    settings.CACHES = _cache(
        f"redis://127.0.0.1:{_closed_port()}/0", backend="django.core.cache.backends.redis.RedisCache"
    )
    with pytest.raises(redis.exceptions.ConnectionError):
        caches["default"].add("k", 1)


def test_login_works_while_redis_is_away_and_the_limit_fails_open(client, settings, redis_away):
    settings.RATE_LIMIT_LOGIN = "2/10m"
    user = UserFactory(username="bob")
    codes = [
        client.post("/accounts/login/", {"username": "bob", "password": "wrong"}).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 200]  # no 500, and no count to refuse on
    response = client.post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_lockout_still_holds_while_redis_is_away(client, settings, redis_away):
    """django-axes counts failures in the database: guessing is locked out without the cache."""
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="carol")
    codes = [
        client.post("/accounts/login/", {"username": "carol", "password": "wrong"}).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    response = client.post("/accounts/login/", {"username": "carol", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_fail_closed_refuses_rate_limited_requests_while_redis_is_away(client, settings, redis_away):
    settings.RATELIMIT_FAIL_OPEN = False
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 429
    assert client.get("/accounts/login/").status_code == 200  # pages that are not limited still work


@pytest.mark.redis
def test_with_redis_up_it_is_the_redis_cache(settings):
    settings.CACHES = _cache(os.environ["REDIS_URL"])
    cache = caches["default"]
    cache.set("k", {"a": 1}, 30)
    assert cache.get("k") == {"a": 1}
    assert cache.add("k", 2) is False
    assert cache.add("n", 1) is True
    assert cache.incr("n") == 2
    assert cache.get_many(["k", "n"]) == {"k": {"a": 1}, "n": 2}
    assert cache.delete("k") is True
    with pytest.raises(ValueError):
        cache.incr("missing")
