"""Agents (代办), pledge verification (告知承诺) and area assessments (区域评估), through the services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from approvals import services
from approvals.models import (
    AcceptanceMode,
    AgentGrant,
    Application,
    ApplicationMaterial,
    AreaAssessment,
    AssessedArea,
    AssessmentKind,
    CreditRecord,
    MaterialStatus,
    PledgeVerification,
    StatusChange,
)
from approvals.services.applicant import material_slots, materials_problems
from approvals.workflow import ApplicationStatus, TaskStatus
from portal.audit.models import AuditEvent
from portal.clocks import services as clocks
from portal.clocks.models import Clock
from portal.errors import DomainError, TransitionNotAllowed
from portal.notifications.models import Notification
from tests.approvals.factories import ItemFactory, MaterialFactory
from tests.factories import OrgUnitFactory, UserFactory, staff

A = ApplicationStatus
T = TaskStatus
TODAY = datetime.date(2026, 11, 2)  # a Monday


@pytest.fixture
def today(monkeypatch):
    state = {"today": TODAY}
    monkeypatch.setattr(clocks, "local_today", lambda: state["today"])
    return lambda day: state.update(today=day)


@pytest.fixture
def city(db, today):
    bureau = OrgUnitFactory(code="approval-bureau", name="行政审批局")
    centre = OrgUnitFactory(code="service-centre", name="政务服务中心")
    item = ItemFactory(
        code="BUILD",
        name="建设工程规划许可",
        implementing_body=bureau,
        published=True,
        promised_limit_days=5,
        pledge_acceptance_allowed=True,
        pledge_approval_allowed=True,
    )
    MaterialFactory(item=item, name="申请书", required=True)
    MaterialFactory(
        item=item, name="环境影响报告", required=True, area_assessment_kind=AssessmentKind.ENVIRONMENT
    )
    other = ItemFactory(
        code="OTHER",
        name="其他事项",
        implementing_body=bureau,
        published=True,
        pledge_acceptance_allowed=True,
        pledge_approval_allowed=True,
    )
    MaterialFactory(item=other, name="申请书")
    return {
        "item": item,
        "other": other,
        "bureau": bureau,
        "applicant": UserFactory(username="zhang", full_name="张三丰"),
        "stranger": UserFactory(username="li"),
        "agent": staff(centre, "agent", "agent", "王代办"),
        "clerk": staff(bureau, "window_clerk", "clerk"),
        "lead": staff(bureau, "lead_coordinator", "lead"),
        "reviewer": staff(bureau, "reviewer", "reviewer"),
    }


def grant(city, **kwargs):
    kwargs.setdefault("valid_until", TODAY + datetime.timedelta(days=90))
    return services.agent_grant_create(actor=city["applicant"], agent=city["agent"], **kwargs)


# -- 代办 ----------------------------------------------------------------------------------------------


def test_an_agent_acts_within_the_grant_and_every_act_records_both(city):
    grant(city)
    app = services.application_create(actor=city["agent"], item=city["item"], applicant=city["applicant"])
    assert app.applicant == city["applicant"]
    services.application_save_draft(actor=city["agent"], application=app, form_data={})
    change = StatusChange.objects.get(application=app, to_status=A.DRAFT)
    assert (change.actor, change.on_behalf_of) == (city["agent"], city["applicant"])
    event = AuditEvent.objects.filter(action="application.status", object_id=str(app.pk)).get()
    assert (event.actor_id, event.on_behalf_of_id) == (city["agent"].pk, city["applicant"].pk)
    materials = AuditEvent.objects.filter(action="application.material", object_id=str(app.pk))
    assert all(e.on_behalf_of_id == city["applicant"].pk for e in materials)


def test_submit_and_withdraw_by_agent_record_the_applicant(city):
    grant(city, may_withdraw=True)
    app = services.application_create(actor=city["agent"], item=city["other"], applicant=city["applicant"])
    app = services.application_submit(actor=city["agent"], application=app)
    assert app.status == A.SUBMITTED
    services.application_withdraw(actor=city["agent"], application=app, reason="客户改期")
    rows = StatusChange.objects.filter(application=app).order_by("pk")
    assert [(r.to_status, r.actor_id, r.on_behalf_of_id) for r in rows] == [
        (A.DRAFT, city["agent"].pk, city["applicant"].pk),
        (A.SUBMITTED, city["agent"].pk, city["applicant"].pk),
        (A.WITHDRAWN, city["agent"].pk, city["applicant"].pk),
    ]


def test_the_applicant_acting_themself_records_no_agent(city):
    app = services.application_create(actor=city["applicant"], item=city["other"])
    services.application_submit(actor=city["applicant"], application=app)
    assert not StatusChange.objects.filter(application=app, on_behalf_of__isnull=False).exists()


def test_scope_is_enforced(city):
    grant(city, may_prepare=True, may_withdraw=False, item=city["other"])
    # Another item than the one granted.
    with pytest.raises(PermissionDenied):
        services.application_create(actor=city["agent"], item=city["item"], applicant=city["applicant"])
    app = services.application_create(actor=city["agent"], item=city["other"], applicant=city["applicant"])
    services.application_submit(actor=city["agent"], application=app)
    # Withdrawing was not granted.
    with pytest.raises(PermissionDenied):
        services.application_withdraw(actor=city["agent"], application=app)
    # An application of the same applicant for the other item, started by the applicant: out of scope.
    own = services.application_create(actor=city["applicant"], item=city["item"])
    with pytest.raises(PermissionDenied):
        services.application_save_draft(actor=city["agent"], application=own, form_data={})


def test_no_grant_no_access_and_no_grant_for_strangers(city):
    with pytest.raises(PermissionDenied):
        services.application_create(actor=city["agent"], item=city["item"], applicant=city["applicant"])
    grant(city)
    # A grant from zhang gives nothing over li's applications.
    theirs = services.application_create(actor=city["stranger"], item=city["item"])
    with pytest.raises(PermissionDenied):
        services.application_save_draft(actor=city["agent"], application=theirs, form_data={})


def test_revoked_or_expired_grants_end_access(city, today):
    g = grant(city, valid_until=TODAY + datetime.timedelta(days=10))
    app = services.application_create(actor=city["agent"], item=city["other"], applicant=city["applicant"])
    today(TODAY + datetime.timedelta(days=11))
    with pytest.raises(PermissionDenied):
        services.application_save_draft(actor=city["agent"], application=app, form_data={})
    today(TODAY)
    services.application_save_draft(actor=city["agent"], application=app, form_data={})
    with pytest.raises(PermissionDenied):
        services.agent_grant_revoke(actor=city["agent"], grant=g)  # only the applicant revokes
    services.agent_grant_revoke(actor=city["applicant"], grant=g, reason="不再需要")
    with pytest.raises(PermissionDenied):
        services.application_save_draft(actor=city["agent"], application=app, form_data={})
    with pytest.raises(TransitionNotAllowed):
        services.agent_grant_revoke(actor=city["applicant"], grant=g)
    kinds = list(Notification.objects.filter(recipient=city["agent"]).values_list("kind", flat=True))
    assert kinds == ["agent_grant", "agent_grant"]


def test_only_government_agents_can_be_granted_and_the_grant_is_bounded(city):
    with pytest.raises(DomainError) as error:
        services.agent_grant_create(
            actor=city["applicant"], agent=city["stranger"], valid_until=TODAY + datetime.timedelta(days=5)
        )
    assert error.value.field == "agent"
    with pytest.raises(DomainError) as error:
        grant(city, valid_until=TODAY + datetime.timedelta(days=400))
    assert error.value.field == "valid_until"
    with pytest.raises(DomainError) as error:
        grant(city, may_prepare=False, may_withdraw=False)
    assert error.value.field == "may_prepare"
    with pytest.raises(DomainError):
        grant(city, valid_from=TODAY - datetime.timedelta(days=1))
    assert not AgentGrant.objects.exists()


# -- 告知承诺 --------------------------------------------------------------------------------------------


def granted_on_commitment(city, applicant=None):
    applicant = applicant or city["applicant"]
    app = services.application_create(actor=applicant, item=city["other"])
    app = services.application_submit(actor=applicant, application=app)
    app = services.application_accept(actor=city["clerk"], application=app, mode=AcceptanceMode.COMMITMENT)
    task = app.tasks.get()
    services.task_claim(actor=city["reviewer"], task=task)
    services.task_decide(actor=city["reviewer"], task=task, decision=T.APPROVED, opinion="同意")
    return services.application_decide(
        actor=city["lead"], application=Application.objects.get(pk=app.pk), grant=True
    )


def test_a_grant_on_pledge_opens_a_verification_with_a_clock(city):
    app = granted_on_commitment(city)
    verification = PledgeVerification.objects.get(application=app)
    assert verification.department == city["bureau"]
    clock = Clock.objects.get(purpose="verification", subject_id=str(verification.pk))
    assert clock.limit_days == 40 and clock.state == "running"
    assert Notification.objects.filter(recipient=city["reviewer"], key__endswith=":verification_due").exists()


def test_normal_grants_get_no_verification(city):
    app = services.application_create(actor=city["applicant"], item=city["other"])
    app = services.application_submit(actor=city["applicant"], application=app)
    services.application_accept(actor=city["clerk"], application=app)
    assert not PledgeVerification.objects.exists()


def test_a_kept_pledge_closes_the_verification(city):
    app = granted_on_commitment(city)
    verification = PledgeVerification.objects.get(application=app)
    services.pledge_verification_decide(
        actor=city["reviewer"], verification=verification, kept=True, findings="现场核查属实"
    )
    verification.refresh_from_db()
    assert verification.outcome == "confirmed"
    assert Clock.objects.get(purpose="verification").state == "stopped"
    assert Application.objects.get(pk=app.pk).status == app.status
    assert not CreditRecord.objects.exists()


def test_a_false_pledge_revokes_writes_credit_and_bars_pledges(city, today):
    app = granted_on_commitment(city)
    verification = PledgeVerification.objects.get(application=app)
    with pytest.raises(PermissionDenied):
        services.pledge_verification_decide(
            actor=city["clerk"], verification=verification, kept=False, findings="x"
        )
    with pytest.raises(DomainError):
        services.pledge_verification_decide(
            actor=city["reviewer"], verification=verification, kept=False, findings="  "
        )
    today(TODAY + datetime.timedelta(days=7))
    services.pledge_verification_decide(
        actor=city["reviewer"], verification=verification, kept=False, findings="承诺的消防设施未建成"
    )
    app.refresh_from_db()
    assert app.status == A.REVOKED
    record = CreditRecord.objects.get()
    assert record.subject == city["applicant"] and record.application == app
    assert record.barred_until == TODAY + datetime.timedelta(days=7 + 365)
    assert Notification.objects.filter(recipient=city["applicant"], key__endswith=":revoked").exists()
    # Barred: neither 容缺 nor 告知承诺 acceptance for the next application; normal still works.
    nxt = services.application_create(actor=city["applicant"], item=city["other"])
    nxt = services.application_submit(actor=city["applicant"], application=nxt)
    for mode in (AcceptanceMode.COMMITMENT, AcceptanceMode.PLEDGE):
        with pytest.raises(DomainError) as error:
            services.application_accept(
                actor=city["clerk"],
                application=nxt,
                mode=mode,
                supplement_due=TODAY + datetime.timedelta(days=30),
            )
        assert "barred" in error.value.message and error.value.field == "mode"
    services.application_accept(actor=city["clerk"], application=nxt, mode=AcceptanceMode.NORMAL)
    # After the bar ends, pledges are possible again.
    today(record.barred_until + datetime.timedelta(days=1))
    again = services.application_create(actor=city["applicant"], item=city["other"])
    again = services.application_submit(actor=city["applicant"], application=again)
    services.application_accept(actor=city["clerk"], application=again, mode=AcceptanceMode.COMMITMENT)
    with pytest.raises(TransitionNotAllowed):
        services.pledge_verification_decide(
            actor=city["reviewer"], verification=verification, kept=True, findings="再次核查"
        )


def test_an_admin_lifts_a_credit_record(city):
    app = granted_on_commitment(city)
    services.pledge_verification_decide(
        actor=city["reviewer"],
        verification=app.pledge_verification,
        kept=False,
        findings="不实",
    )
    record = CreditRecord.objects.get()
    with pytest.raises(PermissionDenied):
        services.credit_record_lift(actor=city["reviewer"], record=record, reason="复议撤销")
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    with pytest.raises(DomainError):
        services.credit_record_lift(actor=admin, record=record, reason=" ")
    services.credit_record_lift(actor=admin, record=record, reason="行政复议决定撤销")
    nxt = services.application_submit(
        actor=city["applicant"],
        application=services.application_create(actor=city["applicant"], item=city["other"]),
    )
    services.application_accept(actor=city["clerk"], application=nxt, mode=AcceptanceMode.COMMITMENT)


# -- 区域评估 --------------------------------------------------------------------------------------------


@pytest.fixture
def park(city):
    area = AssessedArea.objects.create(code="hi-tech", name="云溪高新区", managed_by=city["bureau"])
    assessment = AreaAssessment.objects.create(
        area=area,
        kind=AssessmentKind.ENVIRONMENT,
        title="云溪高新区规划环境影响报告书",
        document_number="云环审〔2025〕12号",
        approved_by=city["bureau"],
        valid_from=datetime.date(2025, 6, 1),
        valid_until=datetime.date(2030, 5, 31),
    )
    return area, assessment


def test_an_application_inside_an_assessed_area_has_the_material_satisfied(city, park):
    area, assessment = park
    app = services.application_create(actor=city["applicant"], item=city["item"])
    assert len(materials_problems(app)) == 2
    services.application_set_area(actor=city["applicant"], application=app, area=area)
    slots, _extras = material_slots(app)
    covered = {s.spec.name: s.area for s in slots}
    assert covered["申请书"] is None
    assert covered["环境影响报告"].assessment == assessment
    assert materials_problems(app) == ["“申请书” is required: upload it."]
    # Moving the project out of the area takes the cover away.
    services.application_set_area(actor=city["applicant"], application=app, area=None)
    assert not ApplicationMaterial.objects.filter(status=MaterialStatus.AREA).exists()
    assert len(materials_problems(app)) == 2


def test_only_a_valid_assessment_of_the_right_kind_counts(city, park, today):
    area, assessment = park
    AreaAssessment.objects.create(
        area=area,
        kind=AssessmentKind.FLOOD,
        title="洪水影响评价",
        document_number="x",
        approved_by=city["bureau"],
        valid_from=datetime.date(2025, 1, 1),
    )
    other = AssessedArea.objects.create(code="old-town", name="老城区")
    app = services.application_create(actor=city["applicant"], item=city["item"])
    services.application_set_area(actor=city["applicant"], application=app, area=other)
    assert not ApplicationMaterial.objects.filter(status=MaterialStatus.AREA).exists()
    today(datetime.date(2030, 6, 1))  # expired
    services.application_set_area(actor=city["applicant"], application=app, area=area)
    assert not ApplicationMaterial.objects.filter(status=MaterialStatus.AREA).exists()
    today(TODAY)
    assessment.withdrawn_on = TODAY
    assessment.save()
    services.application_set_area(actor=city["applicant"], application=app, area=area)
    assert not ApplicationMaterial.objects.filter(status=MaterialStatus.AREA).exists()


def test_submission_rechecks_the_assessment(city, park, today):
    area, assessment = park
    app = services.application_create(actor=city["applicant"], item=city["item"])
    services.application_set_area(actor=city["applicant"], application=app, area=area)
    assessment.valid_until = TODAY
    assessment.save()
    today(TODAY + datetime.timedelta(days=1))
    with pytest.raises(DomainError) as error:
        services.application_submit_complete(actor=city["applicant"], application=app)
    assert "环境影响报告" in error.value.message
    assert Application.objects.get(pk=app.pk).status == A.DRAFT


def test_the_area_can_only_change_while_editable_and_by_the_applicant(city, park):
    area, _assessment = park
    app = services.application_create(actor=city["applicant"], item=city["other"])
    with pytest.raises(PermissionDenied):
        services.application_set_area(actor=city["stranger"], application=app, area=area)
    services.application_submit(actor=city["applicant"], application=app)
    with pytest.raises(TransitionNotAllowed):
        services.application_set_area(actor=city["applicant"], application=app, area=area)
