"""Journey: the smart-city office (`office`) plans a leading-group meeting and records a decision
that creates a matter for the big-data bureau with two milestones; the bureau's steward
(`steward`) reports progress and completes a milestone; the mayor (`leader`, a co-leader) finds
the new progress in the matter list and on the matter page.

The demo city (coordination.demo) provides the units and the demo logins.
"""

import pytest

from coordination.demo import DEMO_PASSWORD, DemoLoader
from coordination.matters.models import Matter
from coordination.matters.workflow import ACTIVE_STATES
from coordination.models import Role, RoleCode
from portal.clocks import services as clocks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, username):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("#login-form [type=submit]")
    assert "/accounts/login/" not in page.url, f"login failed for {username}"


def test_a_meeting_decision_becomes_a_matter_that_the_bureau_advances(live_server, page_factory, screenshot):
    # Roles come from a data migration, which an earlier transactional test may have flushed.
    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)
    DemoLoader().load()
    base = live_server.url

    office = page_factory()
    login(office, base, "office")
    office.goto(base + "/matters/meetings/")
    with office.expect_navigation():
        office.click("#new-meeting")
    office.fill("#id_title", "领导小组第四次全体会议")
    office.fill("#id_date", clocks.local_today().isoformat())
    office.fill("#id_place", "市政府第一会议室")
    office.select_option("#id_convened_by", label="云溪市智慧城市建设领导小组")
    with office.expect_navigation():
        office.click("#matter-form [type=submit]")
    assert "/matters/meetings/" in office.url

    office.fill("#decision-form #id_text", "升级政务数据共享交换平台，年底前完成国产化改造。")
    office.fill("#id_matter_title", "政务数据共享交换平台升级")
    office.select_option("#id_lead_unit", label="云溪市大数据局")
    office.select_option("#decision-form #id_cooperating_units", label="云溪数字科技有限公司")
    office.fill("#id_limit_days", "30")
    office.fill("#id_milestones", "国产化环境部署\n省市目录对接")
    screenshot(office, "coordination-01-decision")
    with office.expect_navigation():
        office.click("#decision-form [type=submit]")
    decision = office.locator(".decision").first
    assert "政务数据共享交换平台升级" in decision.inner_text()
    matter = Matter.objects.get(title="政务数据共享交换平台升级")
    assert matter.lead_unit.code == "yx-data" and matter.status == "open"
    screenshot(office, "coordination-02-meeting")

    steward = page_factory()
    login(steward, base, "steward")
    steward.goto(base + "/matters/?tab=leading")
    with steward.expect_navigation():
        steward.click(f".matter-row[data-number='{matter.number}'] a")
    steward.fill("#report-form #id_text", "国产化服务器和数据库已部署完成。")
    steward.check("#report-form input[name=milestones] >> nth=0")
    with steward.expect_navigation():
        steward.click("#report-form [type=submit]")
    assert steward.locator("#matter-progress").get_attribute("data-progress") == "50.00"
    screenshot(steward, "coordination-03-report")

    leader = page_factory()
    login(leader, base, "leader")
    leader.goto(base + "/matters/")
    row = leader.locator(f".matter-row[data-number='{matter.number}']")
    assert "50%" in row.inner_text()
    screenshot(leader, "coordination-04-list")
    with leader.expect_navigation():
        row.locator("a").first.click()
    assert "国产化服务器和数据库已部署完成。" in leader.locator("#reports").inner_text()
    assert leader.locator("#milestones .milestone[data-done='1']").count() == 1
    screenshot(leader, "coordination-05-detail")

    # The leader's city overview counts the matter and shows the progress the steward reported.
    leader.goto(base + "/overview/")
    section = leader.locator("#overview-coordination")
    open_matters = Matter.objects.filter(status__in=ACTIVE_STATES)
    tile = section.locator("[data-metric='coordination:0'] [data-value]")
    assert tile.inner_text().strip() == str(open_matters.count())
    if open_matters.count() == 1:
        average = section.locator("[data-metric='coordination:3'] [data-value]")
        assert float(average.inner_text().strip()) == 50.0
    screenshot(leader, "coordination-06-overview")
    with leader.expect_navigation():
        section.locator("[data-metric='coordination:0']").click()
    assert "/matters/" in leader.url
    assert leader.locator(f".matter-row[data-number='{matter.number}']").count() == 1
