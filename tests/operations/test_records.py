import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from operations import rules, services
from operations.models import (
    Allocation,
    Disclosure,
    DocumentKind,
    Mode,
    OcdsRelease,
    Regime,
    ReturnMechanism,
    RiskCategory,
    Stage,
    StageTransition,
)
from operations.services import NeedsConfirmation
from portal.audit.models import AuditEvent
from portal.errors import DomainError, TransitionNotAllowed
from tests.operations.conftest import project_data

pytestmark = pytest.mark.django_db


# -- Regime rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regime", "mode", "mechanism", "field"),
    [
        (Regime.CONCESSION_2024, Mode.BT, ReturnMechanism.USER_PAY, "mode"),
        (Regime.SERVICE_PURCHASE, Mode.BT, ReturnMechanism.AVAILABILITY, "mode"),
        (Regime.CONCESSION_2024, Mode.BOT, ReturnMechanism.AVAILABILITY, "return_mechanism"),
        (Regime.CONCESSION_2024, Mode.BOT, ReturnMechanism.VGF, "return_mechanism"),
        (Regime.CONCESSION_2024, Mode.MC, ReturnMechanism.USER_PAY, "mode"),
        (Regime.LEGACY_PPP, Mode.SERVICE_PURCHASE, ReturnMechanism.AVAILABILITY, "mode"),
        (Regime.SERVICE_PURCHASE, Mode.SERVICE_PURCHASE, ReturnMechanism.USER_PAY, "return_mechanism"),
    ],
)
def test_regime_refuses(city, regime, mode, mechanism, field):
    data = project_data(city, regime=regime, mode=mode, return_mechanism=mechanism)
    with pytest.raises(DomainError) as caught:
        services.project_create(actor=city.manager, data=data)
    assert caught.value.field == field
    assert caught.value.message


@pytest.mark.parametrize(
    ("regime", "mode", "mechanism"),
    [
        (Regime.LEGACY_PPP, Mode.BT, ReturnMechanism.AVAILABILITY),
        (Regime.CONCESSION_2024, Mode.BOT, ReturnMechanism.USER_PAY),
        (Regime.SERVICE_PURCHASE, Mode.SERVICE_PURCHASE, ReturnMechanism.AVAILABILITY),
    ],
)
def test_regime_allows(city, regime, mode, mechanism):
    project = services.project_create(
        actor=city.manager, data=project_data(city, regime=regime, mode=mode, return_mechanism=mechanism)
    )
    assert project.pk


def test_concession_over_40_years_is_a_warning_to_confirm(city):
    data = project_data(
        city,
        regime=Regime.CONCESSION_2024,
        mode=Mode.BOT,
        return_mechanism=ReturnMechanism.USER_PAY,
        term_years=45,
    )
    with pytest.raises(NeedsConfirmation) as caught:
        services.project_create(actor=city.manager, data=data)
    assert caught.value.field == "term_years"
    project = services.project_create(actor=city.manager, data=data, confirm=True)
    assert project.term_warning_confirmed
    # Changing the term again asks again.
    with pytest.raises(NeedsConfirmation):
        services.project_update(actor=city.manager, project=project, data={"term_years": 50})


def test_concession_at_40_years_needs_no_confirmation(city):
    errors, warnings = rules.check_project(
        {"regime": Regime.CONCESSION_2024, "mode": Mode.BOT, "return_mechanism": "user_pay", "term_years": 40}
    )
    assert errors == [] and warnings == []


def test_construction_longer_than_term_refused(city):
    with pytest.raises(DomainError) as caught:
        services.project_create(
            actor=city.manager, data=project_data(city, term_years=10, construction_years=10)
        )
    assert caught.value.field == "construction_years"


def test_create_is_audited_and_released(city, project):
    assert AuditEvent.objects.filter(action="ppp.project_create").count() == 1
    assert OcdsRelease.objects.filter(project=project, tags=["planning"]).exists()
    assert project.transitions.get().to_stage == Stage.IDENTIFICATION


def test_only_ppp_managers_create(city):
    with pytest.raises(PermissionDenied):
        services.project_create(actor=city.agency_official, data=project_data(city))


# -- Stage transitions -----------------------------------------------------------------------------


def _advance(city, project, stage, on):
    return services.project_transition(actor=city.manager, project=project, to_stage=stage, on=on)


