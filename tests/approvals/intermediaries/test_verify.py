"""The public announcement shows the hash before the draw and the seed after; the verify page
recomputes the winner from the revealed seed, and a changed seed does not match the hash."""

import pytest

from approvals.intermediaries import services
from approvals.intermediaries.verify import verify
from tests.factories.intermediaries import post


def test_hash_before_seed_after_and_the_verify_page_confirms_the_winner(market, client, english_messages):
    need = post(market["owner"])
    page = client.get(f"/market/announcements/{need.uuid}/").content.decode()
    assert need.seed_hash in page and need.sealed_seed not in page and 'id="seed-pending"' in page
    need = services.need_draw(actor=market["owner"], need=need)
    page = client.get(f"/market/announcements/{need.uuid}/").content.decode()
    assert need.seed in page and need.winner.uscc in page
    answer = client.get("/market/verify/", {"need": need.number, "seed": need.seed})
    html = answer.content.decode()
    assert 'data-seed-matches="yes"' in html and 'data-winner-matches="yes"' in html
    data = client.get("/market/verify/", {"need": need.number, "seed": need.seed, "format": "json"}).json()
    assert (
        data["seed_matches_hash"] and data["winner_matches"] and data["recomputed_winner"] == need.winner.uscc
    )


def test_a_changed_seed_does_not_match_the_published_hash(market, client):
    need = services.need_draw(actor=market["owner"], need=post(market["owner"]))
    forged = ("0" if need.seed[0] != "0" else "1") + need.seed[1:]
    result = verify(need, forged)
    assert not result.seed_matches and not result.winner_matches
    html = client.get("/market/verify/", {"need": need.number, "seed": forged}).content.decode()
    assert 'data-seed-matches="no"' in html


@pytest.mark.parametrize("mode", ["lowest_price", "optimal_price"])
def test_price_selections_verify_too(market, mode):
    from decimal import Decimal

    need = post(market["owner"], mode=mode)
    for firm, price in zip(market["firms"], ["150000", "150000", "160000"], strict=False):
        services.bid_submit(actor=firm.staff_user, need=need, price=Decimal(price))
    need = services.need_select(actor=market["owner"], need=need)
    assert verify(need, need.seed).winner_matches


def test_unknown_needs_and_cancelled_ones_are_not_found(market, client):
    need = post(market["owner"])
    services.need_cancel(actor=market["owner"], need=need)
    assert client.get(f"/market/announcements/{need.uuid}/").status_code == 404
    assert (
        "data-seed-matches"
        not in client.get("/market/verify/", {"need": need.number, "seed": "x"}).content.decode()
    )
