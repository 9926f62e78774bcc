"""Submitting an application (issue 11, "submit >= 40 per second"): one request reads the catalogue
once, the submission's audit events take the chain lock once, and the query count stays put."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import services
from approvals.models import (
    Application,
    AreaAssessment,
    AssessedArea,
    AssessmentKind,
    FieldKind,
    MaterialStatus,
)
from approvals.workflow import ApplicationStatus
from portal.audit.models import AuditEvent
from portal.audit.verify import verify_chain
from portal.errors import DomainError
from tests.approvals.factories import FormFieldFactory, ItemFactory, MaterialFactory
from tests.approvals.test_apply_support import *  # noqa: F403 - the shared fixtures
from tests.approvals.test_apply_support import TODAY, good_form, login, pdf, ready_draft

pytestmark = pytest.mark.postgres

A = ApplicationStatus

# The submit POST of a three-item package with fields and materials, caches warm. It was 58
# when every step read the catalogue again (4 times), the submission locked the row its caller
# had locked, each audit event took the chain lock and read the chain's last event, and the
# draft was saved (and audited) even when the form had not changed.
SUBMIT_QUERIES = 36  # the form as saved before: the submission's transaction only
SUBMIT_CHANGED_QUERIES = 40  # a changed form: the draft saved and audited first (two transactions)


def _submit(client, application, **changes):
    url = reverse("apply:edit", kwargs={"uuid": application.uuid})
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, {**good_form(**changes), "action": "submit"})
    return response, [q["sql"] for q in ctx.captured_queries]


def _count(queries, needle):
    return sum(needle in q for q in queries)


@pytest.mark.parametrize(
    ("changes", "expected", "locks"),
    [({}, SUBMIT_QUERIES, 1), ({"shop_name": "老李面馆"}, SUBMIT_CHANGED_QUERIES, 2)],
    ids=["form-as-saved", "form-changed"],
)
def test_a_submission_reads_the_catalogue_once_and_locks_the_chain_once_per_transaction(
    client, city, changes, expected, locks
):
    warm, application = ready_draft(city), ready_draft(city)
    login(client, city["applicant"])
    assert _submit(client, warm)[0].status_code == 302  # the calendar and content types cached
    response, queries = _submit(client, application, **changes)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == A.SUBMITTED and application.number
    assert application.form_data["shop_name"] == changes.get("shop_name", "老张面馆")
    # The view's form, the draft, the materials check and the form check share one read.
    assert _count(queries, 'FROM "approvals_packageitem"') == 1
    assert _count(queries, 'FROM "approvals_formfield"') == 1
    assert _count(queries, 'FROM "approvals_material"') == 1
    # The status change and the clock are audited under one lock; a changed draft first.
    assert _count(queries, "pg_advisory_xact_lock") == locks
    assert len(queries) == expected, "\n".join(queries)
    assert verify_chain().ok


def test_a_draft_save_that_changes_nothing_writes_nothing(city):
    application = services.application_create(actor=city["applicant"], package=city["package"])
    services.application_save_draft(actor=city["applicant"], application=application, form_data=good_form())
    events = AuditEvent.objects.filter(action="application.draft", object_id=str(application.pk))
    assert events.count() == 1
    with CaptureQueriesContext(connection) as ctx:
        services.application_save_draft(
            actor=city["applicant"], application=application, form_data=good_form()
        )
    assert not [q for q in ctx.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    assert events.count() == 1
    services.application_save_draft(
        actor=city["applicant"], application=application, form_data=good_form(staff="7")
    )
    assert events.count() == 2 and events.first().after == {"fields": ["staff"]}


def test_each_request_reads_the_catalogue_afresh(client, city):
    """Nothing is kept between requests: a field the catalogue gains is asked at the next submit."""
    application = ready_draft(city)
    login(client, city["applicant"])
    edit = reverse("apply:edit", kwargs={"uuid": application.uuid})
    assert client.get(edit).status_code == 200
    FormFieldFactory(
        item=city["items"]["SIGN"], key="seats", label="座位数", kind=FieldKind.NUMBER, required=True, order=9
    )
    response = client.post(edit, {**good_form(), "action": "submit"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Application.objects.get(pk=application.pk).status == A.DRAFT


def test_the_service_reads_the_catalogue_itself_when_given_a_fresh_row(city):
    application = ready_draft(city)
    fresh = Application.objects.get(pk=application.pk)
    with CaptureQueriesContext(connection) as ctx:
        services.application_submit_complete(actor=city["applicant"], application=fresh)
    queries = [q["sql"] for q in ctx.captured_queries]
    assert _count(queries, 'FROM "approvals_formfield"') == 1
    assert Application.objects.get(pk=application.pk).status == A.SUBMITTED


def test_a_missing_material_still_stops_the_submission(client, city):
    application = services.application_create(actor=city["applicant"], package=city["package"])
    services.application_save_draft(actor=city["applicant"], application=application, form_data=good_form())
    services.material_upload(
        actor=city["applicant"],
        application=application,
        material=city["materials"]["form"],
        uploaded_file=pdf(),
    )
    login(client, city["applicant"])
    response, _queries = _submit(client, application)
    assert response.status_code == 400
    assert "“营业执照” is required: upload it or pledge it." in response.content.decode()
    assert Application.objects.get(pk=application.pk).status == A.DRAFT


@pytest.fixture
def assessed(city):
    """An item whose environmental report an area assessment covers, and an assessed area."""
    item = ItemFactory(
        code="BUILD", name="建设项目环评审批", implementing_body=city["bureau"], published=True
    )
    form = MaterialFactory(item=item, name="申请书", accepted_types="pdf")
    MaterialFactory(item=item, name="环境影响报告表", area_assessment_kind=AssessmentKind.ENVIRONMENT)
    area = AssessedArea.objects.create(code="hi-tech", name="云溪高新区")
    assessment = AreaAssessment.objects.create(
        area=area,
        kind=AssessmentKind.ENVIRONMENT,
        title="高新区规划环评",
        document_number="云环审〔2025〕18号",
        approved_by=city["bureau"],
        valid_from=datetime.date(2025, 1, 1),
        valid_until=TODAY,
    )
    application = services.application_create(actor=city["applicant"], item=item)
    services.material_upload(
        actor=city["applicant"], application=application, material=form, uploaded_file=pdf()
    )
    services.application_set_area(actor=city["applicant"], application=application, area=area)
    return application, assessment


def test_a_material_covered_by_the_area_counts_at_submission(city, assessed):
    application, _assessment = assessed
    services.application_submit_complete(actor=city["applicant"], application=application)
    application.refresh_from_db()
    assert application.status == A.SUBMITTED
    assert application.materials.filter(status=MaterialStatus.AREA).count() == 1


def test_a_cover_that_lapsed_since_the_draft_is_missing_at_submission(city, assessed, today):
    application, _assessment = assessed
    today(TODAY + datetime.timedelta(days=1))
    with pytest.raises(DomainError) as error:
        services.application_submit_complete(actor=city["applicant"], application=application)
    assert "环境影响报告表" in error.value.message
    assert Application.objects.get(pk=application.pk).status == A.DRAFT
