"""Rate limits on the public and abuse-prone entry points (django-ratelimit's counters, in the cache).

Each rule: a name, the path prefix it guards, the methods it counts, the key (client IP, or the
user for authenticated API clients) and a rate from settings (RATE_LIMIT_<NAME>, e.g. "10/10m";
an empty value turns the rule off). Counters live in the default cache, shared by every process
when the cache is Redis or the database (see docs/security.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from portal.audit.middleware import client_ip


@dataclass(frozen=True)
class Rule:
    name: str
    prefix: str
    methods: tuple[str, ...]
    key: str  # django-ratelimit key: "ip" or "user_or_ip"
    setting: str
    default: str


RULES = (
    Rule("login", "/accounts/login/", ("POST",), "ip", "RATE_LIMIT_LOGIN", "30/10m"),
    Rule("tracking", "/apply/track/", ("POST",), "ip", "RATE_LIMIT_TRACKING", "10/10m"),
    Rule("verify", "/verify/", ("GET", "POST", "HEAD"), "ip", "RATE_LIMIT_VERIFY", "60/m"),
    Rule(
        "exchange-api",
        "/api/exchange/",
        ("GET", "POST", "PUT", "PATCH", "DELETE"),
        "user_or_ip",
        "RATE_LIMIT_EXCHANGE_API",
        "300/m",
    ),
)


def rate_for(rule: Rule) -> str:
    return getattr(settings, rule.setting, rule.default) or ""


def rule_for(request) -> Rule | None:
    for rule in RULES:
        if request.path_info.startswith(rule.prefix) and request.method in rule.methods:
            return rule
    return None


def ratelimit_ip(request) -> str:
    """The client IP for django-ratelimit (RATELIMIT_IP_META_KEY): the audit trail's."""
    return client_ip(request) or "0.0.0.0"  # noqa: S104 - a key, not an address to bind


def check(request, rule: Rule) -> int | None:
    """Count this request; the seconds to wait when it is over the limit, else None."""
    from django_ratelimit.core import get_usage

    rate = rate_for(rule)
    if not rate:
        return None
    usage = get_usage(request, group=f"portal:{rule.name}", key=rule.key, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, usage["time_left"])