def test_legal_transitions_in_order(city, project):
    _advance(city, project, Stage.PREPARATION, datetime.date(2020, 6, 1))
    _advance(city, project, Stage.PROCUREMENT, datetime.date(2021, 3, 1))
    services.project_update(
        actor=city.manager,
        project=project,
        data={"contract_signed_on": datetime.date(2021, 9, 1), "project_company": city.spv},
    )
    project = _advance(city, project, Stage.EXECUTION, datetime.date(2021, 9, 15))
    assert project.stage == Stage.EXECUTION
    assert list(StageTransition.objects.filter(project=project).values_list("to_stage", flat=True)) == [
        "identification",
        "preparation",
        "procurement",
        "execution",
    ]
    assert AuditEvent.objects.filter(action="ppp.stage").count() == 3


def test_no_skipping_and_no_going_back(city, project):
    with pytest.raises(TransitionNotAllowed):
        _advance(city, project, Stage.PROCUREMENT, datetime.date(2020, 6, 1))
    _advance(city, project, Stage.PREPARATION, datetime.date(2020, 6, 1))
    with pytest.raises(TransitionNotAllowed):
        _advance(city, project, Stage.IDENTIFICATION, datetime.date(2020, 7, 1))


def test_transition_dates(city, project):
    with pytest.raises(DomainError) as caught:
        _advance(city, project, Stage.PREPARATION, datetime.date(2019, 1, 1))
    assert caught.value.field == "on"
    with pytest.raises(DomainError):
        _advance(city, project, Stage.PREPARATION, datetime.date.today() + datetime.timedelta(days=30))


def test_execution_needs_contract_and_company(city, project):
    _advance(city, project, Stage.PREPARATION, datetime.date(2020, 6, 1))
    _advance(city, project, Stage.PROCUREMENT, datetime.date(2021, 3, 1))
    with pytest.raises(DomainError) as caught:
        _advance(city, project, Stage.EXECUTION, datetime.date(2021, 9, 15))
    assert caught.value.field == "contract_signed_on"
    services.project_update(
        actor=city.manager, project=project, data={"contract_signed_on": datetime.date(2021, 9, 1)}
    )
    with pytest.raises(DomainError) as caught:
        _advance(city, project, Stage.EXECUTION, datetime.date(2021, 9, 15))
    assert caught.value.field == "project_company"


def test_service_purchase_needs_no_project_company(city):
    project = services.project_create(
        actor=city.manager,
        data=project_data(
            city,
            code="t-sp",
            regime=Regime.SERVICE_PURCHASE,
            mode=Mode.SERVICE_PURCHASE,
            return_mechanism=ReturnMechanism.AVAILABILITY,
            term_years=3,
            construction_years=None,
            contract_signed_on=datetime.date(2021, 1, 5),
            identified_on=datetime.date(2020, 1, 1),
        ),
    )
    for stage, on in [
        ("preparation", (2020, 3, 1)),
        ("procurement", (2020, 6, 1)),
        ("execution", (2021, 1, 10)),
    ]:
        project = _advance(city, project, stage, datetime.date(*on))
    assert project.stage == Stage.EXECUTION and project.project_company is None


def test_transition_approved_by_finance_ppp_manager_only(city, project):
    with pytest.raises(PermissionDenied):
        services.project_transition(
            actor=city.agency_official,
            project=project,
            to_stage=Stage.PREPARATION,
            on=datetime.date(2020, 6, 1),
        )


# -- Records ---------------------------------------------------------------------------------------


def test_document_disclosure_timing(city, project):
    now = services.document_add(
        actor=city.manager, project=project, data={"kind": DocumentKind.VFM, "title": "物有所值评价"}
    )
    later = services.document_add(
        actor=city.manager,
        project=project,
        data={
            "kind": DocumentKind.CONTRACT,
            "title": "PPP合同",
            "disclosure": Disclosure.AT_STAGE,
            "disclose_at_stage": Stage.EXECUTION,
        },
    )
    never = services.document_add(
        actor=city.manager,
        project=project,
        data={"kind": DocumentKind.OTHER, "title": "内部", "disclosure": Disclosure.NEVER},
    )
    assert (
        now.disclosed_for(project) and not later.disclosed_for(project) and not never.disclosed_for(project)
    )
    project.stage = Stage.EXECUTION
    assert later.disclosed_for(project)
    with pytest.raises(DomainError):
        services.document_add(
            actor=city.manager,
            project=project,
            data={"kind": DocumentKind.OTHER, "title": "x", "disclosure": Disclosure.AT_STAGE},
        )


