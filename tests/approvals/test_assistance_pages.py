"""The pages of agents (代办), assessed areas (区域评估) and pledge verification (告知承诺)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals import services
from approvals.models import (
    AcceptanceMode,
    AgentGrant,
    Application,
    AreaAssessment,
    AssessedArea,
    AssessmentKind,
    CreditRecord,
    StatusChange,
)
from approvals.workflow import TaskStatus
from tests.approvals.factories import ItemFactory, MaterialFactory
from tests.factories import OrgUnitFactory, UserFactory, staff


@pytest.fixture(autouse=True)
def english_pages(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def city(db):
    bureau = OrgUnitFactory(code="approval-bureau", name="行政审批局")
    item = ItemFactory(
        code="BUILD",
        name="建设项目环评审批",
        implementing_body=bureau,
        published=True,
        pledge_approval_allowed=True,
    )
    MaterialFactory(item=item, name="申请书")
    MaterialFactory(item=item, name="环境影响报告表", area_assessment_kind=AssessmentKind.ENVIRONMENT)
    return {
        "item": item,
        "bureau": bureau,
        "applicant": UserFactory(username="zhang", full_name="张三"),
        "other": UserFactory(username="li", full_name="李四"),
        "agent": staff(bureau, "agent", "agent", "马代办"),
        "clerk": staff(bureau, "window_clerk", "clerk"),
        "lead": staff(bureau, "lead_coordinator", "lead"),
        "reviewer": staff(bureau, "reviewer", "reviewer", "李审核"),
    }


def test_an_applicant_authorises_and_revokes_an_agent(client, city):
    client.force_login(city["applicant"])
    page = client.get(reverse("apply:agents"))
    assert page.status_code == 200 and "马代办" in page.content.decode()
    until = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    response = client.post(
        reverse("apply:agents"), {"agent": city["agent"].pk, "may_prepare": "on", "valid_until": until}
    )
    assert response.status_code == 302
    grant = AgentGrant.objects.get()
    assert grant.may_prepare and not grant.may_withdraw
    # Someone else cannot revoke it: 404.
    client.force_login(city["other"])
    assert client.post(reverse("apply:agent-revoke", args=[grant.uuid])).status_code == 404
    client.force_login(city["applicant"])
    client.post(reverse("apply:agent-revoke", args=[grant.uuid]), {"reason": "办完了"})
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoked_reason == "办完了"


def test_bad_grant_input_is_refused_with_the_reason_and_nothing_saved(client, city):
    client.force_login(city["applicant"])
    far = (datetime.date.today() + datetime.timedelta(days=900)).isoformat()
    response = client.post(reverse("apply:agents"), {"agent": city["agent"].pk, "valid_until": far})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose at least one thing the agent may do." in body
    response = client.post(
        reverse("apply:agents"), {"agent": city["agent"].pk, "may_prepare": "on", "valid_until": far}
    )
    assert response.status_code == 400 and "at most 366 days" in response.content.decode()
    # Only officials with the agent role are offered; anyone else is refused by the form.
    response = client.post(
        reverse("apply:agents"), {"agent": city["other"].pk, "may_prepare": "on", "valid_until": far}
    )
    assert response.status_code == 400
    assert not AgentGrant.objects.exists()


def test_the_agent_starts_and_follows_a_clients_application(client, city):
    grant = services.agent_grant_create(
        actor=city["applicant"],
        agent=city["agent"],
        valid_until=datetime.date.today() + datetime.timedelta(days=30),
    )
    client.force_login(city["agent"])
    start = client.get(reverse("apply:start", args=["item", "BUILD"]))
    assert "张三" in start.content.decode()
    response = client.post(reverse("apply:start", args=["item", "BUILD"]), {"for_grant": str(grant.uuid)})
    application = Application.objects.get()
    assert response.status_code == 302 and application.applicant == city["applicant"]
    assert StatusChange.objects.get().on_behalf_of == city["applicant"]
    clients = client.get(reverse("apply:clients"))
    assert clients.status_code == 200 and str(application.uuid) in clients.content.decode()
    detail = client.get(reverse("apply:detail", args=[application.uuid]))
    assert detail.status_code == 200 and 'id="acting-for"' in detail.content.decode()
    assert 'id="withdraw-application"' not in detail.content.decode()  # not granted
    assert client.get(reverse("apply:edit", args=[application.uuid])).status_code == 200
    # Another applicant's application stays out of reach.
    theirs = services.application_create(actor=city["other"], item=city["item"])
    assert client.get(reverse("apply:detail", args=[theirs.uuid])).status_code == 404
    # After revocation the agent gets 404 too.
    services.agent_grant_revoke(actor=city["applicant"], grant=grant)
    assert client.get(reverse("apply:detail", args=[application.uuid])).status_code == 404


def test_clients_page_is_for_agents_only(client, city):
    client.force_login(city["applicant"])
    assert client.get(reverse("apply:clients")).status_code == 403


def test_the_applicant_chooses_the_area_and_the_material_is_covered(client, city):
    area = AssessedArea.objects.create(code="hi-tech", name="云溪高新区")
    AreaAssessment.objects.create(
        area=area,
        kind=AssessmentKind.ENVIRONMENT,
        title="高新区规划环评",
        document_number="云环审〔2025〕18号",
        approved_by=city["bureau"],
        valid_from=datetime.date(2025, 1, 1),
    )
    application = services.application_create(actor=city["applicant"], item=city["item"])
    client.force_login(city["applicant"])
    edit = client.get(reverse("apply:edit", args=[application.uuid]))
    assert 'id="project-area"' in edit.content.decode()
    client.post(reverse("apply:area", args=[application.uuid]), {"area": area.pk})
    edit = client.get(reverse("apply:edit", args=[application.uuid])).content.decode()
    assert "Covered by an area assessment" in edit and "云环审〔2025〕18号" in edit
    response = client.post(reverse("apply:area", args=[application.uuid]), {"area": "999999"})
    assert response.status_code == 302
    assert Application.objects.get().area == area  # a bad choice changes nothing
    client.force_login(city["other"])
    assert client.post(reverse("apply:area", args=[application.uuid]), {"area": ""}).status_code == 404


def test_a_reviewer_records_a_false_pledge_on_the_page(client, city):
    app = services.application_create(actor=city["applicant"], item=city["item"])
    for material in city["item"].materials.all():
        services.material_upload(
            actor=city["applicant"],
            application=app,
            material=material,
            uploaded_file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        )
    app = services.application_submit(actor=city["applicant"], application=app)
    app = services.application_accept(actor=city["clerk"], application=app, mode=AcceptanceMode.COMMITMENT)
    task = app.tasks.get()
    services.task_claim(actor=city["reviewer"], task=task)
    services.task_decide(actor=city["reviewer"], task=task, decision=TaskStatus.APPROVED, opinion="同意")
    services.application_decide(
        actor=city["lead"], application=Application.objects.get(pk=app.pk), grant=True
    )
    verification = Application.objects.get(pk=app.pk).pledge_verification

    client.force_login(city["reviewer"])
    listing = client.get(reverse("work:verifications")).content.decode()
    assert app.number in listing
    url = reverse("work:verification", args=[verification.pk])
    assert client.post(url, {"kept": "no", "findings": ""}).status_code == 400
    response = client.post(url, {"kept": "no", "findings": "承诺的排污设施未建成"})
    assert response.status_code == 302
    assert Application.objects.get(pk=app.pk).status == "revoked"
    assert CreditRecord.objects.filter(subject=city["applicant"]).exists()
    # Officials of other units, and applicants, do not see it.
    client.force_login(city["clerk"])
    assert client.get(url).status_code == 404
    client.force_login(city["applicant"])
    assert client.get(url).status_code == 404
