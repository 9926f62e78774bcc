"""The scoring engine: pure functions on Decimal, no database (DOMAIN.md §6, 财金〔2020〕13号).

Scoring methods form a closed set; each takes a measured value and validated parameters and returns
a leaf score in [0, max_score]. There is never a free formula.

- threshold  {"direction": "higher"|"lower", "steps": [[limit, score], ...]}
             the best step the value reaches; a value reaching none scores 0. For "higher" a value
             reaches a step when value >= limit; for "lower" when value <= limit.
- linear     {"worst": w, "best": b}   score = max_score × clamp((value − w) / (b − w), 0, 1)
- per_event  {"deduction": d}          value = number of events; score = max(0, max_score − d × value)
- binary     {}                        value 1 (met) scores max_score, anything else 0
- manual     {"levels": [{"label": "优", "score": 100}, ...]}  value = the chosen level's score

Totals are bottom-up: a node's points (0–100) are Σ weight × child points over its children; a
leaf's points are 100 × score / max_score. A failed veto indicator (一票否决: a veto leaf scoring
below its max_score) caps the total at the configured veto cap (default 0: the total is zeroed).
Scores round half-up to 2 places, coefficients to 4.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import pairwise

from django.utils.translation import gettext as _

from portal.errors import DomainError

TWO = Decimal("0.01")
FOUR = Decimal("0.0001")
ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")

THRESHOLD, LINEAR, PER_EVENT, BINARY, MANUAL = "threshold", "linear", "per_event", "binary", "manual"
METHODS = (THRESHOLD, LINEAR, PER_EVENT, BINARY, MANUAL)


def q2(value: Decimal) -> Decimal:
    return Decimal(value).quantize(TWO, rounding=ROUND_HALF_UP)


def q4(value: Decimal) -> Decimal:
    return Decimal(value).quantize(FOUR, rounding=ROUND_HALF_UP)


def dec(value, *, what: str = "") -> Decimal:
    """A Decimal from a JSON number or string; floats go through str so 0.1 stays 0.1."""
    if isinstance(value, bool):
        raise DomainError(_("%(what)s must be a number.") % {"what": what or _("Value")})
    try:
        result = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("%(what)s must be a number.") % {"what": what or _("Value")}) from None
    if not result.is_finite():
        raise DomainError(_("%(what)s must be a number.") % {"what": what or _("Value")})
    return result


def _clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


# --- Parameters --------------------------------------------------------------------------------


def validate_params(method: str, params, max_score: Decimal) -> dict:
    """Check a method's parameters; return them normalised (numbers as strings). Raises DomainError."""
    if method not in METHODS:
        raise DomainError(_("Unknown scoring method."), field="method")
    if not isinstance(params, dict):
        raise DomainError(_("Scoring parameters must be an object."), field="params")
    max_score = dec(max_score, what=_("Max score"))
    if max_score <= 0:
        raise DomainError(_("The max score must be positive."), field="max_score")
    if method == THRESHOLD:
        direction = params.get("direction", "higher")
        if direction not in ("higher", "lower"):
            raise DomainError(_("Threshold direction must be “higher” or “lower”."), field="params")
        steps = params.get("steps")
        if not isinstance(steps, list) or not steps:
            raise DomainError(_("A threshold method needs at least one step [limit, score]."), field="params")
        clean = []
        for step in steps:
            if not isinstance(step, list | tuple) or len(step) != 2:
                raise DomainError(_("Each threshold step is a pair [limit, score]."), field="params")
            limit, score = dec(step[0], what=_("Limit")), dec(step[1], what=_("Score"))
            if not ZERO <= score <= max_score:
                raise DomainError(_("Step scores must lie between 0 and the max score."), field="params")
            clean.append((limit, score))
        # Order steps from the easiest to reach to the hardest; harder steps must not score less.
        clean.sort(key=lambda s: s[0], reverse=(direction == "lower"))
        limits = [s[0] for s in clean]
        if len(set(limits)) != len(limits):
            raise DomainError(_("Threshold limits must be distinct."), field="params")
        if any(b[1] < a[1] for a, b in pairwise(clean)):
            raise DomainError(
                _("A stricter threshold must not score less than a looser one."), field="params"
            )
        return {"direction": direction, "steps": [[str(a), str(b)] for a, b in clean]}
    if method == LINEAR:
        if "worst" not in params or "best" not in params:
            raise DomainError(_("A linear method needs “worst” and “best” values."), field="params")
        worst, best = dec(params["worst"], what=_("Worst")), dec(params["best"], what=_("Best"))
        if worst == best:
            raise DomainError(_("The worst and best values of a linear method must differ."), field="params")
        return {"worst": str(worst), "best": str(best)}
    if method == PER_EVENT:
        deduction = dec(params.get("deduction"), what=_("Deduction"))
        if deduction <= 0:
            raise DomainError(_("The deduction per event must be positive."), field="params")
        return {"deduction": str(deduction)}
    if method == BINARY:
        if params:
            raise DomainError(_("A binary method takes no parameters."), field="params")
        return {}
    levels = params.get("levels")
    if not isinstance(levels, list) or not levels:
        raise DomainError(_("A manual rubric needs at least one level {label, score}."), field="params")
    clean_levels = []
    for level in levels:
        if not isinstance(level, dict) or not str(level.get("label", "")).strip():
            raise DomainError(_("Each rubric level needs a label and a score."), field="params")
        score = dec(level.get("score"), what=_("Score"))
        if not ZERO <= score <= max_score:
            raise DomainError(_("Rubric scores must lie between 0 and the max score."), field="params")
        clean_levels.append({"label": str(level["label"]).strip(), "score": str(score)})
    if len({lv["score"] for lv in clean_levels}) != len(clean_levels):
        raise DomainError(_("Rubric levels must have distinct scores."), field="params")
    return {"levels": clean_levels}


