"""The window clerk issues the certificate: a PDF with extractable Chinese text (serial, holder,
item), the seal and a QR code of the verify URL; PUBLISHED → ISSUED; the issue clock stops; the
applicant is told and downloads it; nobody else can."""

import re
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from approvals.results import documents
from approvals.results import services as results
from approvals.results.models import Certificate, CertificateState, Seal
from approvals.workflow import ApplicationStatus
from portal.clocks.models import Clock
from portal.errors import TransitionNotAllowed
from portal.notifications.models import Notification
from portal.workcal import days
from tests.approvals.results.conftest import TODAY, grant
from tests.factories import PASSWORD

A = ApplicationStatus
needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext (poppler-utils)")


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def issue_clock(app):
    return Clock.objects.get(subject_id=str(app.pk), purpose="issue")


def test_the_issue_clock_runs_ten_working_days_from_the_decision(city):
    app = grant(city)
    clock = issue_clock(app)
    assert clock.limit_days == 10 and clock.state == "running"
    assert clock.started_on == TODAY
    assert clock.due_date == days.add_working_days(TODAY, 10)
    assert str(clock.due_date) == "2026-11-16"  # Monday 2 November + 10 working days
    # Reminders go to the lead department's window clerks.
    from portal.clocks.services import recipients

    assert recipients(clock) == [city["clerk"]]


def test_the_issue_clock_turns_yellow_for_the_clerks(city, today):
    app = grant(city)
    from portal.clocks import tasks

    today(days.add_working_days(TODAY, 8))
    tasks.sweep(days.add_working_days(TODAY, 8), force=True)
    clock = issue_clock(app)
    assert clock.signal == "yellow"
    assert Notification.objects.filter(recipient=city["clerk"], kind="deadline_digest").exists()


@needs_pdftotext
def test_issuing_renders_a_pdf_with_the_chinese_text_and_stops_the_clock(city):
    app = grant(city, conditions="仅限堂食")
    [certificate] = results.certificate_issue(actor=city["clerk"], application=app)
    app.refresh_from_db()
    assert app.status == A.ISSUED
    assert certificate.state == CertificateState.ISSUED and certificate.issued_on == TODAY
    assert certificate.pdf.name.startswith("private/results/certificates/")
    with certificate.pdf.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    for expected in (
        certificate.serial,
        "张三丰",
        "食品经营许可证",
        "食品经营许可",
        "云溪市行政审批局",
        "仅限堂食",
    ):
        assert expected in text, expected
    assert documents.verify_url(certificate) in re.sub(r"\s+", "", text)
    assert issue_clock(app).state == "stopped"
    assert Notification.objects.filter(recipient=city["citizen"], kind="certificate_event").exists()


def test_the_qr_code_embeds_the_verify_url_and_that_url_verifies(city, client):
    app = grant(city)
    certificate = Certificate.objects.get(application=app)
    html = documents.certificate_html(certificate)
    match = re.search(
        r'<img src="(data:image/svg\+xml;base64,[^"]+)" alt="QR" data-verify-url="([^"]+)"', html
    )
    assert match, "the certificate embeds a QR image with its verify URL"
    embedded_uri, embedded_url = match.groups()
    url = documents.verify_url(certificate)
    assert embedded_url == url
    assert url.startswith("http://127.0.0.1:8000/verify/")
    # Regenerate the QR code from the certificate: it is the very image embedded.
    assert embedded_uri == documents.data_uri(documents.qr_svg(url).encode(), "image/svg+xml")
    assert documents.qr_svg(url) != documents.qr_svg(url + "x")
    results.certificate_issue(actor=city["clerk"], application=app)
    response = client.get(url.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 200
    assert 'data-state="valid"' in response.content.decode()


def test_a_generated_seal_is_used_until_an_image_is_uploaded(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    generated = documents.seal_image_uri(city["bureau"])
    assert generated.startswith("data:image/svg+xml;base64,")
    svg = documents.seal_svg("云溪市行政审批局", "行政审批专用章")
    assert svg.count("<text") == len("云溪市行政审批局") + 1 and "<polygon" in svg and "#d7000f" in svg
    from django.core.files.base import ContentFile

    seal = Seal(unit=city["bureau"], legend="行政审批专用章")
    seal.image.save("seal.svg", ContentFile(b'<svg xmlns="http://www.w3.org/2000/svg"/>'), save=True)
    assert documents.seal_image_uri(city["bureau"]) == documents.data_uri(
        b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"
    )


def test_only_a_clerk_of_the_lead_department_issues_once(city):
    app = grant(city)
    for someone in (city["citizen"], city["reviewer"], city["other_clerk"]):
        with pytest.raises(PermissionDenied):
            results.certificate_issue(actor=someone, application=app)
    results.certificate_issue(actor=city["clerk"], application=app)
    with pytest.raises(TransitionNotAllowed):
        results.certificate_issue(actor=city["clerk"], application=app)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_download_is_for_the_applicant_and_officials_only(city, client):
    app = grant(city)
    [certificate] = results.certificate_issue(actor=city["clerk"], application=app)
    url = reverse("results:download", kwargs={"public_id": certificate.public_id})
    assert client.get(url).status_code == 302  # login first
    login(client, city["stranger"])
    assert client.get(url).status_code == 404
    login(client, city["other_clerk"])
    assert client.get(url).status_code == 404
    for user in (city["citizen"], city["clerk"]):
        login(client, user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_issue_page_action_needs_a_clerk(city, client):
    app = grant(city)
    url = reverse("results:issue", kwargs={"uuid": app.uuid})
    login(client, city["citizen"])
    assert client.post(url).status_code == 403
    login(client, city["stranger"])
    assert client.post(url).status_code == 404
    login(client, city["clerk"])
    response = client.post(url)
    assert response.status_code == 302 and response["Location"].endswith("#results")
    app.refresh_from_db()
    assert app.status == A.ISSUED


def test_a_failed_issue_changes_nothing_and_leaves_no_file(city, monkeypatch):
    app = grant(city)
    from approvals.results import services as results_module

    def refuse(*args, **kwargs):
        raise RuntimeError("the notification outbox refused")

    monkeypatch.setattr(results_module, "_tell_applicant", refuse)
    with pytest.raises(RuntimeError):
        results.certificate_issue(actor=city["clerk"], application=app)
    certificate = Certificate.objects.get(application=app)
    app.refresh_from_db()
    assert (
        app.status == A.PUBLISHED and certificate.state == CertificateState.AWAITING and not certificate.pdf
    )
    from django.conf import settings

    folder = settings.MEDIA_ROOT / "private" / "results" / "certificates"
    assert not folder.exists() or not any(folder.rglob("*.pdf"))
    assert issue_clock(app).state == "running"
