"""Indicator frameworks: the three-level tree, weights, locking at signature, amendments."""

from __future__ import annotations

import copy
import datetime

import pytest

from operations.models import ContractAmendment
from operations.performance import services
from operations.performance.models import Framework, Indicator
from portal.errors import DomainError, TransitionNotAllowed

from .conftest import sample_tree


def test_a_draft_framework_is_saved_as_a_tree(people, project):
    framework = services.framework_save(actor=people.agency_official, project=project, tree=sample_tree())
    assert framework.version == 1
    assert list(framework.indicators.filter(level=1).values_list("dimension", flat=True)) == [
        "output",
        "effect",
        "management",
    ]
    assert framework.indicators.filter(level=3).count() == 5
    veto = Indicator.objects.get(framework=framework, code="M1a")
    assert veto.veto and veto.method == "binary" and veto.parent.parent.code == "M"


@pytest.mark.parametrize(
    "mutate,message",
    [
        (lambda t: t.pop(), "exactly output"),
        (lambda t: t[0].__setitem__("weight", "0.6"), "add up to"),
        (lambda t: t[0]["children"][0]["children"][0].__setitem__("weight", "0.5"), "O1.*add up to"),
        (
            lambda t: t[0]["children"][0]["children"][0].__setitem__("method", "formula"),
            "Unknown scoring method",
        ),
        (
            lambda t: t[0]["children"][0]["children"][0].__setitem__("params", {"worst": 1, "best": 1}),
            "must differ",
        ),
        (lambda t: t[0]["children"][0].__setitem__("children", []), "three levels"),
        (lambda t: t[1]["children"][0]["children"][0].__setitem__("code", "O1a"), "used twice"),
    ],
)
def test_invalid_trees_are_refused_with_a_clear_message(people, project, mutate, message):
    tree = copy.deepcopy(sample_tree())
    mutate(tree)
    with pytest.raises(DomainError, match=message):
        services.framework_save(actor=people.agency_official, project=project, tree=tree)
    assert not Framework.objects.filter(project=project).exists()


def test_the_framework_locks_when_the_contract_is_signed_and_changes_only_by_amendment(ppp):
    with pytest.raises(TransitionNotAllowed, match="locked"):
        services.framework_save(actor=ppp.agency_official, project=ppp.project, tree=sample_tree())
    contract = ppp.project.contracts.create(title="PPP项目合同", signed_on=datetime.date(2021, 3, 1))
    amendment = ContractAmendment.objects.create(
        contract=contract, version=2, signed_on=datetime.date(2023, 1, 1), rationale="调整满意度权重"
    )
    tree = sample_tree()
    tree[0]["weight"], tree[1]["weight"] = "0.4", "0.4"
    v2 = services.framework_amend(
        actor=ppp.agency_official, project=ppp.project, amendment=amendment, tree=tree
    )
    assert (v2.version, v2.locked, v2.amendment_id) == (2, True, amendment.pk)
    ppp.framework.refresh_from_db()
    assert ppp.framework.locked
    assert ppp.framework.indicators.get(code="O").weight == pytest.approx(0.5)
    with pytest.raises(TransitionNotAllowed):
        services.framework_amend(
            actor=ppp.agency_official, project=ppp.project, amendment=amendment, tree=tree
        )


def test_outsiders_and_the_company_cannot_edit_frameworks(people, project):
    from django.core.exceptions import PermissionDenied

    for user in (people.outsider, people.citizen):
        with pytest.raises(PermissionDenied):
            services.framework_save(actor=user, project=project, tree=sample_tree())
