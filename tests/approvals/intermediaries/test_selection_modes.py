"""Each selection mode through the services: the draw (with the public-funds minimum), lowest and
optimal price, merit selection, the direct pick's scope; failure and re-posting."""

from decimal import Decimal

import pytest

from approvals.intermediaries import draw, services
from approvals.intermediaries.models import Need
from portal.errors import DomainError, TransitionNotAllowed
from tests.factories.intermediaries import build_market, post


def bid_all(need, firms, prices):
    for firm, price in zip(firms, prices, strict=True):
        services.bid_submit(actor=firm.staff_user, need=need, price=Decimal(price))


def test_the_draw_commits_the_seed_hash_first_and_reveals_the_seed_after(market):
    need = post(market["owner"])
    assert need.seed == "" and len(need.seed_hash) == 64
    assert draw.commitment(need.sealed_seed) == need.seed_hash
    need = services.need_draw(actor=market["owner"], need=need)
    assert need.status == "selected"
    assert draw.commitment(need.seed) == need.seed_hash
    keys = [c["uscc"] for c in need.candidates]
    assert keys == sorted(f.uscc for f in market["firms"])
    assert need.winner.uscc == draw.draw(need.seed, need.number, keys)


def test_a_public_funds_draw_with_fewer_than_three_candidates_fails_and_is_reposted(db):
    market = build_market(count=2)
    need = services.need_draw(actor=market["owner"], need=post(market["owner"]))
    assert need.status == "failed" and need.winner is None
    again = services.need_repost(actor=market["owner"], need=need)
    assert again.status == "open" and again.reposted_from_id == need.pk and again.seed_hash != need.seed_hash
    with pytest.raises(TransitionNotAllowed):
        services.need_draw(actor=market["owner"], need=need)


def test_a_draw_without_public_funds_may_have_fewer_candidates(db):
    market = build_market(count=2)
    need = services.need_draw(actor=market["owner"], need=post(market["owner"], public_funds=False))
    assert need.status == "selected"


def test_lowest_price_wins(market):
    need = post(market["owner"], mode="lowest_price")
    bid_all(need, market["firms"][:3], ["150000", "120000.50", "180000"])
    need = services.need_select(actor=market["owner"], need=need)
    assert need.winner == market["firms"][1] and need.winning_price == Decimal("120000.50")


def test_fewer_than_three_bids_on_public_funds_fail(market):
    need = post(market["owner"], mode="lowest_price")
    bid_all(need, market["firms"][:2], ["150000", "120000"])
    assert services.need_select(actor=market["owner"], need=need).status == "failed"


def test_optimal_price_picks_the_bid_nearest_the_target(market):
    need = post(market["owner"], mode="optimal_price")
    bid_all(need, market["firms"][:4], ["190000", "150000", "160000", "170000"])
    need = services.need_select(actor=market["owner"], need=need)
    factor = draw.optimal_factor(need.seed, need.number)
    target = (Decimal("167500") * factor).quantize(Decimal("0.01"))
    assert need.factor == factor
    prices = {f.pk: p for f, p in zip(market["firms"], [190000, 150000, 160000, 170000], strict=True)}
    assert abs(prices[need.winner_id] - target) == min(abs(p - target) for p in prices.values())


def test_merit_selection_needs_every_bid_scored_and_picks_the_highest(market):
    criteria = [{"name": "方案", "weight": "70"}, {"name": "业绩", "weight": "30"}]
    need = post(market["owner"], mode="merit", criteria=criteria)
    bid_all(need, market["firms"][:3], ["150000", "120000", "180000"])
    bids = list(need.bids.order_by("id"))
    services.bid_score(actor=market["owner"], need=need, bid=bids[0], scores={"方案": 80, "业绩": 80})
    with pytest.raises(DomainError):
        services.need_select(actor=market["owner"], need=need)
    services.bid_score(actor=market["owner"], need=need, bid=bids[1], scores={"方案": 95, "业绩": 60})
    services.bid_score(actor=market["owner"], need=need, bid=bids[2], scores={"方案": 70, "业绩": 90})
    need = services.need_select(actor=market["owner"], need=need)
    assert need.winner == bids[1].intermediary  # 84.5 > 80 > 76


def test_merit_criteria_weights_must_add_up_to_100(market):
    with pytest.raises(DomainError):
        post(market["owner"], mode="merit", criteria=[{"name": "方案", "weight": "60"}])


def test_direct_pick_only_within_the_allowed_scope(market, settings):
    settings.MARKET_DIRECT_PICK_MAX_BUDGET = 100000
    with pytest.raises(DomainError):
        post(market["owner"], mode="direct", public_funds=True, budget_ceiling=50000)
    with pytest.raises(DomainError):
        post(market["owner"], mode="direct", public_funds=False, budget_ceiling=100000)
    need = post(market["owner"], mode="direct", public_funds=False, budget_ceiling=99999)
    need = services.need_direct_pick(actor=market["owner"], need=need, intermediary=market["firms"][3])
    assert need.status == "selected" and need.winner == market["firms"][3]


def test_bids_are_checked(market):
    need = post(market["owner"], mode="lowest_price", budget_ceiling=100000)
    with pytest.raises(DomainError):
        services.bid_submit(actor=market["firms"][0].staff_user, need=need, price=Decimal("100000.01"))
    services.bid_submit(actor=market["firms"][0].staff_user, need=need, price=Decimal("90000"))
    from portal.errors import Conflict

    with pytest.raises(Conflict):
        services.bid_submit(actor=market["firms"][0].staff_user, need=need, price=Decimal("80000"))
    draw_need = post(market["owner"])
    with pytest.raises(TransitionNotAllowed):
        services.bid_submit(actor=market["firms"][0].staff_user, need=draw_need, price=Decimal("1000"))
    assert Need.objects.count() == 2
