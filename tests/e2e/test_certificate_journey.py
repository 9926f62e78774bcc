"""Journey: the window clerk issues a certificate from the work desk; a member of the public opens
its verify URL (the QR code's target) and sees it valid; after the approval is revoked the same URL
shows it revoked, and so does the public register. The certificate PDF is rendered to PNG too."""

import subprocess

import pytest
from django.db import transaction

from approvals.models import Application
from approvals.results import documents
from approvals.results.models import Certificate
from approvals.services.applications import application_transition
from approvals.workflow import ApplicationStatus
from tests.approvals.results.conftest import build_city, grant
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_verifies_a_certificate_then_sees_it_revoked(
    live_server, page_factory, screenshot, settings, tmp_path
):
    settings.NOTIFICATIONS_BASE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"
    city = build_city()
    app = grant(city, city["enterprise"], conditions="仅限经营热食类、冷食类食品")

    # The window clerk finds it in the queue and issues it.
    clerk = page_factory()
    clerk.goto(live_server.url + "/accounts/login/")
    clerk.fill("#id_username", "clerk")
    clerk.fill("#id_password", PASSWORD)
    clerk.click("#login-form [type=submit]")
    clerk.goto(live_server.url + "/results/work/")
    clerk.locator("#results-queue a", has_text=app.number).click()
    clerk.locator("#issue-form button").click()
    clerk.locator(".certificate[data-state='issued']").wait_for()
    screenshot(clerk, "certificate-01-issued-by-clerk")

    certificate = Certificate.objects.get(application=app)
    url = documents.verify_url(certificate)
    assert url.startswith(live_server.url + "/verify/")
    with certificate.pdf.open("rb") as handle:
        pdf = handle.read()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", "-", str(SCREENSHOTS / "certificate-02-pdf")],
        input=pdf,
        check=True,
    )

    # A member of the public scans the QR code: no login.
    public = page_factory()
    public.goto(url)
    state = public.locator("#verify-state")
    assert state.get_attribute("data-state") == "valid"
    assert public.locator("#verify-serial").inner_text() == certificate.serial
    assert public.locator("#verify-holder").inner_text() == "云溪市好味餐饮有限公司"
    screenshot(public, "certificate-03-verify-valid")

    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=app.pk)
        application_transition(
            locked, ApplicationStatus.REVOKED, actor=None, reason="告知承诺核查：承诺内容与实际不符"
        )

    public.reload()
    assert public.locator("#verify-state").get_attribute("data-state") == "revoked"
    assert (
        "撤销" in public.locator("#verify-state").inner_text()
        or "Revoked" in public.locator("#verify-state").inner_text()
    )
    screenshot(public, "certificate-04-verify-revoked")

    public.goto(live_server.url + "/results/?q=" + app.number)
    row = public.locator(f".register-row[data-number='{app.number}']")
    assert row.get_attribute("data-status") == "revoked"
    screenshot(public, "certificate-05-register")

    public.goto(url.replace("/verify/", "/verify/x"))
    assert public.locator("#verify-state").get_attribute("data-state") == "invalid"
    screenshot(public, "certificate-06-verify-invalid")
