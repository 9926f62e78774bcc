"""The selection arithmetic: pure functions, no database, so anyone can recompute a result.

The draw (documented in docs/intermediaries.md):

1. When a need is announced the system draws a secret seed (32 random bytes, written as 64
   lowercase hex characters) and publishes `commitment = SHA-256(seed as ASCII)`.
2. At the draw the candidates are the eligible intermediaries, identified by their USCC and sorted
   ascending (the published candidate list).
3. Each candidate's ticket is `HMAC-SHA256(key = seed as ASCII, message = "<need number>:<USCC>")`
   as hex; the lowest ticket wins.
4. The seed is then revealed: anyone checks SHA-256(seed) == commitment and recomputes step 3.

Ties in price bidding and merit selection are broken the same way among the tied bids. The
optimal-price factor is `low + (int(HMAC(seed, "<number>:factor")[:8], 16) mod (N + 1)) / 10000`
with N = (high − low) × 10000, i.e. 0.9500…0.9800 in steps of 0.0001.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def new_seed() -> str:
    return secrets.token_hex(32)


def commitment(seed: str) -> str:
    return hashlib.sha256(seed.encode("ascii")).hexdigest()


def ticket(seed: str, number: str, key: str) -> str:
    return hmac.new(seed.encode("ascii"), f"{number}:{key}".encode(), hashlib.sha256).hexdigest()


def tickets(seed: str, number: str, keys) -> list[tuple[str, str]]:
    """(key, ticket) for each candidate key, in the stable (sorted) order of the keys."""
    return [(key, ticket(seed, number, key)) for key in sorted(keys)]


def draw(seed: str, number: str, keys) -> str | None:
    """The winning key: the lowest ticket (None without candidates)."""
    ranked = tickets(seed, number, keys)
    if not ranked:
        return None
    return min(ranked, key=lambda pair: (pair[1], pair[0]))[0]


def optimal_factor(seed: str, number: str, low=Decimal("0.95"), high=Decimal("0.98")) -> Decimal:
    steps = int((high - low) * 10000)
    value = int(ticket(seed, number, "factor")[:8], 16) % (steps + 1)
    return (low + Decimal(value) / Decimal(10000)).quantize(Decimal("0.0001"))


def trimmed_mean(prices) -> Decimal:
    """Mean of the prices; with five or more, the single highest and lowest are left out first."""
    values = sorted(Decimal(p) for p in prices)
    if not values:
        raise ValueError("no prices")
    if len(values) >= 5:
        values = values[1:-1]
    return sum(values, Decimal(0)) / len(values)


def lowest_price(seed: str, number: str, bids: dict[str, Decimal]) -> str | None:
    """bids: candidate key → price. The lowest price wins; ties by draw among the tied."""
    if not bids:
        return None
    best = min(bids.values())
    return draw(seed, number, [k for k, p in bids.items() if p == best])


def optimal_price_target(
    seed: str, number: str, prices, low=Decimal("0.95"), high=Decimal("0.98")
) -> Decimal:
    return (trimmed_mean(prices) * optimal_factor(seed, number, low, high)).quantize(CENT, ROUND_HALF_UP)


def optimal_price(
    seed: str, number: str, bids: dict[str, Decimal], low=Decimal("0.95"), high=Decimal("0.98")
) -> str | None:
    """The bid nearest the target (factor × trimmed mean) wins; equal distances by draw."""
    if not bids:
        return None
    target = optimal_price_target(seed, number, bids.values(), low, high)
    nearest = min(abs(p - target) for p in bids.values())
    return draw(seed, number, [k for k, p in bids.items() if abs(p - target) == nearest])


def merit_total(criteria: list[dict], scores: dict) -> Decimal:
    """Weighted total: Σ weight × score / 100 (scores 0–100, weights summing to 100)."""
    total = Decimal(0)
    for criterion in criteria:
        total += Decimal(str(criterion["weight"])) * Decimal(str(scores.get(criterion["name"], 0))) / 100
    return total.quantize(CENT, ROUND_HALF_UP)


def merit(seed: str, number: str, totals: dict[str, Decimal]) -> str | None:
    """The highest total wins; ties by draw."""
    if not totals:
        return None
    best = max(totals.values())
    return draw(seed, number, [k for k, t in totals.items() if t == best])