def leaf_score(method: str, params: dict, max_score, value) -> Decimal:
    """The score of one leaf for a measured value, in [0, max_score], rounded to 2 places."""
    max_score = dec(max_score)
    value = dec(value, what=_("Value"))
    if method == THRESHOLD:
        higher = params.get("direction", "higher") == "higher"
        reached = [
            dec(score)
            for limit, score in params["steps"]
            if (value >= dec(limit) if higher else value <= dec(limit))
        ]
        result = max(reached) if reached else ZERO
    elif method == LINEAR:
        worst, best = dec(params["worst"]), dec(params["best"])
        result = max_score * _clamp((value - worst) / (best - worst), ZERO, ONE)
    elif method == PER_EVENT:
        if value < 0 or value != value.to_integral_value():
            raise DomainError(_("The number of events must be a whole number, 0 or more."), field="value")
        result = max(ZERO, max_score - dec(params["deduction"]) * value)
    elif method == BINARY:
        result = max_score if value == ONE else ZERO
    elif method == MANUAL:
        allowed = {dec(level["score"]) for level in params["levels"]}
        if value not in allowed:
            raise DomainError(_("Choose one of the rubric's levels."), field="value")
        result = value
    else:
        raise DomainError(_("Unknown scoring method."), field="method")
    return q2(_clamp(result, ZERO, max_score))


# --- Weights and totals ------------------------------------------------------------------------


def validate_weights(weights, *, label: str = "") -> None:
    """Sibling weights: each in (0, 1], together exactly 1."""
    weights = [dec(w, what=_("Weight")) for w in weights]
    if not weights:
        return
    if any(w <= 0 or w > 1 for w in weights):
        raise DomainError(_("Each weight must be greater than 0 and at most 1."), field="weight")
    total = sum(weights, ZERO)
    if total != ONE:
        raise DomainError(
            _("The weights under %(node)s add up to %(total)s; they must add up to exactly 1.")
            % {"node": label or _("the framework"), "total": total},
            field="weight",
        )


@dataclass
class Node:
    """One indicator in a tree to be totalled: a leaf carries its score, a branch its children."""

    key: str
    weight: Decimal
    max_score: Decimal = HUNDRED
    score: Decimal | None = None
    veto: bool = False
    children: list[Node] = field(default_factory=list)


@dataclass
class Total:
    total: Decimal
    points: dict[str, Decimal]
    veto_failed: list[str]


def total_score(roots: list[Node], *, veto_cap: Decimal = ZERO) -> Total:
    """Points of every node and the framework's total in [0, 100], bottom-up."""
    points: dict[str, Decimal] = {}
    failed: list[str] = []

    def walk(node: Node) -> Decimal:
        if node.children:
            validate_weights([c.weight for c in node.children], label=node.key)
            value = sum((dec(c.weight) * walk(c) for c in node.children), ZERO)
        else:
            score = ZERO if node.score is None else dec(node.score)
            value = HUNDRED * _clamp(score, ZERO, dec(node.max_score)) / dec(node.max_score)
            if node.veto and score < dec(node.max_score):
                failed.append(node.key)
        value = _clamp(value, ZERO, HUNDRED)
        points[node.key] = q2(value)
        return value

    validate_weights([r.weight for r in roots])
    total = _clamp(sum((dec(r.weight) * walk(r) for r in roots), ZERO), ZERO, HUNDRED)
    if failed:
        total = min(total, dec(veto_cap))
    return Total(total=q2(total), points=points, veto_failed=failed)


