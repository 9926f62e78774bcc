"""Progress arithmetic (pure functions; the services feed them and cache the result).

Rules (docs/coordination.md):
- A matter's progress is the weighted mean over its *parts*: each milestone (weight w, counts 100
  when done, else 0) and each live sub-matter (its weight w, its own progress). Cancelled
  sub-matters are not parts.
- A matter with no parts uses its lead unit's reported percentage (0 until reported).
- A completed (accepted) matter counts 100: the raiser accepted it as finished.
Results are rounded to two decimals, half up, and always lie in [0, 100].
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def progress(
    *,
    milestones: Iterable[tuple[int, bool]] = (),
    children: Iterable[tuple[int, Decimal]] = (),
    reported: int = 0,
    completed: bool = False,
) -> Decimal:
    if completed:
        return HUNDRED.quantize(CENT)
    total_weight = 0
    weighted = Decimal(0)
    for weight, done in milestones:
        total_weight += weight
        if done:
            weighted += HUNDRED * weight
    for weight, child_progress in children:
        total_weight += weight
        weighted += Decimal(child_progress) * weight
    if total_weight == 0:
        value = Decimal(max(0, min(100, reported)))
    else:
        value = weighted / total_weight
    return min(HUNDRED, max(Decimal(0), value)).quantize(CENT, rounding=ROUND_HALF_UP)
