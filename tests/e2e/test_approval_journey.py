"""Journey: an applicant submits a three-department package with one material pledged (容缺); the
clerk accepts on pledge; the food reviewer suspends for a 5-day expert review while fire and
signage approve; the food reviewer resumes and approves; the applicant supplies the pledged
material, the clerk records it and the lead grants. The applicant sees "granted" with the right
dates, and the public tracking page agrees.

Dates are pinned through portal.clocks.services.local_today (the live server runs in a thread of
this process, so the monkeypatch applies there too): everything happens on Monday 2026-11-02,
except the resumption and what follows, on Monday 2026-11-09 — five working days of expert review.
Timestamps (StatusChange.at, shown on the timeline) stay wall-clock.
"""

import datetime

import pytest

from approvals.models import AcceptanceMode, Application, DepartmentTask, StatusChange
from approvals.workflow import ApplicationStatus, TaskStatus
from portal.clocks import services as clocks
from portal.clocks.models import Clock
from portal.clocks.tasks import sweep
from tests.approvals.factories import (
    FormFieldFactory,
    ItemFactory,
    MaterialFactory,
    PackageFactory,
    PackageItemFactory,
)
from tests.factories import PASSWORD, OrgUnitFactory, UserFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A = ApplicationStatus
T = TaskStatus
ACCEPTED_ON = datetime.date(2026, 11, 2)  # a Monday
RESUMED_ON = datetime.date(2026, 11, 9)  # the next Monday: 5 working days later
SUPPLEMENT_DUE = datetime.date(2026, 11, 10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# -- fixtures ------------------------------------------------------------------------------------------


@pytest.fixture
def today(monkeypatch):
    state = {"today": ACCEPTED_ON}
    monkeypatch.setattr(clocks, "local_today", lambda: state["today"])
    return lambda day: state.update(today=day)


@pytest.fixture
def city():
    bureau = OrgUnitFactory(code="approval-bureau", name="行政审批局")
    fire = OrgUnitFactory(code="fire", name="应急管理局")
    urban = OrgUnitFactory(code="urban", name="城市管理局")
    common = {"published": True, "promised_limit_days": 5, "pledge_acceptance_allowed": True}
    food = ItemFactory(
        code="FOOD",
        name="食品经营许可",
        implementing_body=bureau,
        clock_stop_procedures=["expert_review"],
        **common,
    )
    fire_item = ItemFactory(code="FIRE", name="消防安全检查", implementing_body=fire, **common)
    sign = ItemFactory(code="SIGN", name="门头招牌设置", implementing_body=urban, **common)
    FormFieldFactory(item=food, key="shop_name", label="店名", required=True)
    # One required material that may be pledged, one that must be uploaded with the application.
    MaterialFactory(item=food, name="健康证明", required=True, may_be_pledged=True, accepted_types="pdf")
    MaterialFactory(item=fire_item, name="消防平面图", required=True, accepted_types="pdf")
    package = PackageFactory(
        code="RESTAURANT", name="开办餐饮店", lead_department=bureau, total_limit_days=7, published=True
    )
    for order, item in enumerate((food, fire_item, sign)):
        PackageItemFactory(package=package, item=item, order=order, mandatory=item.code != "SIGN")
    return {
        "package": package,
        "applicant": UserFactory(username="zhang", full_name="张三"),
        "clerk": staff(bureau, "window_clerk", "clerk", "李窗口"),
        "lead": staff(bureau, "lead_coordinator", "lead", "王牵头"),
        "reviewers": {
            "FOOD": staff(bureau, "reviewer", "r-food", "赵食品"),
            "FIRE": staff(fire, "reviewer", "r-fire", "钱消防"),
            "SIGN": staff(urban, "reviewer", "r-sign", "孙城管"),
        },
    }


# -- helpers -------------------------------------------------------------------------------------------


def login(page, base, username):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-form [type=submit]")
    assert "/accounts/login/" not in page.url, f"login failed for {username}"


def submit(page, selector):
    """Click a submit button and wait for the POST-redirect-GET to land."""
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_load_state()


def status_of(page, css=".application-status"):
    return page.locator(css).first.get_attribute("data-status")


def open_my_task(page, base, number):
    """A reviewer finds the application in the inbox and opens the department's task."""
    page.goto(base + "/work/inbox/")
    page.locator("tr.inbox-row a", has_text=number).click()
    page.wait_for_url("**/work/tasks/*/")


def claim(page):
    submit(page, "#claim-form [type=submit]")
    assert status_of(page, ".task-status") == T.IN_REVIEW


def approve(page, opinion):
    page.select_option("#id_decideform_decision", T.APPROVED.value)
    page.fill("#id_decideform_opinion", opinion)
    submit(page, "#decide-form [type=submit]")
    assert status_of(page, ".task-status") == T.APPROVED


# -- the journey ---------------------------------------------------------------------------------------


def test_pledged_package_is_reviewed_suspended_supplied_and_granted(
    live_server, page_factory, screenshot, settings, tmp_path, today, city
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    base = live_server.url
    plan = tmp_path / "消防平面图.pdf"
    plan.write_bytes(PDF)
    certificate = tmp_path / "健康证明.pdf"
    certificate.write_bytes(PDF)

    # 1. The applicant starts the package from the service guide.
    applicant = page_factory()
    login(applicant, base, "zhang")
    applicant.goto(base + "/guide/packages/RESTAURANT/")
    screenshot(applicant, "approval-01-applicant-guide")
    applicant.click("#start-application")
    applicant.wait_for_url("**/apply/package/RESTAURANT/")
    submit(applicant, "#start-draft")
    applicant.wait_for_url("**/apply/a/*/edit/")

    # 2. Uploads the fire plan, pledges the health certificate, fills in the form and submits.
    plan_slot = applicant.locator(".material-slot", has_text="消防平面图")
    plan_slot.locator("input[type=file]").set_input_files(str(plan))
    submit(applicant, ".material-slot:has-text('消防平面图') form:has(input[value=upload]) [type=submit]")
    assert "消防平面图.pdf" in applicant.locator(".material-slot", has_text="消防平面图").inner_text()
    submit(applicant, ".material-slot:has-text('健康证明') form:has(input[value=pledge]) [type=submit]")
    assert applicant.locator(".material-slot", has_text="健康证明").locator(".text-bg-warning").count() == 1
    applicant.fill("[name=shop_name]", "老张面馆")
    screenshot(applicant, "approval-02-applicant-materials")
    submit(applicant, "#submit-application")
    # The redirect keeps the "#materials" fragment of the page before; drop it.
    detail_url = applicant.url.split("#")[0]
    assert detail_url.endswith("/") and "/edit/" not in detail_url
    assert status_of(applicant) == A.SUBMITTED
    number = applicant.locator("#application-number").inner_text().strip()
    query_code = applicant.locator("#query-code").inner_text().strip()
    assert number.startswith("SP-20261102-")
    screenshot(applicant, "approval-03-applicant-submitted")

    # 3. The window clerk accepts on pledge (容缺), the materials due on 2026-11-10.
    clerk = page_factory()
    login(clerk, base, "clerk")
    clerk.goto(base + "/work/intake/")
    clerk.locator("tr.intake-row a", has_text=number).click()
    clerk.wait_for_selector("#accept-form")
    assert "老张面馆" in clerk.locator(".case-form").inner_text()
    submitted = clerk.locator(".case-materials .submitted-materials").inner_text()
    assert "消防平面图.pdf" in submitted and "健康证明" in submitted
    clerk.select_option("#id_acceptform_mode", AcceptanceMode.PLEDGE.value)
    clerk.fill("#id_acceptform_supplement_due", SUPPLEMENT_DUE.isoformat())
    screenshot(clerk, "approval-04-clerk-accept-form")
    submit(clerk, "#accept-form [type=submit]")
    assert status_of(clerk) == A.IN_REVIEW
    assert clerk.locator("#supplement-form").count() == 1  # the pledge is outstanding
    screenshot(clerk, "approval-05-clerk-accepted")

    # 4. The food reviewer claims and suspends for a 5-day expert review.
    food = page_factory()
    login(food, base, "r-food")
    open_my_task(food, base, number)
    claim(food)
    food.select_option("#id_suspendform_procedure", "expert_review")
    food.fill("#id_suspendform_reason", "组织专家评审厨房布局")
    food.fill("#id_suspendform_expected_days", "5")
    submit(food, "#suspend-form [type=submit]")
    assert status_of(food, ".task-status") == T.SUSPENDED
    assert food.locator("#resume-form").count() == 1
    screenshot(food, "approval-06-food-suspended")

    # 5. Fire and signage approve.
    for item_name, username, opinion, step in (
        ("消防安全检查", "r-fire", "消防设施符合要求", "07-fire-approved"),
        ("门头招牌设置", "r-sign", "招牌设置符合规范", "08-sign-approved"),
    ):
        reviewer = page_factory()
        login(reviewer, base, username)
        open_my_task(reviewer, base, number)
        assert reviewer.locator("h1").inner_text().strip() == item_name
        claim(reviewer)
        approve(reviewer, opinion)
        screenshot(reviewer, f"approval-{step}")

    # The applicant follows it: two departments done, the food review paused.
    applicant.goto(detail_url)
    progress = applicant.locator("#department-progress tbody tr")
    assert progress.count() == 3
    assert progress.filter(has_text="食品经营许可").locator(".text-bg-secondary").count() >= 1  # paused
    assert status_of(applicant) == A.IN_REVIEW
    screenshot(applicant, "approval-09-applicant-in-review")

    # 6. A week later the expert review is done: the food reviewer resumes and approves.
    today(RESUMED_ON)
    sweep(RESUMED_ON, force=True)  # the nightly sweep brings the stored clock figures up to date
    food.reload()
    submit(food, "#resume-form [type=submit]")
    assert status_of(food, ".task-status") == T.IN_REVIEW
    approve(food, "专家评审通过，同意")
    screenshot(food, "approval-10-food-resumed-approved")

    # 7. The applicant supplies the pledged health certificate.
    applicant.goto(detail_url)
    assert status_of(applicant) == A.CONSOLIDATING
    applicant.click("#supply-materials")
    applicant.wait_for_url("**/supply/")
    row = applicant.locator("#pledged-materials li", has_text="健康证明")
    row.locator("input[type=file]").set_input_files(str(certificate))
    submit(applicant, "#pledged-materials li:has-text('健康证明') [type=submit]")
    assert "健康证明.pdf" in applicant.locator("#pledged-materials").inner_text()
    assert applicant.locator("#pledged-materials input[type=file]").count() == 0
    screenshot(applicant, "approval-11-applicant-supplied")

    # 8. The clerk records the pledged materials as received.
    clerk.reload()
    assert "健康证明.pdf" in clerk.locator(".case-materials .submitted-materials").inner_text()
    submit(clerk, "#supplement-form [type=submit]")
    assert clerk.locator("#supplement-form").count() == 0
    assert RESUMED_ON.isoformat() in clerk.locator(".case-materials").inner_text()
    screenshot(clerk, "approval-12-clerk-recorded-supplement")

    # 9. The lead sees every department done and grants.
    lead = page_factory()
    login(lead, base, "lead")
    lead.goto(base + "/work/lead/")
    lead_row = lead.locator("tr.lead-row", has_text=number)
    assert lead_row.locator(".tasks-done").inner_text().replace(" ", "") == "3/3"
    lead_row.locator("a", has_text=number).click()
    lead.wait_for_selector("#consolidate-form")
    statuses = lead.locator("tr.lead-task").evaluate_all("rows => rows.map(r => r.dataset.status)")
    assert statuses == [T.APPROVED] * 3
    lead.select_option("#id_consolidateform_grant", "1")
    lead.fill("#id_consolidateform_reasons", "各部门审查通过，准予许可")
    screenshot(lead, "approval-13-lead-consolidate")
    submit(lead, "#consolidate-form [type=submit]")
    # Granted, and published in the same transaction (approvals.results, 行政许可法 art. 40).
    assert status_of(lead) == A.PUBLISHED
    screenshot(lead, "approval-14-lead-granted")

    # 10. The applicant sees "granted", with the dates and the whole timeline.
    applicant.goto(detail_url)
    assert status_of(applicant) == A.PUBLISHED
    facts = applicant.locator(".card", has_text=number).first.inner_text()
    assert f"{ACCEPTED_ON:%Y-%m-%d}" in facts  # received and accepted
    assert f"{SUPPLEMENT_DUE:%Y-%m-%d}" in facts  # pledged materials due …
    assert f"{RESUMED_ON:%Y-%m-%d}" in facts  # … received, and decided
    decided = applicant.locator("dt", has_text="决定日期").locator("xpath=following-sibling::dd[1]")
    assert decided.inner_text().strip() == RESUMED_ON.isoformat()
    timeline = applicant.locator("#timeline li").evaluate_all("items => items.map(i => i.dataset.status)")
    assert timeline == [
        A.DRAFT,
        A.SUBMITTED,
        A.ACCEPTED,
        A.IN_REVIEW,
        A.CONSOLIDATING,
        A.GRANTED,
        A.PUBLISHED,
    ]
    materials = applicant.locator("table#materials").inner_text()
    assert "消防平面图.pdf" in materials and "健康证明.pdf" in materials
    granted_label = applicant.locator(".application-status").first.inner_text().strip()
    screenshot(applicant, "approval-15-applicant-granted")

    # 11. The public tracking page, without login, agrees.
    visitor = page_factory()
    visitor.goto(base + "/apply/track/")
    visitor.fill("[name=number]", number)
    visitor.fill("[name=query_code]", query_code)
    submit(visitor, "#track-submit")
    result = visitor.locator("#tracking-result")
    result.wait_for()
    assert visitor.locator("#tracking-status").inner_text().strip() == granted_label
    text = result.inner_text()
    assert "开办餐饮店" in text
    assert text.count(ACCEPTED_ON.isoformat()) == 2  # received and accepted
    assert RESUMED_ON.isoformat() in text  # decided
    assert "张三" not in text  # no personal data
    screenshot(visitor, "approval-16-public-tracking")

    # -- the database agrees --------------------------------------------------------------------------
    app = Application.objects.get(number=number)
    assert app.status == A.PUBLISHED
    assert app.acceptance_mode == AcceptanceMode.PLEDGE
    assert (app.received_on, app.accepted_on) == (ACCEPTED_ON, ACCEPTED_ON)
    assert (app.supplement_due, app.supplement_received_on) == (SUPPLEMENT_DUE, RESUMED_ON)
    assert app.decided_on == RESUMED_ON
    history = list(
        StatusChange.objects.filter(application=app).order_by("pk").values_list("to_status", flat=True)
    )
    assert history == [A.DRAFT, A.SUBMITTED, A.ACCEPTED, A.IN_REVIEW, A.CONSOLIDATING, A.GRANTED, A.PUBLISHED]
    tasks = {t.item.code: t for t in DepartmentTask.objects.filter(application=app).select_related("item")}
    assert {code: t.status for code, t in tasks.items()} == dict.fromkeys(
        ("FOOD", "FIRE", "SIGN"), T.APPROVED
    )
    assert tasks["FOOD"].assignee == city["reviewers"]["FOOD"]
    food_clock = Clock.objects.get(subject_id=str(tasks["FOOD"].pk), purpose="review")
    assert food_clock.paused_days == 5 and food_clock.state == "stopped"
    for code in ("FIRE", "SIGN"):
        assert Clock.objects.get(subject_id=str(tasks[code].pk), purpose="review").paused_days == 0
    assert Clock.objects.get(subject_id=str(app.pk), purpose="promised").state == "stopped"
