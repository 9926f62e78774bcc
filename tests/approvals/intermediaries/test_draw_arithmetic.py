"""The selection arithmetic on its own: the committed-seed draw, the price rules and merit totals,
with hypothesis for the price rules."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from approvals.intermediaries import draw

SEED = "a" * 64
seeds = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)
prices = st.decimals(min_value=Decimal("1000"), max_value=Decimal("999999"), places=2)
keys = st.lists(
    st.text(alphabet="0123456789ABCDEF", min_size=18, max_size=18), min_size=1, max_size=8, unique=True
)


def test_commitment_is_the_sha256_of_the_seed_and_a_changed_seed_does_not_match():
    import hashlib

    assert draw.commitment(SEED) == hashlib.sha256(SEED.encode()).hexdigest()
    assert draw.commitment("b" + SEED[1:]) != draw.commitment(SEED)


def test_the_draw_is_the_lowest_hmac_ticket_and_does_not_depend_on_the_order_given():
    import hashlib
    import hmac

    candidates = ["91360900MA35TQ01XX", "91360900MA35TQ02XX", "91360900MA35TQ03XX"]
    expected = min(
        candidates, key=lambda k: hmac.new(SEED.encode(), f"ZJ-1:{k}".encode(), hashlib.sha256).hexdigest()
    )
    assert draw.draw(SEED, "ZJ-1", candidates) == expected
    assert draw.draw(SEED, "ZJ-1", list(reversed(candidates))) == expected
    assert draw.draw(SEED, "ZJ-1", []) is None


@given(seed=seeds, candidates=keys)
def test_a_draw_recomputed_from_the_same_seed_gives_the_same_winner(seed, candidates):
    assert draw.draw(seed, "ZJ-20261127-000001", candidates) == draw.draw(
        seed, "ZJ-20261127-000001", candidates
    )
    assert draw.draw(seed, "ZJ-20261127-000001", candidates) in candidates


@given(seed=seeds)
def test_the_optimal_factor_lies_between_95_and_98_percent(seed):
    factor = draw.optimal_factor(seed, "ZJ-1")
    assert Decimal("0.95") <= factor <= Decimal("0.98")
    assert factor == factor.quantize(Decimal("0.0001"))


@given(
    seed=seeds,
    bids=st.dictionaries(
        st.text(alphabet="ABCDEF0123", min_size=4, max_size=4), prices, min_size=1, max_size=8
    ),
)
def test_lowest_price_wins_and_ties_go_to_the_draw_among_the_tied(seed, bids):
    winner = draw.lowest_price(seed, "ZJ-1", bids)
    assert bids[winner] == min(bids.values())
    tied = [k for k, p in bids.items() if p == min(bids.values())]
    assert winner == draw.draw(seed, "ZJ-1", tied)


@given(
    seed=seeds,
    bids=st.dictionaries(
        st.text(alphabet="ABCDEF0123", min_size=4, max_size=4), prices, min_size=1, max_size=8
    ),
)
def test_optimal_price_is_the_bid_nearest_the_factor_times_the_trimmed_mean(seed, bids):
    winner = draw.optimal_price(seed, "ZJ-1", bids)
    values = sorted(bids.values())
    trimmed = values[1:-1] if len(values) >= 5 else values
    target = (sum(trimmed) / len(trimmed) * draw.optimal_factor(seed, "ZJ-1")).quantize(Decimal("0.01"))
    assert draw.optimal_price_target(seed, "ZJ-1", bids.values()) == target
    assert abs(bids[winner] - target) == min(abs(p - target) for p in bids.values())


def test_trimmed_mean_leaves_out_the_extremes_from_five_bids_on():
    assert draw.trimmed_mean([Decimal(100), Decimal(200), Decimal(300), Decimal(400)]) == Decimal(250)
    assert draw.trimmed_mean(
        [Decimal(1), Decimal(200), Decimal(300), Decimal(400), Decimal(10000)]
    ) == Decimal(300)


def test_merit_total_is_the_weighted_sum_and_the_highest_wins():
    criteria = [{"name": "方案", "weight": "60"}, {"name": "业绩", "weight": "40"}]
    assert draw.merit_total(criteria, {"方案": 90, "业绩": 70}) == Decimal("82.00")
    assert draw.merit(SEED, "ZJ-1", {"A": Decimal("82"), "B": Decimal("85")}) == "B"
