"""Journey: the city-wide leader opens the city overview, sees the approvals, data-sharing and PPP
tiles with their numbers, follows a tile to its detail page; the large-screen mode draws its
charts (canvas) and refreshes the numbers from data.json without reloading the page.

Screenshots: var/screenshots/overview-*.png (desktop in English and Chinese, the screen at 1920×1080).
"""

import re

import pytest
from playwright.sync_api import expect

from approvals.models import Application
from approvals.workflow import ApplicationStatus
from portal.clocks import services as clocks
from tests.factories import PASSWORD
from tests.factories.overview import build_city, populate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, username):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-form [type=submit]")
    assert "/accounts/login/" not in page.url, f"login failed for {username}"


def tile_value(page, key):
    return page.locator(f'[data-metric="{key}"] [data-value]').inner_text().strip()


def test_leader_reads_the_overview_and_the_screen_refreshes(live_server, page_factory, screenshot):
    city = build_city()
    populate(city, 3)
    base = live_server.url

    page = page_factory(locale="en-US")
    login(page, base, city.leader.username)
    page.goto(base + "/overview/")
    for key in ("approvals", "sharing", "ppp"):
        assert page.locator(f'[data-section="{key}"] .overview-tile').count() >= 3
    assert tile_value(page, "approvals:0") == "12"  # applications this month, both departments
    assert tile_value(page, "sharing:4") == "6"  # exchange calls this month
    assert tile_value(page, "ppp:0") == "6"  # PPP projects
    page.wait_for_selector('[data-chart="approvals-trend"] canvas')
    screenshot(page, "overview-desktop-en")

    with page.expect_navigation():
        page.click('[data-metric="approvals:3"]')  # cases finished this year → the public monthly report
    assert page.url.endswith("/supervision/public/")
    assert page.locator("h1").count() == 1

    chinese = page_factory(locale="zh-CN")
    login(chinese, base, city.leader.username)
    chinese.goto(base + "/overview/")
    chinese.wait_for_selector('[data-chart="ppp-stages"] canvas')
    screenshot(chinese, "overview-desktop-zh")

    screen = page_factory(locale="zh-CN")
    screen.set_viewport_size({"width": 1920, "height": 1080})
    login(screen, base, city.leader.username)
    screen.goto(base + "/overview/screen/?refresh=2")
    screen.wait_for_selector(".overview-screen [data-chart] canvas")
    # One canvas per chart of the sections the leader sees (approvals, sharing, PPP, matters, ...).
    charts = screen.locator(".overview-screen [data-chart]").count()
    assert charts >= 3 and screen.locator(".overview-screen [data-chart] canvas").count() == charts
    box = screen.locator(".overview-screen").bounding_box()
    assert (box["width"], box["height"]) == (1920, 1080)
    screen.evaluate("window.__notReloaded = true")
    before = tile_value(screen, "approvals:0")
    assert before == "12"

    Application.objects.create(
        number="OV-E2E-1",
        applicant=city.citizen,
        item=Application.objects.filter(lead_department=city.a).first().item,
        lead_department=city.a,
        status=ApplicationStatus.SUBMITTED,
        received_on=clocks.local_today(),
    )
    # Wait through the locator (a string predicate would be eval'd, which the CSP forbids).
    expect(screen.locator("[data-metric='approvals:0'] [data-value]")).to_have_text("13", timeout=15_000)
    assert screen.evaluate("window.__notReloaded") is True
    assert int(screen.locator(".overview-screen").get_attribute("data-refreshed")) >= 1
    assert re.fullmatch(r"\d\d:\d\d:\d\d", screen.locator("[data-updated]").inner_text().strip())
    screenshot(screen, "overview-screen-zh")
