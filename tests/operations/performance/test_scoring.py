"""The scoring engine: leaf methods, bottom-up totals, veto, weights — with hypothesis properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from operations.performance import scoring
from operations.performance.scoring import Node
from portal.errors import DomainError

D = Decimal
values = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
scores = st.decimals(min_value=0, max_value=100, places=2)

METHOD_CASES = [
    ("threshold", {"direction": "higher", "steps": [["80", "60"], ["90", "100"]]}, False),
    ("threshold", {"direction": "lower", "steps": [["5", "100"], ["10", "50"]]}, True),
    ("linear", {"worst": "95", "best": "99.9"}, False),
    ("linear", {"worst": "30", "best": "5"}, True),
    ("per_event", {"deduction": "12.5"}, True),
]


@pytest.mark.parametrize("method,params,lower_is_better", METHOD_CASES)
@given(a=values, b=values)
def test_a_better_value_never_lowers_the_score(method, params, lower_is_better, a, b):
    params = scoring.validate_params(method, params, D(100))
    if method == "per_event":
        a, b = abs(a).to_integral_value(), abs(b).to_integral_value()
    worse, better = (max(a, b), min(a, b)) if lower_is_better else (min(a, b), max(a, b))
    s_worse = scoring.leaf_score(method, params, D(100), worse)
    s_better = scoring.leaf_score(method, params, D(100), better)
    assert D(0) <= s_worse <= s_better <= D(100)


@given(level=st.sampled_from(["40", "80", "100"]), other=st.sampled_from(["40", "80", "100"]))
def test_manual_rubric_and_binary_are_monotone(level, other):
    params = scoring.validate_params(
        "manual", {"levels": [{"label": x, "score": x} for x in ("40", "80", "100")]}, D(100)
    )
    low, high = sorted([D(level), D(other)])
    assert scoring.leaf_score("manual", params, D(100), low) <= scoring.leaf_score(
        "manual", params, D(100), high
    )
    assert (
        scoring.leaf_score("binary", {}, D(100), 0)
        == D(0)
        < scoring.leaf_score("binary", {}, D(100), 1)
        == D(100)
    )


def test_leaf_methods_compute_exact_decimals():
    linear = scoring.validate_params("linear", {"worst": 95, "best": "99.9"}, D(100))
    assert scoring.leaf_score("linear", linear, D(100), "98.5") == D("71.43")
    steps = scoring.validate_params("threshold", {"steps": [[80, 60], [90, 100]]}, D(100))
    assert [scoring.leaf_score("threshold", steps, D(100), v) for v in ("79.99", "80", "89.9", "90")] == [
        D("0.00"),
        D("60.00"),
        D("60.00"),
        D("100.00"),
    ]
    assert scoring.leaf_score("per_event", {"deduction": "10"}, D(100), 3) == D("70.00")
    assert scoring.leaf_score("per_event", {"deduction": "10"}, D(100), 30) == D("0.00")


def test_manual_value_must_be_a_level_and_events_whole():
    params = scoring.validate_params("manual", {"levels": [{"label": "优", "score": 100}]}, D(100))
    with pytest.raises(DomainError):
        scoring.leaf_score("manual", params, D(100), 90)
    with pytest.raises(DomainError):
        scoring.leaf_score("per_event", {"deduction": "1"}, D(100), "1.5")


@pytest.mark.parametrize(
    "method,params",
    [
        ("formula", {}),
        ("threshold", {"steps": []}),
        ("threshold", {"direction": "sideways", "steps": [[1, 1]]}),
        ("threshold", {"steps": [[80, 100], [90, 60]]}),
        ("threshold", {"steps": [[80, 120]]}),
        ("linear", {"worst": 5, "best": 5}),
        ("linear", {"worst": "x", "best": 5}),
        ("per_event", {"deduction": 0}),
        ("binary", {"x": 1}),
        ("manual", {"levels": [{"label": "", "score": 1}]}),
        ("manual", {"levels": [{"label": "a", "score": 1}, {"label": "b", "score": 1}]}),
    ],
)
def test_invalid_parameters_are_refused(method, params):
    with pytest.raises(DomainError):
        scoring.validate_params(method, params, D(100))


def tree(weights, scores_, veto_index=None):
    leaves = [Node(key=f"L{i}", weight=D(1), score=s, veto=(i == veto_index)) for i, s in enumerate(scores_)]
    return [
        Node(key=f"R{i}", weight=w, children=[Node(key=f"B{i}", weight=D(1), children=[leaf])])
        for i, (w, leaf) in enumerate(zip(weights, leaves, strict=True))
    ]


weight_triples = (
    st.tuples(st.integers(1, 98), st.integers(1, 98))
    .filter(lambda t: t[0] + t[1] < 100)
    .map(lambda t: (D(t[0]) / 100, D(t[1]) / 100, D(100 - t[0] - t[1]) / 100))
)


@given(weights=weight_triples, s=st.tuples(scores, scores, scores))
def test_total_is_always_between_0_and_100(weights, s):
    result = scoring.total_score(tree(weights, s))
    assert D(0) <= result.total <= D(100)
    expected = sum((w * x for w, x in zip(weights, s, strict=True)), D(0))
    assert result.total == scoring.q2(expected)


@given(weights=weight_triples, s=st.tuples(scores, scores, scores), bump=scores)
def test_raising_one_leaf_never_lowers_the_total(weights, s, bump):
    base = scoring.total_score(tree(weights, s)).total
    raised = scoring.total_score(tree(weights, (max(s[0], bump), s[1], s[2]))).total
    assert raised >= base


@given(w=st.lists(st.decimals(min_value="0.01", max_value="1", places=2), min_size=1, max_size=5))
def test_weights_must_sum_to_one(w):
    if sum(w) == 1:
        scoring.validate_weights(w)
    else:
        with pytest.raises(DomainError, match="add up to"):
            scoring.validate_weights(w)


def test_weights_message_names_the_node():
    with pytest.raises(DomainError, match=r"O1.*0\.9"):
        scoring.validate_weights(["0.5", "0.4"], label="O1")


def test_a_failed_veto_indicator_zeroes_the_total_by_default():
    weights = (D("0.5"), D("0.3"), D("0.2"))
    passed = scoring.total_score(tree(weights, (D(100), D(90), D(100)), veto_index=2))
    assert passed.total == D("97.00") and passed.veto_failed == []
    failed = scoring.total_score(tree(weights, (D(100), D(90), D(0)), veto_index=2))
    assert failed.veto_failed == ["L2"] and failed.total == D("0.00")
    assert failed.points["R0"] == D("100.00")  # the other indicators keep their points for the record


def test_the_veto_cap_is_a_cap_not_a_floor():
    weights = (D("0.5"), D("0.3"), D("0.2"))
    capped = scoring.total_score(tree(weights, (D(100), D(90), D(50)), veto_index=2), veto_cap=D(60))
    assert capped.total == D("60.00")
    low = scoring.total_score(tree(weights, (D(10), D(10), D(0)), veto_index=2), veto_cap=D(60))
    assert low.total == D("8.00")