def test_contract_amendments_are_versioned(city, project):
    contract = services.contract_add(
        actor=city.manager,
        project=project,
        data={
            "title": "PPP项目合同",
            "signed_on": datetime.date(2021, 9, 1),
            "value": Decimal("180000000.00"),
        },
    )
    contract = services.contract_amend(
        actor=city.manager,
        contract=contract,
        data={"value": Decimal("175000000.00")},
        signed_on=datetime.date(2023, 1, 1),
        rationale="投资调减",
    )
    assert contract.version == 2
    amendment = contract.amendments.get()
    assert amendment.version == 2 and amendment.changes["value"]["to"] == "175000000.00"
    with pytest.raises(DomainError):
        services.contract_amend(
            actor=city.manager, contract=contract, data={}, signed_on=datetime.date(2023, 2, 1), rationale="x"
        )


def test_risk_milestone_tariff(city, project):
    services.risk_add(
        actor=city.manager,
        project=project,
        data={"category": RiskCategory.DEMAND, "description": "需求不足", "allocation": Allocation.SHARED},
    )
    services.milestone_save(
        actor=city.manager,
        project=project,
        data={"title": "融资交割", "planned_on": datetime.date(2021, 12, 31)},
    )
    services.tariff_add(
        actor=city.manager,
        project=project,
        data={
            "item": "路内停车首小时",
            "unit": "元/小时",
            "price": Decimal("3.00"),
            "valid_from": datetime.date(2022, 1, 1),
        },
    )
    assert project.risks.count() == project.milestones.count() == project.tariffs.count() == 1


def test_editing_is_scoped(city, project):
    services.risk_add(
        actor=city.agency_official,
        project=project,
        data={"category": RiskCategory.OPERATION, "description": "运营", "allocation": Allocation.PRIVATE},
    )
    for actor in (city.outsider, city.company_rep, city.citizen):
        with pytest.raises(PermissionDenied):
            services.risk_add(
                actor=actor,
                project=project,
                data={
                    "category": RiskCategory.OPERATION,
                    "description": "x",
                    "allocation": Allocation.PRIVATE,
                },
            )


def test_late_milestones_reminded_once(city, project):
    from operations.tasks import milestones_daily
    from portal.notifications.models import Notification

    services.milestone_save(
        actor=city.manager,
        project=project,
        data={"title": "融资交割", "planned_on": datetime.date(2021, 12, 31)},
    )
    services.milestone_save(
        actor=city.manager,
        project=project,
        data={
            "title": "已完成",
            "planned_on": datetime.date(2021, 6, 30),
            "actual_on": datetime.date(2021, 6, 1),
        },
    )
    services.milestone_save(
        actor=city.manager, project=project, data={"title": "未到期", "planned_on": datetime.date(2030, 1, 1)}
    )
    assert milestones_daily(today=datetime.date(2022, 1, 5)) == {"reminded": 1}
    assert milestones_daily(today=datetime.date(2022, 1, 6)) == {"reminded": 0}
    (note,) = Notification.objects.filter(recipient=city.manager)
    assert "融资交割" in note.title
    assert not Notification.objects.filter(recipient=city.outsider).exists()


def test_a_contract_is_amended_through_the_page(client, city, project):
    contract = services.contract_add(
        actor=city.manager,
        project=project,
        data={
            "title": "PPP项目合同",
            "signed_on": datetime.date(2021, 9, 1),
            "value": Decimal("180000000.00"),
        },
    )
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(city.manager)
    url = f"/ppp/projects/{project.code}/contracts/{contract.pk}/amend/"
    assert client.get(url).status_code == 200
    fields = {"title": "PPP项目合同", "number": "", "signed_on": "2021-09-01", "summary": ""}
    # No rationale: refused, and what was typed is kept.
    response = client.post(url, {**fields, "value": "175000000.00", "amendment_signed_on": "2023-01-01"})
    assert response.status_code == 400 and "175000000.00" in response.content.decode()
    contract.refresh_from_db()
    assert contract.version == 1
    response = client.post(
        url,
        {**fields, "value": "175000000.00", "amendment_signed_on": "2023-01-01", "rationale": "投资调减"},
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.version == 2 and contract.value == Decimal("175000000.00")
    assert contract.amendments.get().rationale == "投资调减"
    # Someone who may not edit the project gets no further than 403/404.
    client.force_login(city.outsider)
    assert client.post(url, {**fields, "rationale": "x"}).status_code in (403, 404)
