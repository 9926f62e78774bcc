"""Uploads are size- and type-checked by their content and stored privately; downloads go only to
those who may see the application (others get 404)."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals import services
from approvals.models import ApplicationMaterial, MaterialStatus
from portal.errors import DomainError
from tests.approvals.test_apply_support import *  # noqa: F403 - the shared fixtures
from tests.approvals.test_apply_support import PDF, PNG, draft, login, pdf, ready_draft


def upload(city, app, material_key, uploaded):
    return services.material_upload(
        actor=city["applicant"],
        application=app,
        material=city["materials"][material_key] if material_key else None,
        uploaded_file=uploaded,
    )


def test_accepted_pdf_is_stored_privately_with_sniffed_type_and_hash(city, media):
    app = draft(city)
    row = upload(city, app, "form", pdf("../../etc/申请 书.pdf"))
    assert row.status == MaterialStatus.PROVIDED
    assert row.original_name == "申请 书.pdf"
    assert row.content_type == "application/pdf"
    assert row.size == len(PDF) and row.sha256 == hashlib.sha256(PDF).hexdigest()
    path = Path(row.file.path)
    assert path.is_relative_to(Path(media) / "applications" / str(app.uuid))
    assert "申请" not in path.name and not path.suffix  # random name, nothing the applicant typed
    assert path.read_bytes() == PDF


def test_too_big_file_is_refused_with_the_limit(city, media):
    app = draft(city)
    big = pdf(content=PDF + b"0" * (1024 * 1024))  # the merged 申请书 allows 1 MB
    with pytest.raises(DomainError, match=r"at most 1 MB"):
        upload(city, app, "form", big)
    assert not ApplicationMaterial.objects.exists()
    assert not any(Path(media).rglob("*.*")) and not [p for p in Path(media).rglob("*") if p.is_file()]


def test_global_cap_applies_over_the_catalogue(city, settings):
    settings.APPLY_UPLOAD_MAX_MB = 1
    app = draft(city)
    with pytest.raises(DomainError, match=r"at most 1 MB"):
        upload(city, app, "licence", pdf(content=PDF + b"0" * (1024 * 1024)))


def test_wrong_magic_bytes_with_a_pdf_name_are_refused(city):
    app = draft(city)
    fake = SimpleUploadedFile(
        "申请书.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf"
    )
    with pytest.raises(DomainError, match="is not a PDF file"):
        upload(city, app, "form", fake)
    png_named_pdf = SimpleUploadedFile("scan.pdf", PNG, content_type="application/pdf")
    with pytest.raises(DomainError, match="is not a PDF file"):
        upload(city, app, "form", png_named_pdf)
    assert not ApplicationMaterial.objects.exists()


def test_type_not_accepted_for_the_material_is_refused(city):
    app = draft(city)
    with pytest.raises(DomainError, match="Accepted: pdf"):
        upload(city, app, "form", SimpleUploadedFile("scan.png", PNG))
    row = upload(city, app, "licence", SimpleUploadedFile("licence.PNG", PNG))
    assert row.content_type == "image/png"
    with pytest.raises(DomainError, match="empty"):
        upload(city, app, "licence", SimpleUploadedFile("empty.pdf", b""))


def test_upload_page_shows_the_error_and_stores_nothing(client, city):
    login(client, city["applicant"])
    app = draft(city)
    response = client.post(
        reverse("apply:materials", kwargs={"uuid": app.uuid}),
        {
            "action": "upload",
            "material": city["materials"]["form"].pk,
            "file": SimpleUploadedFile("x.pdf", b"hello"),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "is not a PDF file" in response.content.decode()
    assert not ApplicationMaterial.objects.exists()


def test_extra_file_without_a_catalogue_material(city):
    app = draft(city)
    row = upload(city, app, None, pdf("补充说明.pdf"))
    assert row.material is None and row.status == MaterialStatus.PROVIDED


def _download(client, user, row):
    client.logout()
    login(client, user)
    return client.get(reverse("apply:download", kwargs={"uuid": row.application.uuid, "pk": row.pk}))


def test_download_permissions(client, city):
    app = ready_draft(city)
    row = app.materials.get(status=MaterialStatus.PROVIDED)

    response = _download(client, city["applicant"], row)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E7%94%B3%E8%AF%B7%E4%B9%A6.pdf" in response["Content-Disposition"]

    assert _download(client, city["stranger"], row).status_code == 404
    assert _download(client, city["unrelated"], row).status_code == 404
    assert _download(client, city["clerk"], row).status_code == 200  # an official of the lead department


def test_files_are_not_reachable_by_guessing(client, city):
    app = ready_draft(city)
    row = app.materials.get(status=MaterialStatus.PROVIDED)
    other = draft(city, user=city["stranger"])
    login(client, city["applicant"])
    # the file's id under another application's UUID, a pledge (no file), and the media URL
    assert client.get(reverse("apply:download", kwargs={"uuid": other.uuid, "pk": row.pk})).status_code == 404
    pledge = app.materials.get(status=MaterialStatus.PLEDGED)
    assert (
        client.get(reverse("apply:download", kwargs={"uuid": app.uuid, "pk": pledge.pk})).status_code == 404
    )
    assert client.get("/media/" + row.file.name).status_code == 404
    client.logout()
    response = client.get(reverse("apply:download", kwargs={"uuid": app.uuid, "pk": row.pk}))
    assert response.status_code == 302  # to the login page
