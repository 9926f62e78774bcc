"""An applicant drafts, fills in, hands in materials and submits through the pages; the server
checks every field and the materials; pledges (容缺) follow the catalogue; withdrawal and supply."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from approvals import services
from approvals.models import AcceptanceMode, Application, ApplicationMaterial, MaterialStatus
from approvals.workflow import ApplicationStatus
from portal.audit.models import AuditEvent
from portal.errors import Conflict, DomainError, TransitionNotAllowed
from tests.approvals.factories import ItemFactory, MaterialFactory
from tests.approvals.test_apply_support import *  # noqa: F403 - the shared fixtures
from tests.approvals.test_apply_support import TODAY, draft, good_form, login, pdf, ready_draft

A = ApplicationStatus


def test_start_page_creates_a_draft_and_redirects_to_it(client, city):
    login(client, city["applicant"])
    url = reverse("apply:start", kwargs={"kind": "package", "code": "RESTAURANT"})
    assert url == "/apply/package/RESTAURANT/"
    assert client.get(url).status_code == 200
    response = client.post(url)
    app = Application.objects.get(applicant=city["applicant"])
    assert response.status_code == 302
    assert response["Location"] == reverse("apply:edit", kwargs={"uuid": app.uuid})
    assert app.status == A.DRAFT and app.package == city["package"]


def test_start_needs_a_published_service_and_a_login(client, city):
    url = reverse("apply:start", kwargs={"kind": "item", "code": "FOOD"})
    assert client.get(url).status_code == 302  # to the login page
    login(client, city["applicant"])
    city["items"]["SIGN"].published = False
    city["items"]["SIGN"].save()
    assert client.post(reverse("apply:start", kwargs={"kind": "item", "code": "SIGN"})).status_code == 404
    assert client.post(reverse("apply:start", kwargs={"kind": "bogus", "code": "FOOD"})).status_code == 404
    assert not Application.objects.exists()


def test_draft_filled_uploaded_pledged_and_submitted_through_the_pages(client, city):
    login(client, city["applicant"])
    client.post(reverse("apply:start", kwargs={"kind": "package", "code": "RESTAURANT"}))
    app = Application.objects.get()
    edit = reverse("apply:edit", kwargs={"uuid": app.uuid})
    materials = reverse("apply:materials", kwargs={"uuid": app.uuid})

    response = client.post(edit, {**good_form(area=""), "action": "save"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.form_data["shop_name"] == "老张面馆" and app.form_data["area"] == ""

    response = client.post(
        materials, {"action": "upload", "material": city["materials"]["form"].pk, "file": pdf()}
    )
    assert response.status_code == 302
    client.post(materials, {"action": "pledge", "material": city["materials"]["licence"].pk})
    assert {m.status for m in app.materials.all()} == {MaterialStatus.PROVIDED, MaterialStatus.PLEDGED}

    response = client.post(edit, {**good_form(area=""), "action": "submit"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()

    response = client.post(edit, {**good_form(), "action": "submit"})
    app.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("apply:detail", kwargs={"uuid": app.uuid})
    assert app.status == A.SUBMITTED and app.number and len(app.query_code) == 6
    assert app.received_on == TODAY
    detail = client.get(response["Location"]).content.decode()
    assert app.number in detail and "Submitted" in detail


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("owner_id", "110105194912310021", "The check character is"),
        ("owner_id", "12345", "A resident ID number has 18 characters; this one has 5."),
        ("uscc", "91350100MA35YX01XX", "check character"),
        ("uscc", "ABC", "A unified social credit code has 18 characters; this one has 3."),
        ("area", "lots", "Enter a number, e.g. 120 or 85.5."),
        ("area", "0", "An area is more than 0 m²."),
        ("staff", "-3", "Ensure this value is greater than or equal to 0."),
        ("opening", "31/12/2026", "Enter a date as YYYY-MM-DD"),
        ("category", "网吧", "Choose one of the listed options."),
    ],
)
def test_the_server_explains_each_bad_value(client, city, field, value, message):
    login(client, city["applicant"])
    app = draft(city)
    response = client.post(
        reverse("apply:edit", kwargs={"uuid": app.uuid}), {**good_form(**{field: value}), "action": "save"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    app.refresh_from_db()
    assert app.form_data == {}  # nothing saved


def test_save_draft_service_returns_field_errors_and_normalises_values(city):
    app = draft(city)
    with pytest.raises(ValidationError) as excinfo:
        services.application_save_draft(
            actor=city["applicant"], application=app, form_data=good_form(owner_id="123", uscc="x")
        )
    assert set(excinfo.value.message_dict) == {"owner_id", "uscc"}
    lower = good_form(uscc=good_form()["uscc"].lower(), area="085.50")
    services.application_save_draft(actor=city["applicant"], application=app, form_data=lower)
    app.refresh_from_db()
    assert app.form_data["uscc"] == good_form()["uscc"] and app.form_data["area"] == "85.5"
    assert AuditEvent.objects.filter(action="application.draft", object_id=str(app.pk)).exists()


def test_save_draft_only_by_the_applicant_and_only_before_acceptance(city):
    app = ready_draft(city)
    with pytest.raises(Exception, match="Only the applicant"):
        services.application_save_draft(actor=city["stranger"], application=app, form_data=good_form())
    services.application_submit_complete(actor=city["applicant"], application=app)
    with pytest.raises(TransitionNotAllowed):
        services.application_save_draft(actor=city["applicant"], application=app, form_data=good_form())


def test_submit_refuses_missing_required_materials_and_names_them(client, city):
    login(client, city["applicant"])
    app = draft(city)
    services.application_save_draft(actor=city["applicant"], application=app, form_data=good_form())
    response = client.post(
        reverse("apply:edit", kwargs={"uuid": app.uuid}), {**good_form(), "action": "submit"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "“申请书” is required: upload it." in body
    assert "“营业执照” is required: upload it or pledge it." in body
    assert "消防平面图" not in body.split("form-problems")[1].split("</div>")[0]  # optional: not listed
    app.refresh_from_db()
    assert app.status == A.DRAFT and app.number is None
    with pytest.raises(DomainError, match="申请书"):
        services.materials_check(application=app)


def test_pledge_rules(city):
    app = draft(city)
    applicant = city["applicant"]
    # A material that must be handed in cannot be pledged.
    with pytest.raises(DomainError, match="cannot be pledged"):
        services.material_pledge(actor=applicant, application=app, material=city["materials"]["form"])
    row = services.material_pledge(actor=applicant, application=app, material=city["materials"]["licence"])
    assert row.status == MaterialStatus.PLEDGED and not row.file
    with pytest.raises(Conflict, match="already pledged"):
        services.material_pledge(actor=applicant, application=app, material=city["materials"]["licence"])
    # Uploading replaces the pledge; with a file in place a pledge is refused.
    services.material_upload(
        actor=applicant, application=app, material=city["materials"]["licence"], uploaded_file=pdf("执照.pdf")
    )
    assert not app.materials.filter(status=MaterialStatus.PLEDGED).exists()
    with pytest.raises(Conflict, match="remove them"):
        services.material_pledge(actor=applicant, application=app, material=city["materials"]["licence"])
    # An item that does not allow 容缺: its materials cannot be pledged even if marked so.
    strict = ItemFactory(code="STRICT", published=True, pledge_acceptance_allowed=False)
    pledgeable = MaterialFactory(item=strict, name="证明", may_be_pledged=True)
    strict_app = services.application_create(actor=applicant, item=strict)
    with pytest.raises(DomainError, match="cannot be pledged"):
        services.material_pledge(actor=applicant, application=strict_app, material=pledgeable)
    # A material of another service is refused.
    with pytest.raises(DomainError, match="not part of this application"):
        services.material_pledge(
            actor=applicant, application=strict_app, material=city["materials"]["licence"]
        )


def test_materials_can_be_removed_before_submission_only(city, django_capture_on_commit_callbacks):
    app = ready_draft(city)
    row = app.materials.get(status=MaterialStatus.PROVIDED)
    name = row.file.name
    from django.core.files.storage import default_storage

    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.material_remove(actor=city["applicant"], material_file=row)
    assert not ApplicationMaterial.objects.filter(pk=row.pk).exists()
    assert not default_storage.exists(name)
    services.material_upload(
        actor=city["applicant"], application=app, material=city["materials"]["form"], uploaded_file=pdf()
    )
    services.application_submit_complete(actor=city["applicant"], application=app)
    with pytest.raises(TransitionNotAllowed):
        services.material_remove(actor=city["applicant"], material_file=app.materials.first())


def test_withdraw_through_the_page(client, city):
    app = ready_draft(city)
    services.application_submit_complete(actor=city["applicant"], application=app)
    login(client, city["applicant"])
    url = reverse("apply:withdraw", kwargs={"uuid": app.uuid})
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "Say why you withdraw" in response.content.decode()
    response = client.post(url, {"reason": "开业计划推迟"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == A.WITHDRAWN
    assert app.status_changes.last().reason == "开业计划推迟"
    detail = client.get(reverse("apply:detail", kwargs={"uuid": app.uuid})).content.decode()
    assert "Withdrawn" in detail and "开业计划推迟" in detail


def test_correction_notice_is_shown_and_answered(client, city):
    app = ready_draft(city)
    services.application_submit_complete(actor=city["applicant"], application=app)
    services.application_request_correction(
        actor=city["clerk"], application=app, missing=["申请书缺少签字", "面积与平面图不符"]
    )
    login(client, city["applicant"])
    detail = client.get(reverse("apply:detail", kwargs={"uuid": app.uuid})).content.decode()
    assert "申请书缺少签字" in detail and "面积与平面图不符" in detail
    response = client.post(
        reverse("apply:edit", kwargs={"uuid": app.uuid}), {**good_form(area="90"), "action": "submit"}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == A.SUBMITTED and app.form_data["area"] == "90"


def test_pledged_material_supplied_after_acceptance_then_confirmed_by_the_clerk(client, city, today):
    app = ready_draft(city)
    services.application_submit_complete(actor=city["applicant"], application=app)
    services.application_accept(
        actor=city["clerk"], application=app, mode=AcceptanceMode.PLEDGE, supplement_due=TODAY.replace(day=20)
    )
    login(client, city["applicant"])
    detail = client.get(reverse("apply:detail", kwargs={"uuid": app.uuid})).content.decode()
    assert reverse("apply:supply", kwargs={"uuid": app.uuid}) in detail
    assert "应急管理局" in detail  # each department's progress
    url = reverse("apply:supply", kwargs={"uuid": app.uuid})
    bad = client.post(url, {"material": city["materials"]["form"].pk, "file": pdf()}, follow=True)
    assert "was not pledged or has already been supplied" in bad.content.decode()
    client.post(url, {"material": city["materials"]["licence"].pk, "file": pdf("营业执照.pdf")})
    row = app.materials.get(material=city["materials"]["licence"])
    assert row.status == MaterialStatus.SUPPLIED and row.original_name == "营业执照.pdf" and row.file
    # Everything pledged is in: the window clerks are told to check it.
    from portal.notifications.models import Notification

    assert Notification.objects.filter(
        recipient=city["clerk"], key=f"application:{app.pk}:supplement_complete"
    ).exists()
    with pytest.raises(Conflict):
        services.material_supply(
            actor=city["applicant"],
            application=app,
            material=city["materials"]["licence"],
            uploaded_file=pdf(),
        )
    services.application_supplement_received(actor=city["clerk"], application=app)
    app.refresh_from_db()
    assert app.supplement_received_on == TODAY


def test_supply_refused_before_acceptance(city):
    app = ready_draft(city)
    with pytest.raises(TransitionNotAllowed):
        services.material_supply(
            actor=city["applicant"],
            application=app,
            material=city["materials"]["licence"],
            uploaded_file=pdf(),
        )
