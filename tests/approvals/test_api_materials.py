"""Materials through the approvals API (/api/approvals/applications/<uuid>/materials/): upload,
pledge, remove and supply by the applicant, read and download also by officials who may see the
application; everything else answers 404. Same services, hence the same checks, as the pages."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from approvals.models import Application, ApplicationMaterial, MaterialStatus
from approvals.workflow import ApplicationStatus
from tests.approvals.factories import ItemFactory, MaterialFactory
from tests.approvals.test_apply_support import *  # noqa: F403 - the shared fixtures (city, media, today)
from tests.approvals.test_apply_support import PDF, PNG, draft, good_form, pdf, ready_draft

A = ApplicationStatus
APPS = "/api/approvals/applications/"


def client_for(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def ok(response, code=200):
    assert response.status_code == code, response.content
    return response.json() if response.content else None


def materials_url(app):
    return f"{APPS}{app.uuid}/materials/"


def post_file(client, app, material, uploaded, path=""):
    data = {"file": uploaded}
    if material is not None:
        data["material"] = material.pk
    return client.post(f"{materials_url(app)}{path}", data, format="multipart")


def test_upload_pledge_and_submit_through_the_api_alone(city, media):
    client = client_for(city["applicant"])
    created = ok(client.post(APPS, {"package": "RESTAURANT"}, format="json"), 201)
    app = Application.objects.get(uuid=created["uuid"])
    form, licence = city["materials"]["form"], city["materials"]["licence"]

    checklist = ok(client.get(f"{materials_url(app)}checklist/"))
    by_name = {m["name"]: m for m in checklist}
    assert by_name["申请书"]["material"] == form.pk and by_name["申请书"]["accepted_types"] == ["pdf"]
    assert by_name["营业执照"]["may_be_pledged"] and by_name["营业执照"]["missing"]
    assert not by_name["消防平面图"]["required"]
    refused = client.post(f"{APPS}{app.uuid}/submit/", {"form_data": good_form()}, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["materials"]

    uploaded = ok(post_file(client, app, form, pdf("申请书.pdf")), 201)
    assert uploaded["material"] == form.pk and uploaded["material_name"] == "申请书"
    assert uploaded["status"] == MaterialStatus.PROVIDED
    assert uploaded["original_name"] == "申请书.pdf" and uploaded["size"] == len(PDF)
    assert uploaded["content_type"] == "application/pdf"
    assert uploaded["download_url"].endswith(f"{materials_url(app)}{uploaded['id']}/download/")
    pledged = ok(client.post(f"{materials_url(app)}pledge/", {"material": licence.pk}, format="json"), 201)
    assert pledged["status"] == MaterialStatus.PLEDGED and pledged["download_url"] is None
    extra = ok(post_file(client, app, None, SimpleUploadedFile("门头.png", PNG)), 201)
    assert extra["material"] is None and extra["content_type"] == "image/png"

    listed = ok(client.get(materials_url(app)))
    assert listed["count"] == 3
    assert [r["id"] for r in listed["results"]] == [uploaded["id"], pledged["id"], extra["id"]]
    assert set(listed["results"][0]) == {
        "id",
        "material",
        "material_name",
        "status",
        "status_display",
        "original_name",
        "size",
        "content_type",
        "uploaded_at",
        "download_url",
    }
    ok(client.delete(f"{materials_url(app)}{extra['id']}/"), 204)
    assert not ApplicationMaterial.objects.filter(pk=extra["id"]).exists()

    submitted = ok(client.post(f"{APPS}{app.uuid}/submit/", {"form_data": good_form()}, format="json"))
    assert submitted["status"] == A.SUBMITTED

    # Submitted: the materials are frozen.
    response = client.delete(f"{materials_url(app)}{uploaded['id']}/")
    assert response.status_code == 409 and "detail" in response.json()
    assert post_file(client, app, form, pdf()).status_code == 409
    assert ApplicationMaterial.objects.filter(application=app).count() == 2


def test_a_pledged_material_is_supplied_after_acceptance_on_pledge(city, media):
    app = ready_draft(city)
    client = client_for(city["applicant"])
    ok(client.post(f"{APPS}{app.uuid}/submit/", {}, format="json"))
    ok(
        client_for(city["clerk"]).post(
            f"/api/approvals/intake/{app.uuid}/accept/",
            {"mode": "pledge", "supplement_due": "2026-11-20"},
            format="json",
        )
    )
    licence = city["materials"]["licence"]
    supplied = ok(post_file(client, app, licence, pdf("营业执照.pdf"), "supply/"))
    assert supplied["status"] == MaterialStatus.SUPPLIED and supplied["original_name"] == "营业执照.pdf"
    again = post_file(client, app, licence, pdf("营业执照.pdf"), "supply/")
    assert again.status_code == 409 and "material" in again.json()


def test_too_big_and_wrong_magic_bytes_are_400_on_file_and_store_nothing(city, media):
    app = draft(city)
    client = client_for(city["applicant"])
    form = city["materials"]["form"]

    big = post_file(client, app, form, pdf(content=PDF + b"0" * (1024 * 1024)))  # 申请书 allows 1 MB
    assert big.status_code == 400 and list(big.json()) == ["file"]
    assert "at most 1 MB" in big.json()["file"][0]

    fake = post_file(client, app, form, SimpleUploadedFile("申请书.pdf", b"MZ\x90\x00 an executable"))
    assert fake.status_code == 400 and list(fake.json()) == ["file"]
    assert "is not a PDF file" in fake.json()["file"][0]

    png_as_form = post_file(client, app, form, SimpleUploadedFile("scan.png", PNG))
    assert png_as_form.status_code == 400 and "Accepted: pdf" in png_as_form.json()["file"][0]

    no_file = client.post(materials_url(app), {"material": form.pk}, format="multipart")
    assert no_file.status_code == 400 and "file" in no_file.json()

    assert not ApplicationMaterial.objects.exists()
    assert not [p for p in Path(media).rglob("*") if p.is_file()]


def test_material_of_another_item_and_unpledgeable_material_are_400_on_material(city, media):
    app = draft(city)
    client = client_for(city["applicant"])
    foreign = MaterialFactory(item=ItemFactory(code="OTHER", published=True), name="别的")
    response = post_file(client, app, foreign, pdf())
    assert response.status_code == 400 and "material" in response.json()
    unknown = client.post(materials_url(app), {"material": 999999, "file": pdf()}, format="multipart")
    assert unknown.status_code == 400 and "material" in unknown.json()
    form = city["materials"]["form"]
    not_pledgeable = client.post(f"{materials_url(app)}pledge/", {"material": form.pk}, format="json")
    assert not_pledgeable.status_code == 400 and "cannot be pledged" in not_pledgeable.json()["material"][0]


def test_another_applicant_gets_404_on_every_route(city, media):
    app = ready_draft(city)
    row = app.materials.get(status=MaterialStatus.PROVIDED)
    other = client_for(city["stranger"])
    url = materials_url(app)
    assert other.get(url).status_code == 404
    assert other.get(f"{url}checklist/").status_code == 404
    assert post_file(other, app, city["materials"]["form"], pdf()).status_code == 404
    assert other.post(f"{url}pledge/", {"material": city["materials"]["licence"].pk}).status_code == 404
    assert post_file(other, app, city["materials"]["licence"], pdf(), "supply/").status_code == 404
    assert other.delete(f"{url}{row.pk}/").status_code == 404
    assert other.get(f"{url}{row.pk}/download/").status_code == 404
    assert app.materials.count() == 2

    # The applicant's own file id under the other applicant's application: 404 as well.
    others_app = draft(city, user=city["stranger"])
    mine = client_for(city["applicant"])
    assert mine.get(f"{materials_url(others_app)}{row.pk}/download/").status_code == 404
    assert mine.delete(f"{materials_url(others_app)}{row.pk}/").status_code == 404
    assert APIClient().get(url).status_code == 403


def test_download_is_the_file_as_an_attachment_with_the_sniffed_type(city, media):
    app = ready_draft(city)
    row = app.materials.get(status=MaterialStatus.PROVIDED)
    response = client_for(city["applicant"]).get(
        f"{materials_url(app)}{row.pk}/download/", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E7%94%B3%E8%AF%B7%E4%B9%A6.pdf" in response["Content-Disposition"]
    # A pledge has no file.
    pledge = app.materials.get(status=MaterialStatus.PLEDGED)
    assert client_for(city["applicant"]).get(f"{materials_url(app)}{pledge.pk}/download/").status_code == 404


def test_officials_who_may_see_the_application_read_but_do_not_write(city, media):
    app = ready_draft(city)
    ok(client_for(city["applicant"]).post(f"{APPS}{app.uuid}/submit/", {}, format="json"))
    row = app.materials.get(status=MaterialStatus.PROVIDED)
    download = f"{materials_url(app)}{row.pk}/download/"

    unrelated = client_for(city["unrelated"])
    assert unrelated.get(download).status_code == 404
    assert unrelated.get(materials_url(app)).status_code == 404

    clerk = client_for(city["clerk"])  # a window clerk of the lead department
    response = clerk.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert ok(clerk.get(materials_url(app)))["count"] == 2
    assert post_file(clerk, app, city["materials"]["form"], pdf()).status_code == 404
    assert clerk.delete(f"{materials_url(app)}{row.pk}/").status_code == 404
    assert app.materials.count() == 2
