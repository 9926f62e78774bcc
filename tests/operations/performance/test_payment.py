"""Pay for performance: bands, the DOMAIN §6 worked example, the legacy 30% rule, frozen snapshots."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from operations.performance import scoring, services
from operations.performance.models import ImmutableError, PaymentCalculation, State
from portal.errors import DomainError, TransitionNotAllowed

from .conftest import run_to_review

D = Decimal
BANDS = scoring.validate_bands(
    [
        {"min": 0, "max": 60, "kind": "step", "coef_min": "0"},
        {"min": 60, "max": 80, "kind": "linear", "coef_min": "0.60", "coef_max": "0.90"},
        {"min": 80, "max": 90, "kind": "linear", "coef_min": "0.90", "coef_max": "1.00"},
        {"min": 90, "max": 100, "kind": "step", "coef_min": "1.00"},
    ]
)


def test_the_worked_example():
    result = scoring.payment_amount(
        bands=BANDS, score=D("84.20"), linked_amount=D("900000"), abatement_per_event=D("15000"), events=3
    )
    assert result.coefficient == D("0.9420")
    assert result.performance_part == D("847800.00")
    assert result.abatements == D("45000.00")
    assert result.amount == D("802800.00")


@pytest.mark.parametrize(
    "score,coef",
    [
        ("0", "0.0000"),
        ("59.99", "0.0000"),
        ("60", "0.6000"),
        ("79.99", "0.8999"),  # 0.89985 rounds half up
        ("80", "0.9000"),
        ("89.99", "0.9999"),
        ("90", "1.0000"),
        ("100", "1.0000"),
    ],
)
def test_band_edges_belong_to_the_upper_band(score, coef):
    assert scoring.coefficient(BANDS, D(score)) == D(coef)


@pytest.mark.parametrize(
    "bands",
    [
        [],
        [{"min": 0, "max": 90, "coef_min": 0}],
        [{"min": 0, "max": 50, "coef_min": 0}, {"min": 60, "max": 100, "coef_min": 1}],
        [{"min": 0, "max": 60, "coef_min": 0}, {"min": 50, "max": 100, "coef_min": 1}],
        [{"min": 0, "max": 60, "coef_min": "0.9"}, {"min": 60, "max": 100, "coef_min": "0.5"}],
        [{"min": 0, "max": 100, "kind": "linear", "coef_min": 1, "coef_max": "0.5"}],
        [{"min": 0, "max": 100, "kind": "curve", "coef_min": 1}],
    ],
)
def test_invalid_bands_are_refused(bands):
    with pytest.raises(DomainError):
        scoring.validate_bands(bands)


def test_incentives_are_capped_and_payment_never_negative():
    kwargs = {
        "bands": BANDS,
        "linked_amount": D("100000"),
        "incentive_from": D(90),
        "incentive_per_point": D(1000),
    }
    assert scoring.payment_amount(score=D(95), incentive_cap=D(3000), **kwargs).incentive == D("3000.00")
    assert scoring.payment_amount(score=D(92), incentive_cap=D(3000), **kwargs).incentive == D("2000.00")
    assert scoring.payment_amount(score=D(50), abatement_per_event=D(1000), events=5, **kwargs).amount == D(
        "0.00"
    )


def test_legacy_availability_payment_floats_at_least_30_percent(ppp):
    data = {"linked_amount": "290000", "fixed_amount": "710000", "bands": BANDS}
    with pytest.raises(DomainError, match="30"):
        services.mechanism_save(actor=ppp.manager, project=ppp.project, data=data)
    ok = services.mechanism_save(
        actor=ppp.manager,
        project=ppp.project,
        data={**data, "linked_amount": "300000", "fixed_amount": "700000"},
    )
    assert ok.linked_amount == D("300000.00")


def test_the_30_percent_rule_does_not_apply_to_other_regimes(ppp):
    ppp.project.regime = "service_purchase"
    ppp.project.save(update_fields=["regime"])
    made = services.mechanism_save(
        actor=ppp.manager,
        project=ppp.project,
        data={"linked_amount": "1", "fixed_amount": "99", "bands": BANDS},
    )
    assert made.pk


def approved(c, values):
    evaluation = run_to_review(c, values)
    return services.evaluation_transition(actor=c.manager, evaluation=evaluation, action="approve")


def test_a_calculation_is_made_from_the_approved_evaluation_and_frozen(ppp):
    # O1a 98.5 → 71.43; O1b 3 events → 70; E1a 85 → 60; M1a met → 100; M1b 良 → 80
    # O = 0.6×71.43 + 0.4×70 = 70.858; E = 60; M = 0.5×100 + 0.5×80 = 90
    # total = 0.5×70.858 + 0.3×60 + 0.2×90 = 71.43
    evaluation = approved(ppp, {"O1a": "98.5", "O1b": "3", "E1a": "85", "M1a": "1", "M1b": "80"})
    assert evaluation.total == D("71.43")
    calculation = services.calculation_create(actor=ppp.manager, evaluation=evaluation)
    assert calculation.events == 3
    assert calculation.coefficient == D("0.7715")  # 0.60 + (71.43 − 60) / 20 × 0.30
    assert calculation.amount == D("649350.00")  # 900,000 × 0.7715 − 3 × 15,000
    assert calculation.snapshot["mechanism"]["linked_amount"] == "900000.00"
    assert {row["code"]: row["score"] for row in calculation.snapshot["tree"]}["O1a"] == "71.43"


def test_changing_the_mechanism_later_does_not_change_the_calculation(ppp):
    evaluation = approved(ppp, {"O1a": "99.9", "O1b": "0", "E1a": "92", "M1a": "1", "M1b": "100"})
    calculation = services.calculation_create(actor=ppp.manager, evaluation=evaluation)
    frozen, amount = dict(calculation.snapshot), calculation.amount
    assert amount == D("900000.00")
    services.mechanism_update(
        actor=ppp.manager,
        mechanism=ppp.mechanism,
        data={"linked_amount": D("500000"), "abatement_per_event": D("1")},
    )
    ppp.leaves["O1a"].params = {"worst": "0", "best": "1"}
    ppp.leaves["O1a"].save()
    stored = PaymentCalculation.objects.get(pk=calculation.pk)
    assert stored.amount == amount and stored.snapshot == frozen
    assert stored.snapshot["mechanism"]["linked_amount"] == "900000.00"
    with pytest.raises(ImmutableError):
        stored.save()
    with pytest.raises(TransitionNotAllowed):
        services.calculation_create(actor=ppp.manager, evaluation=evaluation)


def test_only_an_approved_evaluation_is_paid_and_payments_stay_within_the_amount(ppp):
    evaluation = run_to_review(ppp)
    assert evaluation.state == State.DEPT_REVIEW
    with pytest.raises(TransitionNotAllowed):
        services.calculation_create(actor=ppp.manager, evaluation=evaluation)
    evaluation = services.evaluation_transition(actor=ppp.manager, evaluation=evaluation, action="approve")
    calculation = services.calculation_create(actor=ppp.manager, evaluation=evaluation)
    services.payment_record(
        actor=ppp.manager,
        calculation=calculation,
        amount="600000",
        paid_on=datetime.date(2025, 2, 1),
        reference="ZF-1",
    )
    with pytest.raises(DomainError, match="exceed"):
        services.payment_record(
            actor=ppp.manager,
            calculation=calculation,
            amount="300000.01",
            paid_on=datetime.date(2025, 3, 1),
            reference="ZF-2",
        )
    assert calculation.payments.count() == 1
