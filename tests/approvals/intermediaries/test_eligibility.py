"""Who may be drawn or bid: approved, qualified today for the type, scoring enough, not
blacklisted, not at capacity."""

import datetime

import pytest

from approvals.intermediaries import selectors, services
from approvals.intermediaries.models import Intermediary
from portal.clocks.services import local_today
from tests.factories.intermediaries import intermediary


def eligible_codes(service_type="assessment"):
    return sorted(i.unit.code for i in selectors.eligible(service_type=service_type))


def test_only_qualified_approved_intermediaries_are_eligible(market):
    regulator = market["regulator"]
    intermediary(4, regulator, approve=False)  # awaiting review
    intermediary(5, regulator, types=("survey",))  # other service type
    intermediary(6, regulator, valid_days=-1, valid_from_days=-100)  # expired
    intermediary(7, regulator, valid_from_days=5)  # not yet valid
    assert eligible_codes() == ["im-0", "im-1", "im-2", "im-3"]
    assert eligible_codes("survey") == ["im-5"]


def test_blacklisted_intermediaries_are_excluded_while_the_period_runs(market):
    today = local_today()
    firm = market["firms"][0]
    services.intermediary_blacklist(
        actor=market["regulator"],
        intermediary=firm,
        reason="虚假报告",
        start=today,
        end=today + datetime.timedelta(days=30),
    )
    assert "im-0" not in eligible_codes()
    assert "im-0" in [
        i.unit.code
        for i in selectors.eligible(service_type="assessment", today=today + datetime.timedelta(days=31))
    ]


def test_low_scores_are_excluded(market, settings):
    settings.MARKET_MIN_SCORE = 60
    services.intermediary_grade(
        actor=market["regulator"],
        intermediary=market["firms"][1],
        regulator_grade=50,
        enterprise_credit_grade=50,
    )
    assert Intermediary.objects.get(pk=market["firms"][1].pk).credit_score == 60  # 35 + 5 + 20
    assert "im-1" in eligible_codes()
    services.intermediary_grade(
        actor=market["regulator"],
        intermediary=market["firms"][1],
        regulator_grade=40,
        enterprise_credit_grade=50,
    )
    assert "im-1" not in eligible_codes()


def test_intermediaries_at_capacity_are_not_available(market, settings):
    from tests.factories.intermediaries import post

    settings.MARKET_MAX_ACTIVE_ENGAGEMENTS = 1
    need = post(market["owner"], public_funds=False, budget_ceiling=50000, mode="direct")
    services.need_direct_pick(actor=market["owner"], need=need, intermediary=market["firms"][2])
    assert "im-2" not in eligible_codes()


@pytest.mark.parametrize("approve", [True, False])
def test_the_regulator_reviews_registrations(market, approve):
    firm = intermediary(4, market["regulator"], approve=False)
    assert firm.status == "pending"
    services.intermediary_review(
        actor=market["regulator"],
        intermediary=firm,
        approve=approve,
        note="" if approve else "资质证书不清晰",
    )
    firm.refresh_from_db()
    assert firm.status == ("approved" if approve else "rejected")
