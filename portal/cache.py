"""The default cache on Redis, tolerant of Redis being away (issue 10, "Faults"; docs/security.md).

What the portal keeps in the cache can be lost: rate-limit counters (django-ratelimit) and nothing
else that a request needs (sessions, lock-outs and the outbox are in the database, the working-day
calendar is cached per process). Django's RedisCache raises on a refused or broken connection, so a
Redis restart turned every rate-limited request into a 500. This backend answers as an empty cache
instead while Redis cannot be reached: reads miss, writes are dropped, `add` and `delete` report
nothing done, `incr` raises ValueError (Django's "no such key"). django-ratelimit then sees no count
and applies RATELIMIT_FAIL_OPEN. Errors other than connection errors and timeouts still raise.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)


def _unavailable_errors() -> tuple[type[Exception], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def _tolerant(fallback):
    """Run the client method; on a connection error or timeout log it and return `fallback(...)`."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except _unavailable_errors() as exc:
                logger.warning(
                    "cache unavailable (%s: %s); %s answered as an empty cache",
                    exc.__class__.__name__,
                    exc,
                    method.__name__,
                )
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _missing_key(*args, **kwargs):
    raise ValueError("the cache is unavailable")


class TolerantRedisCacheClient(RedisCacheClient):
    add = _tolerant(lambda *a, **k: False)(RedisCacheClient.add)
    get = _tolerant(lambda key, default: default)(RedisCacheClient.get)
    set = _tolerant(lambda *a, **k: None)(RedisCacheClient.set)
    touch = _tolerant(lambda *a, **k: False)(RedisCacheClient.touch)
    delete = _tolerant(lambda *a, **k: False)(RedisCacheClient.delete)
    get_many = _tolerant(lambda *a, **k: {})(RedisCacheClient.get_many)
    has_key = _tolerant(lambda *a, **k: False)(RedisCacheClient.has_key)
    incr = _tolerant(_missing_key)(RedisCacheClient.incr)
    set_many = _tolerant(lambda *a, **k: [])(RedisCacheClient.set_many)
    delete_many = _tolerant(lambda *a, **k: None)(RedisCacheClient.delete_many)
    clear = _tolerant(lambda *a, **k: False)(RedisCacheClient.clear)


class TolerantRedisCache(RedisCache):
    """Django's RedisCache that behaves as an empty cache while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = TolerantRedisCacheClient
