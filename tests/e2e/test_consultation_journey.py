"""Journey: a citizen comments on an open consultation; the smart-city office answers the comment
on a closed one and publishes the answers; the public page shows the answer and the statement.

"Today" is pinned through portal.clocks.services.local_today (the live server runs in a thread of
this process): 2026-11-02.
"""

import datetime

import pytest

from coordination.consultations import services
from coordination.consultations.models import ConsultationStatus
from portal.clocks import services as clocks
from tests.factories import PASSWORD
from tests.factories.consultations import consultation_city, make_consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOV = datetime.date(2026, 11, 2)


@pytest.fixture
def today(monkeypatch):
    state = {"today": NOV}
    monkeypatch.setattr(clocks, "local_today", lambda: state["today"])
    return lambda day: state.update(today=day)


def login(page, base, username, next_url=""):
    page.goto(base + "/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-form [type=submit]")
    assert "/accounts/login/" not in page.url, f"login failed for {username}"


def test_comment_answer_publish(live_server, page_factory, screenshot, today):
    city = consultation_city()
    office = city["coordinator"]
    today(NOV - datetime.timedelta(days=40))
    closed = make_consultation(
        actor=office,
        unit=city["office_unit"],
        opens_on=NOV - datetime.timedelta(days=40),
        title="智慧停车收费标准调整方案",
    )
    services.comment_create(actor=city["citizen2"], consultation=closed, text="建议学校周边设置免费临停。")
    today(NOV)
    plan = make_consultation(
        actor=office,
        unit=city["office_unit"],
        opens_on=NOV - datetime.timedelta(days=3),
        title="新型智慧城市三年行动计划",
    )
    base = live_server.url

    # A citizen finds the open consultation, is asked to log in, and comments.
    page = page_factory(locale="en-US")
    page.goto(base + "/consultations/?state=open")
    page.click(f".consultation-row[data-number='{plan.number}']")
    page.click("text=Log in to comment")
    page.fill("#id_username", "t-citizen")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-form [type=submit]")
    assert plan.get_absolute_url() in page.url
    page.fill("#id_section_ref", "二、重点任务")
    page.fill("#id_text", "希望在社区设立数字助老服务点。")
    with page.expect_navigation():
        page.click(".comment-form [type=submit]")
    assert "希望在社区设立数字助老服务点" in page.locator(".my-comments").inner_text()
    screenshot(page, "consultation-citizen-commented")
    assert plan.comments.get().stakeholder == "citizen"

    # The office answers the closed consultation's comment and publishes the answers.
    office_page = page_factory(locale="en-US")
    login(office_page, base, "t-office")
    office_page.goto(base + closed.get_manage_url())
    assert "Closed, answers in preparation" in office_page.locator(".consultation-status").inner_text()
    comment = closed.comments.get()
    office_page.select_option(f"#id_c{comment.pk}-outcome", "adopted")
    office_page.fill(f"#id_c{comment.pk}-answer", "已采纳，学校周边增设高峰时段免费临停泊位。")
    with office_page.expect_navigation():
        office_page.click(f"#comment-{comment.pk} .answer-form [type=submit]")
    office_page.fill("#id_summary", "共收到意见1条，采纳1条。")
    with office_page.expect_navigation():
        office_page.click(".publish-form [type=submit]")
    screenshot(office_page, "consultation-office-published")
    closed.refresh_from_db()
    assert closed.status == ConsultationStatus.PUBLISHED

    # Anyone sees the answer, with the commenter's name masked.
    public = page_factory()
    public.goto(base + closed.get_absolute_url())
    answers = public.locator(".published-comments").inner_text()
    assert "已采纳，学校周边增设高峰时段免费临停泊位。" in answers
    assert "李*" in answers and "李四" not in answers
    assert "共收到意见1条" in public.locator(".answers-summary").inner_text()
    public.wait_for_selector(".consultation-chart canvas")
    screenshot(public, "consultation-public-answers")
