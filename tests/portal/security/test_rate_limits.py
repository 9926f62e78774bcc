"""Rate limits: 429 with Retry-After on login, public tracking, certificate verification
and the exchange API."""

import pytest

from tests.factories import OfficialFactory

pytestmark = pytest.mark.django_db


def _hammer(call, times):
    return [call() for _ in range(times)]


def test_login_posts_are_limited_per_ip(client, settings):
    settings.RATE_LIMIT_LOGIN = "3/10m"
    settings.AXES_FAILURE_LIMIT = 100
    responses = _hammer(lambda: client.post("/accounts/login/", {"username": "x", "password": "y"}), 4)
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    last = responses[-1]
    assert 0 < int(last["Retry-After"]) <= 600
    assert "Too many requests from your address" in last.content.decode()
    # Another address is not affected; reading the page is not counted.
    assert (
        client.post(
            "/accounts/login/", {"username": "x", "password": "y"}, REMOTE_ADDR="10.9.9.9"
        ).status_code
        == 200
    )
    assert client.get("/accounts/login/").status_code == 200


def test_public_tracking_is_limited(client, settings):
    settings.RATE_LIMIT_TRACKING = "2/10m"
    codes = [client.post("/apply/track/", {"number": "X", "query_code": "Y"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_certificate_verification_is_limited(client, settings):
    settings.RATE_LIMIT_VERIFY = "2/m"
    codes = [client.get("/verify/no-such-token/").status_code for _ in range(3)]
    assert codes[:2] != [429, 429] and codes[2] == 429


def test_exchange_api_is_limited_per_user_with_json(client, settings):
    settings.RATE_LIMIT_EXCHANGE_API = "2/m"
    client.force_login(OfficialFactory())
    responses = _hammer(lambda: client.get("/api/exchange/resources/NOPE/records/"), 3)
    assert responses[2].status_code == 429
    assert responses[2]["Content-Type"] == "application/json"
    assert "Retry-After" in responses[2]
    assert responses[0].status_code != 429


def test_an_empty_rate_turns_a_limit_off(client, settings):
    settings.RATE_LIMIT_VERIFY = ""
    assert 429 not in [client.get("/verify/no-such-token/").status_code for _ in range(5)]


@pytest.mark.redis
def test_limits_hold_across_processes_with_the_redis_cache(client, settings):
    """With REDIS_URL the counters live in Redis, shared by every web process."""
    import os
    import uuid

    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.TolerantRedisCache",  # as settings.py configures it
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"test-{uuid.uuid4()}",
        }
    }
    settings.RATE_LIMIT_VERIFY = "1/m"
    assert client.get("/verify/x/").status_code != 429
    assert client.get("/verify/x/").status_code == 429
