"""Settings of the intermediary market, read when used (so `override_settings` works in tests).

- `MARKET_CREDIT_WEIGHTS` (default (70, 10, 20)): points of the credit score from the regulator's
  assessment, the enterprise credit record and the owners' ratings and complaints (DOMAIN.md §4).
- `MARKET_COMPLAINT_PENALTY` (default 0.25): share of the ratings part lost per upheld complaint.
- `MARKET_MIN_SCORE` (default 60): intermediaries scoring below it are excluded from selections.
- `MARKET_PUBLIC_FUNDS_MIN` (default 3): the least candidates (draw) or bids (bidding, merit) when
  public funds are involved; fewer → the selection fails and the need is re-posted.
- `MARKET_DIRECT_PICK_MAX_BUDGET` (default 100000 yuan): a direct pick is allowed only without
  public funds and with a budget ceiling below this amount.
- `MARKET_EXPIRY_REMINDER_DAYS` (default 30): days before a qualification expires that its
  intermediary is reminded; the day after it expires it is suspended.
- `MARKET_MAX_ACTIVE_ENGAGEMENTS` (default 5): an intermediary with this many engagements in
  progress is not available for new draws.
- `MARKET_OPTIMAL_FACTOR_RANGE` (default ("0.95", "0.98")): the random factor of the optimal price.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings


def credit_weights() -> tuple[Decimal, Decimal, Decimal]:
    regulator, enterprise, ratings = getattr(settings, "MARKET_CREDIT_WEIGHTS", (70, 10, 20))
    return Decimal(str(regulator)), Decimal(str(enterprise)), Decimal(str(ratings))


def complaint_penalty() -> Decimal:
    return Decimal(str(getattr(settings, "MARKET_COMPLAINT_PENALTY", "0.25")))


def min_score() -> Decimal:
    return Decimal(str(getattr(settings, "MARKET_MIN_SCORE", 60)))


def public_funds_min() -> int:
    return int(getattr(settings, "MARKET_PUBLIC_FUNDS_MIN", 3))


def direct_pick_max_budget() -> Decimal:
    return Decimal(str(getattr(settings, "MARKET_DIRECT_PICK_MAX_BUDGET", 100000)))


def expiry_reminder_days() -> int:
    return int(getattr(settings, "MARKET_EXPIRY_REMINDER_DAYS", 30))


def max_active_engagements() -> int:
    return int(getattr(settings, "MARKET_MAX_ACTIVE_ENGAGEMENTS", 5))


def optimal_factor_range() -> tuple[Decimal, Decimal]:
    low, high = getattr(settings, "MARKET_OPTIMAL_FACTOR_RANGE", ("0.95", "0.98"))
    return Decimal(str(low)), Decimal(str(high))
