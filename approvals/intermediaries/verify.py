"""Recompute a published selection from its revealed seed (the public verify page and API)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from . import conf, draw
from .models import Need, SelectionMode


@dataclass
class Verification:
    seed_matches: bool
    winner_key: str | None = None
    winner_matches: bool = False
    tickets: list = field(default_factory=list)
    factor: Decimal | None = None
    target: Decimal | None = None


def verify(need: Need, seed: str) -> Verification:
    """Does SHA-256(seed) equal the committed hash, and does the seed pick the published winner?"""
    seed = (seed or "").strip().lower()
    try:
        seed.encode("ascii")
    except UnicodeEncodeError:
        return Verification(seed_matches=False)
    result = Verification(seed_matches=draw.commitment(seed) == need.seed_hash)
    keys = [c["uscc"] for c in need.candidates]
    result.tickets = draw.tickets(seed, need.number, keys)
    if need.mode == SelectionMode.DRAW:
        result.winner_key = draw.draw(seed, need.number, keys)
    elif need.mode == SelectionMode.LOWEST_PRICE:
        result.winner_key = draw.lowest_price(
            seed, need.number, {c["uscc"]: Decimal(c["price"]) for c in need.candidates}
        )
    elif need.mode == SelectionMode.OPTIMAL_PRICE and need.candidates:
        low, high = conf.optimal_factor_range()
        prices = {c["uscc"]: Decimal(c["price"]) for c in need.candidates}
        result.factor = draw.optimal_factor(seed, need.number, low, high)
        result.target = draw.optimal_price_target(seed, need.number, prices.values(), low, high)
        result.winner_key = draw.optimal_price(seed, need.number, prices, low, high)
    elif need.mode == SelectionMode.MERIT:
        result.winner_key = draw.merit(
            seed,
            need.number,
            {c["uscc"]: Decimal(c["merit_total"]) for c in need.candidates if "merit_total" in c},
        )
    elif need.mode == SelectionMode.DIRECT:
        result.winner_key = keys[0] if keys else None
    winner_uscc = need.winner.uscc if need.winner_id else None
    result.winner_matches = (
        result.seed_matches and result.winner_key is not None and result.winner_key == winner_uscc
    )
    return result
