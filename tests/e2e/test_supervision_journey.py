"""Journey: a supervisor logs in, sees a red department task at the top of the supervision
dashboard, issues a supervision notice (督办单) from it, and finds the notice on the official case
page; the fire department's reviewer sees it in their notice list.

Dates are pinned through portal.clocks.services.local_today (the live server runs in a thread of
this process): the application is accepted on Monday 2026-11-02, the supervisor looks on
Wednesday 2026-11-04 — the fire review is then red because it was given a one-day limit.
"""

import datetime

import pytest

from approvals import services
from approvals.supervision.models import SupervisionNotice
from portal.clocks import services as clocks
from tests.approvals.factories import ItemFactory, PackageFactory, PackageItemFactory
from tests.approvals.supervision.conftest import build_city
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def today(monkeypatch):
    state = {"today": datetime.date(2026, 11, 2)}
    monkeypatch.setattr(clocks, "local_today", lambda: state["today"])
    return lambda day: state.update(today=day)


def login(page, base, username):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-form [type=submit]")
    assert "/accounts/login/" not in page.url, f"login failed for {username}"


def test_supervisor_issues_a_notice_for_a_red_task(live_server, page_factory, screenshot, today):
    city = build_city()
    quick = ItemFactory(
        code="HOTFIRE",
        name="大型活动消防检查",
        implementing_body=city["fire"],
        published=True,
        promised_limit_days=1,
    )
    package = PackageFactory(
        code="EVENT", name="举办大型活动", lead_department=city["bureau"], total_limit_days=5, published=True
    )
    PackageItemFactory(package=package, item=quick, order=0)
    PackageItemFactory(package=package, item=city["items"]["FOOD"], order=1)
    app = services.application_create(actor=city["applicant"], package=package)
    app = services.application_submit(actor=city["applicant"], application=app, form_data={})
    app = services.application_accept(actor=city["clerk"], application=app)
    for _ in range(3):  # some calmer cases below it
        other = services.application_create(actor=city["applicant"], package=city["package"])
        other = services.application_submit(actor=city["applicant"], application=other, form_data={})
        services.application_accept(actor=city["clerk"], application=other)
    today(datetime.date(2026, 11, 4))
    base = live_server.url

    page = page_factory()
    login(page, base, "sup")
    page.goto(base + "/supervision/")
    first = page.locator(".supervision-row").first
    assert first.get_attribute("data-signal") == "red"
    assert "大型活动消防检查" in first.inner_text()
    assert page.locator(".signal-card[data-signal=red] .signal-count").inner_text() == "1"
    screenshot(page, "supervision-01-dashboard")

    with page.expect_navigation():
        first.locator(".issue-notice").click()
    page.fill("#id_text", "该事项已超期，请于两个工作日内办结并书面说明原因。")
    screenshot(page, "supervision-02-issue")
    with page.expect_navigation():
        page.click("#issue-form [type=submit]")
    notice = SupervisionNotice.objects.get(application=app)
    assert notice.task.item == quick and notice.issued_by.username == "sup"
    assert notice.number in page.locator(".supervision-row").first.inner_text()

    page.goto(base + f"/work/applications/{app.uuid}/")
    case_notice = page.locator(".case-notices .case-notice").first
    assert notice.number in case_notice.inner_text()
    assert case_notice.get_attribute("data-status") == "open"
    screenshot(page, "supervision-03-case")

    reviewer = page_factory()
    login(reviewer, base, "r-fire")
    reviewer.goto(base + "/supervision/notices/")
    assert notice.number in reviewer.locator(".notices-table").inner_text()
