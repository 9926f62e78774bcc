"""The officials' side, page by page with the test client: the clerk accepts on pledge, three
reviewers decide (one after a suspension, one after an extension the head approves), the clerk
records the pledged materials and the lead grants."""

# The fixtures `city` and `today` are shared with test_application_workflow by import.
# ruff: noqa: F811

import datetime

from django.urls import reverse

from approvals.models import AcceptanceMode, Application, DepartmentTask
from approvals.workflow import ApplicationStatus, TaskStatus
from portal.clocks.models import Clock, ClockEvent
from tests.approvals.test_application_workflow import city, staff, submitted, tasks_of, today  # noqa: F401

A = ApplicationStatus
T = TaskStatus


def as_user(client, user):
    client.force_login(user)
    return client


def reviewer_of(city, code):
    return dict(zip(("FOOD", "FIRE", "SIGN"), city["reviewers"], strict=True))[code]


def test_full_journey_through_the_pages(client, today, city):
    app = submitted(city)
    app_url = reverse("work:application", args=[app.uuid])

    # The clerk sees it in the intake queue and accepts it on pledge (容缺).
    as_user(client, city["clerk"])
    page = client.get(reverse("work:intake"))
    assert page.status_code == 200 and app.number in page.content.decode()
    page = client.get(app_url)
    assert page.status_code == 200 and "老张面馆" in page.content.decode()
    response = client.post(
        reverse("work:application-accept", args=[app.uuid]),
        {"mode": AcceptanceMode.PLEDGE, "supplement_due": "2026-11-06"},
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == A.IN_REVIEW and app.acceptance_mode == AcceptanceMode.PLEDGE
    assert app.supplement_due == datetime.date(2026, 11, 6)
    tasks = tasks_of(app)

    # The food reviewer claims, then suspends for a 5-day expert review.
    food = tasks["FOOD"]
    as_user(client, reviewer_of(city, "FOOD"))
    assert app.number in client.get(reverse("work:inbox")).content.decode()
    assert client.post(reverse("work:task-claim", args=[food.pk])).status_code == 302
    response = client.post(
        reverse("work:task-suspend", args=[food.pk]),
        {"procedure": "expert_review", "reason": "专家评审", "expected_days": 5},
    )
    assert response.status_code == 302
    food.refresh_from_db()
    assert food.status == T.SUSPENDED
    clock = Clock.objects.get(subject_id=str(food.pk), purpose="review")
    assert clock.state == "paused"

    # Fire asks for an extension; fire's head approves it (the city's head is the bureau's).
    fire_head = staff(city["fire"], "head", "fire-head")
    fire = tasks["FIRE"]
    as_user(client, reviewer_of(city, "FIRE"))
    client.post(reverse("work:task-claim", args=[fire.pk]))
    response = client.post(reverse("work:task-extension", args=[fire.pk]), {"days": 3, "reason": "现场复核"})
    assert response.status_code == 302
    fire.refresh_from_db()
    assert fire.status == T.EXTENSION_PENDING

    as_user(client, fire_head)
    page = client.get(reverse("work:extensions"))
    assert page.status_code == 200
    assert 'class="requested-days">3<' in page.content.decode()
    response = client.post(
        reverse("work:task-extension-decide", args=[fire.pk]),
        {"approve": "1", "days": 3, "reason": "同意延期", "next": "extensions"},
    )
    assert response.status_code == 302 and response.url == reverse("work:extensions")
    fire.refresh_from_db()
    assert fire.status == T.IN_REVIEW
    fire_clock = Clock.objects.get(subject_id=str(fire.pk), purpose="review")
    assert fire_clock.extension_days == 3
    assert ClockEvent.objects.filter(clock=fire_clock, kind="extend", approved_by=fire_head).exists()

    as_user(client, reviewer_of(city, "FIRE"))
    response = client.post(
        reverse("work:task-decide", args=[fire.pk]), {"decision": T.APPROVED, "opinion": "符合消防要求"}
    )
    assert response.status_code == 302

    # Signs approves with conditions.
    sign = tasks["SIGN"]
    as_user(client, reviewer_of(city, "SIGN"))
    client.post(reverse("work:task-claim", args=[sign.pk]))
    response = client.post(
        reverse("work:task-decide", args=[sign.pk]),
        {"decision": T.APPROVED_WITH_CONDITIONS, "opinion": "同意", "conditions": "招牌不超过3米"},
    )
    assert response.status_code == 302

    # Food resumes a week later and approves: the application goes to consolidation.
    today(datetime.date(2026, 11, 9))
    as_user(client, reviewer_of(city, "FOOD"))
    assert client.post(reverse("work:task-resume", args=[food.pk])).status_code == 302
    response = client.post(
        reverse("work:task-decide", args=[food.pk]), {"decision": T.APPROVED, "opinion": "同意"}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == A.CONSOLIDATING
    clock.refresh_from_db()
    assert clock.paused_days == 5 and clock.state == "stopped"

    # The lead sees every task side by side and grants; the pledged materials are still missing.
    as_user(client, city["lead"])
    page = client.get(reverse("work:lead"))
    assert app.number in page.content.decode()
    page = client.get(app_url)
    body = page.content.decode()
    assert body.count('class="lead-task"') == 3 and "gantt-bar" in body and "gantt-today" in body
    assert 'id="consolidate-form"' in body
    response = client.post(reverse("work:application-decide", args=[app.uuid]), {"grant": "1", "reasons": ""})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == A.AWAITING_SUPPLEMENT

    # The clerk records the pledged materials: the application is granted.
    as_user(client, city["clerk"])
    response = client.post(reverse("work:application-supplement", args=[app.uuid]))
    assert response.status_code == 302
    app.refresh_from_db()
    # Granted, and published in the same transaction (approvals.results).
    assert app.status == A.PUBLISHED and app.decided_on == datetime.date(2026, 11, 9)
    assert not DepartmentTask.objects.filter(application=app).exclude(
        status__in=[T.APPROVED, T.APPROVED_WITH_CONDITIONS]
    )


def test_clerk_requests_correction_once_with_one_line_per_item(client, today, city):
    app = submitted(city)
    as_user(client, city["clerk"])
    response = client.post(
        reverse("work:application-correction", args=[app.uuid]),
        {"missing": "营业执照复印件不清晰\n\n  店名与执照不一致  \n"},
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == A.CORRECTION_REQUESTED
    change = app.status_changes.get(to_status=A.CORRECTION_REQUESTED)
    assert change.reason == "营业执照复印件不清晰\n店名与执照不一致"
    # It stays in the queue, waiting for the applicant, without the form to ask again.
    assert app.number in client.get(reverse("work:intake")).content.decode()
    assert (
        'id="correction-form"'
        not in client.get(reverse("work:application", args=[app.uuid])).content.decode()
    )


def test_clerk_does_not_accept_with_reasons(client, today, city):
    app = submitted(city)
    as_user(client, city["clerk"])
    response = client.post(
        reverse("work:application-not-accept", args=[app.uuid]), {"reasons": "不属于本机关职权"}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == A.NOT_ACCEPTED and app.reasons == "不属于本机关职权"
    assert app.number not in client.get(reverse("work:intake")).content.decode()


def test_lead_refuses_with_reasons(client, today, city):
    from tests.approvals.test_application_workflow import approve_all, in_review

    app = in_review(city)
    approve_all(city, app)
    as_user(client, city["lead"])
    response = client.post(
        reverse("work:application-decide", args=[app.uuid]),
        {"grant": "0", "reasons": "选址不符合规划；可依法申请行政复议或提起行政诉讼"},
    )
    assert response.status_code == 302
    assert Application.objects.get(pk=app.pk).status == A.REFUSED
