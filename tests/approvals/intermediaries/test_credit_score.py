"""The credit score: 70 regulator + 10 enterprise credit + 20 ratings and complaints by default,
recomputed when a rating, a complaint finding or a grade changes."""

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from approvals.intermediaries import scoring, services
from approvals.intermediaries.models import Intermediary
from tests.factories.intermediaries import post

grades = st.decimals(min_value=0, max_value=100, places=2)


@given(reg=grades, ent=grades, stars=st.lists(st.integers(1, 5), max_size=20), upheld=st.integers(0, 6))
def test_score_arithmetic(reg, ent, stars, upheld):
    score = scoring.credit_score(
        regulator_grade=reg, enterprise_credit_grade=ent, stars=stars, upheld_complaints=upheld
    )
    part = Decimal(sum(stars)) / (5 * len(stars)) if stars else Decimal(1)
    part = min(max(part - Decimal("0.25") * upheld, Decimal(0)), Decimal(1))
    expected = (Decimal(70) * reg / 100 + Decimal(10) * ent / 100 + 20 * part).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )
    assert score == expected
    assert Decimal(0) <= score <= Decimal(100)


def test_full_marks_without_history_is_100_and_weights_are_settings(settings):
    assert (
        scoring.credit_score(regulator_grade=100, enterprise_credit_grade=100, stars=[], upheld_complaints=0)
        == 100
    )
    settings.MARKET_CREDIT_WEIGHTS = (60, 20, 20)
    assert (
        scoring.credit_score(regulator_grade=50, enterprise_credit_grade=100, stars=[], upheld_complaints=0)
        == 70
    )


def completed(market, firm):
    need = post(market["owner"], public_funds=False, budget_ceiling=Decimal(50000), mode="direct")
    need = services.need_direct_pick(actor=market["owner"], need=need, intermediary=firm)
    services.contract_file(actor=market["owner"], need=need, contract_no="HT-1", amount=Decimal(40000))
    from django.core.files.base import ContentFile

    services.result_upload(
        actor=firm.staff_user, need=need, uploaded_file=ContentFile(b"%PDF-1.4 x", name="r.pdf")
    )
    return services.result_approve(actor=market["owner"], need=need)


def test_rating_and_an_upheld_complaint_change_the_stored_score(market, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    firm = market["firms"][0]
    need = completed(market, firm)
    services.rating_submit(actor=market["owner"], need=need, stars=3)
    assert Intermediary.objects.get(pk=firm.pk).credit_score == Decimal("92.00")  # 70 + 10 + 20 × 3/5
    complaint = services.complaint_file(actor=market["owner"], need=need, text="延误")
    assert Intermediary.objects.get(pk=firm.pk).credit_score == Decimal("92.00")  # open: no effect yet
    services.complaint_handle(actor=market["regulator"], complaint=complaint, uphold=True, response="属实")
    assert Intermediary.objects.get(pk=firm.pk).credit_score == Decimal("87.00")  # 20 × (0.6 − 0.25)
