"""Journey: a deadline turns yellow; its owner sees the bell, reads the reminder, and finds the
deadline with its clock ledger under My deadlines."""

import pytest
from django.utils import timezone

from portal.clocks import services, tasks
from portal.workcal import days
from tests.factories import OfficialFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_sees_and_reads_a_deadline_reminder(live_server, page_factory, screenshot):
    owner = OfficialFactory(username="ppp", full_name="孙财政", email="ppp@example.gov.cn")
    today = timezone.localdate()
    # Started 9 working days ago with a 10-day limit: one working day left, so yellow.
    clock = services.clock_start(
        subject=owner,
        limit_days=10,
        owner=owner,
        label="智慧停车项目年度绩效自评报告",
        start_on=days.add_working_days(today, -9),
    )
    tasks.sweep(today, force=True)
    clock.refresh_from_db()
    assert clock.signal == "yellow"

    page = page_factory()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "ppp")
    page.fill("#id_password", "Portal-test-2026!")
    page.click("#login-form [type=submit]")
    badge = page.locator("#notification-badge [data-unread]")
    badge.wait_for()
    assert badge.get_attribute("data-unread") == "1"
    screenshot(page, "deadline-01-bell")

    page.click("a[href='/notifications/']")
    item = page.get_by_text("即将到期：智慧停车项目年度绩效自评报告")
    item.wait_for()
    screenshot(page, "deadline-02-notifications")
    page.get_by_role("button", name="标为已读").first.click()
    page.wait_for_load_state()
    page.reload()
    page.wait_for_timeout(500)
    assert page.locator("#notification-badge [data-unread]").count() == 0

    page.goto(live_server.url + "/deadlines/")
    card = page.locator(".clock", has_text="智慧停车项目年度绩效自评报告")
    card.wait_for()
    assert "黄灯" in card.inner_text()
    assert clock.due_date.strftime("%Y") in card.inner_text()
    screenshot(page, "deadline-03-my-deadlines")
