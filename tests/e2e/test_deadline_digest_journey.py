"""Journey: the sweep turns two of an official's deadlines yellow; the official finds one digest
listing both under Notifications, opens it and reaches each case from the digest's page."""

import pytest
from django.utils import timezone

from portal.clocks import services, tasks
from portal.workcal import days
from tests.factories import OfficialFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_official_reads_one_digest_of_two_deadlines(live_server, page_factory, screenshot, monkeypatch):
    # The subjects here are plain users; give them a page so the digest links to each case.
    monkeypatch.setattr(
        type(UserFactory.build()), "get_absolute_url", lambda self: "/deadlines/", raising=False
    )
    owner = OfficialFactory(username="digest", full_name="钱督办", email="digest@example.gov.cn")
    today = timezone.localdate()
    labels = ["老旧小区改造项目进度报告", "智慧停车项目年度绩效自评报告"]
    clocks = [
        # Seven working days of a ten-day limit used: green today, yellow from the next working day.
        services.clock_start(
            subject=UserFactory(),
            limit_days=10,
            owner=owner,
            label=label,
            start_on=days.add_working_days(today, -7),
        )
        for label in labels
    ]
    assert {c.signal for c in clocks} == {"green"}
    tasks.sweep(clocks[0].next_check_on, force=True)

    page = page_factory()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "digest")
    page.fill("#id_password", "Portal-test-2026!")
    page.click("#login-form [type=submit]")
    badge = page.locator("#notification-badge [data-unread]")
    badge.wait_for()
    assert badge.get_attribute("data-unread") == "1"  # one digest, not one message per deadline

    page.goto(live_server.url + "/notifications/")
    item = page.locator(".list-group-item", has_text=labels[0])
    item.wait_for()
    assert labels[1] in item.inner_text()
    screenshot(page, "digest-01-notifications")
    item.locator("button[type=submit]").first.click()
    page.wait_for_load_state()
    lines = page.locator(".digest-line")
    lines.first.wait_for()
    assert lines.count() == 2
    assert all(label in page.locator("#digest-lines").inner_text() for label in labels)
    screenshot(page, "digest-02-digest-page")
    lines.first.get_by_role("link").click()
    page.wait_for_url("**/deadlines/")
