"""Journey: key pages produce no Content-Security-Policy violation in the browser console
(home, login, the supervision statistics with their ECharts charts, Swagger UI), and an admin is
made to set up two-factor authentication before reaching the admin site, then verifies with a
code at the next login."""

import time

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.approvals.supervision.conftest import build_city
from tests.factories import PASSWORD, AdminFactory
from tests.portal.security.helpers import totp_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_csp(page, violations=None):
    violations = [] if violations is None else violations
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.on("pageerror", lambda exc: violations.append(f"page error: {exc}"))
    return violations


def login(page, base, username):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-form [type=submit]")


def test_key_pages_have_no_csp_violations(live_server, page_factory, screenshot):
    city = build_city()
    page = page_factory(locale="zh-CN")
    violations = watch_csp(page)
    page.goto(live_server.url + "/accounts/login/")
    page.wait_for_load_state("networkidle")
    screenshot(page, "security-login")
    login(page, live_server.url, city["supervisor"].username)
    assert "/accounts/login/" not in page.url
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    page.goto(live_server.url + "/supervision/stats/")
    page.wait_for_load_state("networkidle")
    screenshot(page, "security-supervision-stats")
    assert page.url.endswith("/supervision/stats/") and page.locator(".stats-kpis").count() == 1
    if page.locator(".supervision-chart").count():
        page.wait_for_selector(".supervision-chart canvas")
    page.goto(live_server.url + "/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=20_000)
    screenshot(page, "security-swagger")
    assert violations == []


def test_an_admin_enrols_then_verifies_two_factor(live_server, page_factory, screenshot, settings):
    settings.TWO_FACTOR_REQUIRED = True
    AdminFactory(username="root")
    page = page_factory(locale="en-US")
    violations = watch_csp(page)
    login(page, live_server.url, "root")
    page.goto(live_server.url + "/admin/")
    assert "/accounts/two-factor/enrol/" in page.url
    assert page.locator("#otp-qr").is_visible()
    screenshot(page, "security-2fa-enrol-en")
    device = TOTPDevice.objects.get(user__username="root", confirmed=False)
    first_code = totp_now(device)
    page.fill("#id_otp_token", first_code)
    page.click("#otp-enrol-form [type=submit]")
    page.wait_for_selector("#backup-codes", timeout=60_000)
    assert page.locator("#backup-codes li").count() == 10
    screenshot(page, "security-2fa-backup-codes-en")
    page.click("text=I have saved them, continue")
    page.goto(live_server.url + "/admin/")
    assert page.url.rstrip("/").endswith("/admin")

    # Next login (a new browser): the password, then the code.
    page = page_factory(locale="en-US")
    watch_csp(page, violations)
    login(page, live_server.url, "root")
    page.goto(live_server.url + "/admin/")
    assert "/accounts/two-factor/verify/" in page.url
    device.refresh_from_db()
    while totp_now(device) == first_code:  # a code is never accepted twice (replay): wait for the next one
        time.sleep(1)
    page.fill("#id_otp_token", totp_now(device))
    page.click("#otp-verify-form [type=submit]")
    page.wait_for_url("**/admin/", timeout=60_000)
    assert page.url.rstrip("/").endswith("/admin")
    assert violations == []
