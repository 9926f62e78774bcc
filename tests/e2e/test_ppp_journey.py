"""Journey: the project company enters monitoring data, the implementing agency scores the
evaluation, the finance department's PPP manager approves it, calculates the payment and publishes
it — and the project's public page shows the score.

Screens are saved under var/screenshots/ppp-*.png.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from operations.performance import services
from operations.performance.models import Evaluation, MonitoringRecord, State
from tests.factories import PASSWORD
from tests.operations.conftest import city, project  # noqa: F401 - fixtures
from tests.operations.performance.conftest import GOOD, people, ppp  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, username):
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-form [type=submit]")
    assert "/accounts/login/" not in page.url, f"login failed for {username}"


def test_monitoring_to_public_score(live_server, page_factory, screenshot, ppp):  # noqa: F811
    c = ppp
    c.project.published = True
    c.project.save(update_fields=["published"])
    base = live_server.url
    page = page_factory()

    # 1. The project company's representative records monitoring data.
    login(page, base, c.company_rep.username)
    page.goto(f"{base}/ppp/performance/projects/{c.project.code}/")
    page.select_option("#record-form select[name=indicator]", str(c.leaves["O1a"].pk))
    page.fill("#record-form input[name=period_start]", "2025-01-01")
    page.fill("#record-form input[name=period_end]", "2025-12-31")
    page.fill("#record-form input[name=value]", "98.5")
    with page.expect_navigation():
        page.click("#record-form button")
    assert page.locator(".alert-success").count() >= 1 or MonitoringRecord.objects.exists()
    assert MonitoringRecord.objects.get().value == Decimal("98.5")
    page.get_by_text("98.5").first.wait_for()
    screenshot(page, "ppp-1-monitoring")

    # The evaluation is opened and self-assessed (services: the same steps as the pages).
    evaluation = services.evaluation_create(
        actor=c.agency_official,
        project=c.project,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
    )
    services.evaluation_transition(actor=c.agency_official, evaluation=evaluation, action="open")
    values = {**GOOD, "O1a": "98.5", "O1b": "3", "E1a": "85", "M1b": "80"}
    for code, value in values.items():
        services.score_save(actor=c.company_rep, evaluation=evaluation, indicator=c.leaves[code], value=value)
    services.evaluation_transition(actor=c.company_rep, evaluation=evaluation, action="submit_self")

    # 2. The implementing agency scores on the page, with evidence, and submits for review.
    login(page, base, c.agency_official.username)
    url = f"{base}/ppp/performance/evaluations/{evaluation.pk}/"
    for code, value in values.items():
        page.goto(url)
        form = page.locator(f"form[data-indicator={code}]")
        if c.leaves[code].method == "manual":
            form.locator("select[name=value]").select_option(value)
        else:
            form.locator("input[name=value]").fill(value)
        form.locator("input[name=evidence_text]").fill("现场核查记录")
        with page.expect_navigation():
            form.locator("button").click()
    with page.expect_navigation():
        page.click("button[value=submit_scores]")
    evaluation.refresh_from_db()
    assert evaluation.state == State.DEPT_REVIEW and evaluation.total == Decimal("71.43")
    screenshot(page, "ppp-2-scored")

    # 3. The finance PPP manager approves, calculates the payment and publishes.
    login(page, base, c.manager.username)
    page.goto(url)
    with page.expect_navigation():
        page.click("button[value=approve]")
    with page.expect_navigation():
        page.click("form[action$='/calculate/'] button")
    assert page.locator("[data-testid=amount]").inner_text() == "649350.00"
    with page.expect_navigation():
        page.click("button[value=publish]")
    assert Evaluation.objects.get(pk=evaluation.pk).state == State.PUBLISHED
    screenshot(page, "ppp-3-payment")
    page.goto(f"{base}/ppp/performance/projects/{c.project.code}/")
    page.locator("#performance-chart canvas").wait_for()
    screenshot(page, "ppp-3b-history")

    # 4. Anyone sees the published score on the project's public page.
    page.context.clear_cookies()
    page.goto(f"{base}/ppp/public/{c.project.code}/")
    assert page.locator("[data-testid=published-score]").inner_text() == "71.43"
    screenshot(page, "ppp-4-public")
