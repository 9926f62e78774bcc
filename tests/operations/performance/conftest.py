"""Performance fixtures: a signed legacy PPP with a framework, an evaluator, a payment mechanism."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from operations.performance import services
from operations.performance.models import Indicator
from tests.factories import OrgUnitFactory, staff


def leaf(code, name, weight, method, params, **extra):
    return {"code": code, "name": name, "weight": weight, "method": method, "params": params, **extra}


def branch(code, name, weight, children, **extra):
    return {"code": code, "name": name, "weight": weight, "children": children, **extra}


def sample_tree():
    """Output 0.5, effect 0.3, management 0.2; one veto indicator (safety accidents)."""
    return [
        branch(
            "O",
            "产出",
            "0.5",
            [
                branch(
                    "O1",
                    "设施可用",
                    "1",
                    [
                        leaf("O1a", "系统可用率", "0.6", "linear", {"worst": "95", "best": "99.9"}),
                        leaf("O1b", "故障次数", "0.4", "per_event", {"deduction": "10"}),
                    ],
                )
            ],
            dimension="output",
        ),
        branch(
            "E",
            "效果",
            "0.3",
            [
                branch(
                    "E1",
                    "公众满意",
                    "1",
                    [
                        leaf(
                            "E1a",
                            "满意度",
                            "1",
                            "threshold",
                            {"direction": "higher", "steps": [["80", "60"], ["90", "100"]]},
                        )
                    ],
                )
            ],
            dimension="effect",
        ),
        branch(
            "M",
            "管理",
            "0.2",
            [
                branch(
                    "M1",
                    "安全与制度",
                    "1",
                    [
                        leaf("M1a", "无重大安全事故", "0.5", "binary", {}, veto=True),
                        leaf(
                            "M1b",
                            "档案管理",
                            "0.5",
                            "manual",
                            {
                                "levels": [
                                    {"label": "优", "score": 100},
                                    {"label": "良", "score": 80},
                                    {"label": "差", "score": 40},
                                ]
                            },
                        ),
                    ],
                )
            ],
            dimension="management",
        ),
    ]


@pytest.fixture
def people(city):
    evaluation_org = OrgUnitFactory(code="t-eval-firm", name="评价机构")
    city.evaluator = staff(evaluation_org, "evaluator", "t-evaluator")
    city.other_evaluator = staff(evaluation_org, "evaluator", "t-evaluator2")
    return city


@pytest.fixture
def ppp(people, project):
    project.project_company = people.spv
    project.save(update_fields=["project_company"])
    framework = services.framework_save(actor=people.agency_official, project=project, tree=sample_tree())
    project.contract_signed_on = datetime.date(2021, 3, 1)
    project.save(update_fields=["contract_signed_on"])
    services.framework_lock(project=project)
    mechanism = services.mechanism_save(
        actor=people.manager,
        project=project,
        data={
            "linked_amount": Decimal("900000.00"),
            "fixed_amount": Decimal("0"),
            "bands": [
                {"min": 0, "max": 60, "kind": "step", "coef_min": "0"},
                {"min": 60, "max": 80, "kind": "linear", "coef_min": "0.60", "coef_max": "0.90"},
                {"min": 80, "max": 90, "kind": "linear", "coef_min": "0.90", "coef_max": "1.00"},
                {"min": 90, "max": 100, "kind": "step", "coef_min": "1.00"},
            ],
            "abatement_per_event": Decimal("15000.00"),
        },
    )
    people.project, people.framework, people.mechanism = project, framework, mechanism
    people.leaves = {i.code: i for i in Indicator.objects.filter(framework=framework, level=3)}
    return people


GOOD = {"O1a": "99.9", "O1b": "0", "E1a": "92", "M1a": "1", "M1b": "100"}


def run_to_review(
    c, values=None, *, scorer=None, period=(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
):
    """Create an evaluation and move it to DEPT_REVIEW with the given agency values."""
    values = values or GOOD
    evaluation = services.evaluation_create(
        actor=c.agency_official, project=c.project, period_start=period[0], period_end=period[1]
    )
    services.evaluation_transition(actor=c.agency_official, evaluation=evaluation, action="open")
    for code, value in values.items():
        services.score_save(actor=c.company_rep, evaluation=evaluation, indicator=c.leaves[code], value=value)
    services.evaluation_transition(actor=c.company_rep, evaluation=evaluation, action="submit_self")
    for code, value in values.items():
        services.score_save(
            actor=scorer or c.agency_official,
            evaluation=evaluation,
            indicator=c.leaves[code],
            value=value,
            evidence_text="核查记录",
        )
    return services.evaluation_transition(
        actor=scorer or c.agency_official, evaluation=evaluation, action="submit_scores"
    )
