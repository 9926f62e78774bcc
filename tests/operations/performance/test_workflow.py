"""Evaluation states, who moves them, and who sees what (company: own project; evaluators: assigned)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from operations.performance import selectors, services
from operations.performance.models import EvaluationTransition, IndicatorScore, State
from portal.errors import DomainError, TransitionNotAllowed

from .conftest import GOOD, run_to_review

P = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))


def new(c):
    return services.evaluation_create(
        actor=c.agency_official, project=c.project, period_start=P[0], period_end=P[1]
    )


def test_the_full_path_by_the_right_roles(ppp):
    evaluation = run_to_review(ppp)
    assert evaluation.state == State.DEPT_REVIEW
    assert evaluation.self_total == evaluation.total == Decimal("100.00")
    evaluation = services.evaluation_transition(actor=ppp.manager, evaluation=evaluation, action="approve")
    evaluation = services.evaluation_transition(actor=ppp.manager, evaluation=evaluation, action="publish")
    assert evaluation.state == State.PUBLISHED and evaluation.published_on is not None
    assert list(
        EvaluationTransition.objects.filter(evaluation=evaluation).values_list("to_state", flat=True)
    ) == [
        "self_assessment",
        "agency_scoring",
        "dept_review",
        "approved",
        "published",
    ]


@pytest.mark.parametrize(
    "state,action,who",
    [
        (State.DRAFT, "open", "company_rep"),
        (State.DRAFT, "open", "outsider"),
        (State.SELF_ASSESSMENT, "submit_self", "agency_official"),
        (State.SELF_ASSESSMENT, "submit_self", "manager"),
        (State.DEPT_REVIEW, "approve", "agency_official"),
        (State.DEPT_REVIEW, "approve", "company_rep"),
        (State.DEPT_REVIEW, "approve", "evaluator"),
    ],
)
def test_the_wrong_role_is_refused(ppp, state, action, who):
    evaluation = run_to_review(ppp) if state == State.DEPT_REVIEW else new(ppp)
    if state == State.SELF_ASSESSMENT:
        evaluation = services.evaluation_transition(
            actor=ppp.agency_official, evaluation=evaluation, action="open"
        )
    with pytest.raises(PermissionDenied):
        services.evaluation_transition(actor=getattr(ppp, who), evaluation=evaluation, action=action)
    evaluation.refresh_from_db()
    assert evaluation.state == state


@pytest.mark.parametrize("action", ["submit_self", "submit_scores", "approve", "publish", "return"])
def test_steps_out_of_order_are_refused(ppp, action):
    evaluation = new(ppp)
    with pytest.raises((TransitionNotAllowed, PermissionDenied)):
        services.evaluation_transition(actor=ppp.manager, evaluation=evaluation, action=action)
    evaluation.refresh_from_db()
    assert evaluation.state == State.DRAFT


def test_scores_are_complete_and_agency_scores_carry_evidence(ppp):
    evaluation = new(ppp)
    services.evaluation_transition(actor=ppp.agency_official, evaluation=evaluation, action="open")
    services.score_save(actor=ppp.company_rep, evaluation=evaluation, indicator=ppp.leaves["O1a"], value="99")
    with pytest.raises(DomainError, match="every indicator"):
        services.evaluation_transition(actor=ppp.company_rep, evaluation=evaluation, action="submit_self")
    for code, value in GOOD.items():
        services.score_save(
            actor=ppp.company_rep, evaluation=evaluation, indicator=ppp.leaves[code], value=value
        )
    services.evaluation_transition(actor=ppp.company_rep, evaluation=evaluation, action="submit_self")
    with pytest.raises(DomainError, match="evidence"):
        services.score_save(
            actor=ppp.agency_official, evaluation=evaluation, indicator=ppp.leaves["O1a"], value="99"
        )
    with pytest.raises(PermissionDenied):
        services.score_save(
            actor=ppp.company_rep,
            evaluation=evaluation,
            indicator=ppp.leaves["O1a"],
            value="99",
            evidence_text="x",
        )


def test_a_failed_veto_indicator_zeroes_the_evaluation(ppp):
    evaluation = run_to_review(ppp, {**GOOD, "M1a": "0"})
    assert evaluation.veto_failed is True
    assert evaluation.total == Decimal("0.00")


def test_the_dept_can_return_scores_to_the_agency(ppp):
    evaluation = run_to_review(ppp)
    evaluation = services.evaluation_transition(
        actor=ppp.manager, evaluation=evaluation, action="return", note="证据不足"
    )
    assert evaluation.state == State.AGENCY_SCORING


def test_evaluators_score_only_assigned_evaluations(ppp):
    evaluation = new(ppp)
    services.evaluation_transition(actor=ppp.agency_official, evaluation=evaluation, action="open")
    for code, value in GOOD.items():
        services.score_save(
            actor=ppp.company_rep, evaluation=evaluation, indicator=ppp.leaves[code], value=value
        )
    services.evaluation_transition(actor=ppp.company_rep, evaluation=evaluation, action="submit_self")

    with pytest.raises(PermissionDenied):
        services.score_save(
            actor=ppp.evaluator,
            evaluation=evaluation,
            indicator=ppp.leaves["O1a"],
            value="99",
            evidence_text="x",
        )
    with pytest.raises(Http404):
        selectors.evaluation_get(ppp.evaluator, evaluation.pk)

    services.evaluation_assign(actor=ppp.agency_official, evaluation=evaluation, evaluator=ppp.evaluator)
    assert selectors.evaluation_get(ppp.evaluator, evaluation.pk) == evaluation
    for code, value in GOOD.items():
        services.score_save(
            actor=ppp.evaluator,
            evaluation=evaluation,
            indicator=ppp.leaves[code],
            value=value,
            evidence_text="现场核查",
        )
    assert (
        IndicatorScore.objects.filter(evaluation=evaluation, stage="agency", scored_by=ppp.evaluator).count()
        == 5
    )
    services.evaluation_transition(actor=ppp.evaluator, evaluation=evaluation, action="submit_scores")

    with pytest.raises(Http404):
        selectors.evaluation_get(ppp.other_evaluator, evaluation.pk)
    assert not selectors.evaluations_visible(ppp.other_evaluator).exists()
    with pytest.raises(DomainError):
        services.evaluation_assign(actor=ppp.agency_official, evaluation=evaluation, evaluator=ppp.citizen)


def test_the_company_sees_and_reports_only_its_own_project(ppp, city):
    from operations import services as ppp_services

    from ..conftest import project_data
    from .conftest import sample_tree

    other = ppp_services.project_create(
        actor=city.manager,
        data={
            **project_data(city, code="t-other", name="其他项目"),
            "identified_on": datetime.date(2020, 1, 10),
        },
    )
    services.framework_save(actor=city.agency_official, project=other, tree=sample_tree())
    mine = new(ppp)
    theirs = services.evaluation_create(
        actor=city.agency_official, project=other, period_start=P[0], period_end=P[1]
    )

    assert list(selectors.evaluations_visible(ppp.company_rep)) == [mine]
    with pytest.raises(Http404):
        selectors.evaluation_get(ppp.company_rep, theirs.pk)
    with pytest.raises(Http404):
        selectors.project_get(ppp.company_rep, other.code)
    foreign_leaf = other.frameworks.get().indicators.filter(level=3).first()
    with pytest.raises(PermissionDenied):
        services.record_add(
            actor=ppp.company_rep, indicator=foreign_leaf, period_start=P[0], period_end=P[1], value="1"
        )
    record = services.record_add(
        actor=ppp.company_rep, indicator=ppp.leaves["O1a"], period_start=P[0], period_end=P[1], value="99.5"
    )
    assert record.value == Decimal("99.5")
    assert not selectors.evaluations_visible(city.outsider).exists()
    assert not selectors.evaluations_visible(city.citizen).exists()
