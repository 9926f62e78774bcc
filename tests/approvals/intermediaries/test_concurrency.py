"""Under real concurrency (PostgreSQL, threads, separate connections): a draw run twice at once
selects once; the same intermediary bidding twice at once bids once; bids racing the close of the
bidding are either in the evaluation or refused."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from approvals.intermediaries import services
from approvals.intermediaries.models import Bid, Need
from portal.audit.models import AuditEvent
from portal.errors import Conflict, TransitionNotAllowed
from tests.factories.intermediaries import build_market, post

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            outcomes.append(call())
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the caller
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_a_draw_run_twice_at_once_selects_once():
    market = build_market()
    need = post(market["owner"])
    outcomes = run_together([lambda: services.need_draw(actor=market["owner"], need=need)] * 2)
    assert sum(isinstance(o, Need) for o in outcomes) == 1
    assert sum(isinstance(o, TransitionNotAllowed) for o in outcomes) == 1
    assert AuditEvent.objects.filter(action="need.select").count() == 1


def test_the_same_intermediary_bidding_twice_at_once_bids_once():
    market = build_market()
    need = post(market["owner"], mode="lowest_price")
    user = market["firms"][0].staff_user
    outcomes = run_together(
        [
            lambda: services.bid_submit(actor=user, need=need, price=Decimal("1000")),
            lambda: services.bid_submit(actor=user, need=need, price=Decimal("900")),
        ]
    )
    assert sum(isinstance(o, Bid) for o in outcomes) == 1
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1
    assert Bid.objects.filter(need=need).count() == 1


def test_a_bid_racing_the_close_is_evaluated_or_refused():
    market = build_market()
    need = post(market["owner"], mode="lowest_price", public_funds=False)
    services.bid_submit(actor=market["firms"][0].staff_user, need=need, price=Decimal("5000"))
    outcomes = run_together(
        [
            lambda: services.bid_submit(actor=market["firms"][1].staff_user, need=need, price=Decimal("100")),
            lambda: services.need_select(actor=market["owner"], need=need),
        ]
    )
    need.refresh_from_db()
    assert need.status == "selected"
    late = [o for o in outcomes if isinstance(o, TransitionNotAllowed)]
    if late:  # the close came first: the bid was refused and is not in the evaluation
        assert need.winner == market["firms"][0] and Bid.objects.filter(need=need).count() == 1
    else:  # the bid came first: it is evaluated, and being lowest it wins
        assert need.winner == market["firms"][1] and len(need.candidates) == 2
