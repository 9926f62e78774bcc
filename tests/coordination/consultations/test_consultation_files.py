"""Uploads are checked; documents are served by a view (public once the consultation is public);
comment attachments only to their author and the managers."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coordination.consultations import services
from portal.errors import DomainError
from tests.factories.consultations import make_consultation

pytestmark = pytest.mark.django_db

NOV = datetime.date(2026, 11, 2)
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_fake_pdf_is_refused(city, today):
    consultation = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV, release=False)
    with pytest.raises(DomainError, match="not a real PDF"):
        services.document_add(
            actor=city["official"],
            consultation=consultation,
            title="征求意见稿",
            uploaded_file=SimpleUploadedFile("draft.pdf", b"MZ\x90\x00 not a pdf"),
        )


def test_document_public_after_release_only(city, today, client):
    consultation = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV, release=False)
    doc = services.document_add(
        actor=city["official"],
        consultation=consultation,
        title="征求意见稿",
        uploaded_file=SimpleUploadedFile("draft.pdf", PDF),
    )
    url = reverse("consultations:document", args=[consultation.number, doc.pk])
    assert client.get(url).status_code == 404
    services.consultation_schedule(actor=city["official"], consultation=consultation)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"


def test_attachment_is_private(city, today, client):
    consultation = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV)
    comment = services.comment_create(
        actor=city["citizen"],
        consultation=consultation,
        text="见附件",
        attachment=SimpleUploadedFile("proof.pdf", PDF),
    )
    url = reverse("consultations:attachment", args=[comment.pk])
    for who, code in [("citizen2", 404), ("stranger", 404), ("citizen", 200), ("official", 200)]:
        client.force_login(city[who])
        assert client.get(url).status_code == code, who
