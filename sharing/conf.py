"""Settings of the data-sharing app, read when used (so tests may override them), with defaults.

The legal numbers come from the 2025 regulation (政务数据共享条例, summarised as 1 / 10 / 20
working days, DOMAIN.md §5); the others are local practice.
"""

from django.conf import settings


def _int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def unconditional_reply_days() -> int:
    """The data authority's check of a request (and the reply to an unconditional one)."""
    return _int("SHARING_UNCONDITIONAL_REPLY_DAYS", 1)


def conditional_reply_days() -> int:
    """The provider's reply to a conditional request."""
    return _int("SHARING_CONDITIONAL_REPLY_DAYS", 10)


def delivery_days() -> int:
    """After approval, the provider makes the data available within this many working days."""
    return _int("SHARING_DELIVERY_DAYS", 20)


def negotiation_days() -> int:
    return _int("SHARING_NEGOTIATION_DAYS", 10)


def coordination_days() -> int:
    return _int("SHARING_COORDINATION_DAYS", 10)


def agreement_default_months() -> int:
    """How long an agreement is valid when the request names no end (calendar months)."""
    return _int("SHARING_AGREEMENT_MONTHS", 12)


def default_retention_days() -> int:
    return _int("SHARING_RETENTION_DAYS", 365)


def expiry_reminder_days() -> tuple[int, ...]:
    return tuple(int(d) for d in getattr(settings, "SHARING_EXPIRY_REMINDER_DAYS", (30, 7)))