# --- Payment arithmetic ------------------------------------------------------------------------

STEP, LINEAR_BAND = "step", "linear"


def validate_bands(bands) -> list[dict]:
    """Bands [{"min", "max", "kind": step|linear, "coef_min", "coef_max"}] tiling [0, 100].

    A band holds scores min ≤ s < max; the top band also holds 100. A step band pays coef_min
    throughout; a linear band interpolates coef_min → coef_max. Coefficients never fall as the
    score rises.
    """
    if not isinstance(bands, list) or not bands:
        raise DomainError(_("A payment mechanism needs at least one band."), field="bands")
    clean = []
    for band in bands:
        if not isinstance(band, dict):
            raise DomainError(
                _("Each band is an object with min, max, kind and coefficients."), field="bands"
            )
        kind = band.get("kind", STEP)
        if kind not in (STEP, LINEAR_BAND):
            raise DomainError(_("A band is either “step” or “linear”."), field="bands")
        low, high = dec(band.get("min"), what=_("Band minimum")), dec(band.get("max"), what=_("Band maximum"))
        c_min = dec(band.get("coef_min"), what=_("Coefficient"))
        c_max = dec(band.get("coef_max", band.get("coef_min")), what=_("Coefficient"))
        if kind == STEP:
            c_max = c_min
        if not (ZERO <= low < high <= HUNDRED):
            raise DomainError(_("Band limits must satisfy 0 ≤ min < max ≤ 100."), field="bands")
        if c_min < 0 or c_max < c_min:
            raise DomainError(
                _("Band coefficients must be 0 or more and must not fall within a band."), field="bands"
            )
        clean.append({"min": low, "max": high, "kind": kind, "coef_min": c_min, "coef_max": c_max})
    clean.sort(key=lambda b: b["min"])
    if clean[0]["min"] != ZERO or clean[-1]["max"] != HUNDRED:
        raise DomainError(_("The bands must cover every score from 0 to 100."), field="bands")
    for a, b in pairwise(clean):
        if a["max"] != b["min"]:
            raise DomainError(_("The bands must meet without gaps or overlaps."), field="bands")
        if b["coef_min"] < a["coef_max"]:
            raise DomainError(_("A higher band must not pay a lower coefficient."), field="bands")
    return [{k: (str(v) if isinstance(v, Decimal) else v) for k, v in b.items()} for b in clean]


def coefficient(bands: list[dict], score) -> Decimal:
    """The payment coefficient for a total score, rounded half-up to 4 places."""
    score = dec(score)
    for index, band in enumerate(bands):
        low, high = dec(band["min"]), dec(band["max"])
        last = index == len(bands) - 1
        if low <= score < high or (last and score == high):
            c_min, c_max = dec(band["coef_min"]), dec(band["coef_max"])
            if band["kind"] == STEP:
                return q4(c_min)
            return q4(c_min + (score - low) / (high - low) * (c_max - c_min))
    return q4(ZERO)


@dataclass
class Payment:
    coefficient: Decimal
    performance_part: Decimal
    abatements: Decimal
    incentive: Decimal
    amount: Decimal


def payment_amount(
    *,
    bands: list[dict],
    score,
    linked_amount,
    fixed_amount=ZERO,
    abatement_per_event=ZERO,
    events: int = 0,
    incentive_from=None,
    incentive_per_point=ZERO,
    incentive_cap=ZERO,
) -> Payment:
    """fixed + linked × coefficient − events × abatement + min(incentive, cap), never below 0."""
    coef = coefficient(bands, score)
    performance_part = q2(dec(linked_amount) * coef)
    abatements = q2(dec(abatement_per_event) * int(events))
    incentive = ZERO
    if incentive_from is not None and dec(score) > dec(incentive_from):
        incentive = min((dec(score) - dec(incentive_from)) * dec(incentive_per_point), dec(incentive_cap))
    incentive = q2(incentive)
    amount = q2(max(ZERO, dec(fixed_amount) + performance_part - abatements + incentive))
    return Payment(coef, performance_part, abatements, incentive, amount)
