"""The credit score (DOMAIN.md §4): by default regulator 70 + enterprise credit 10 + owners'
ratings and complaints 20 = 100. Weights and the complaint penalty are settings (conf.py).

score = w_reg × regulator_grade / 100 + w_ent × enterprise_credit_grade / 100 + w_rat × part
part  = clamp(average stars / 5 (1 with no ratings yet) − penalty × upheld complaints, 0, 1)
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from . import conf


def credit_score(
    *, regulator_grade, enterprise_credit_grade, stars: list[int], upheld_complaints: int
) -> Decimal:
    w_reg, w_ent, w_rat = conf.credit_weights()
    part = (Decimal(sum(stars)) / (5 * len(stars))) if stars else Decimal(1)
    part -= conf.complaint_penalty() * upheld_complaints
    part = min(max(part, Decimal(0)), Decimal(1))
    score = (
        w_reg * Decimal(regulator_grade) / 100 + w_ent * Decimal(enterprise_credit_grade) / 100 + w_rat * part
    )
    return score.quantize(Decimal("0.01"), ROUND_HALF_UP)
