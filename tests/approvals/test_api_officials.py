"""The officials' side of the approvals API: the reviewers' inbox and its actions, intake by the
window clerk, the lead's view and decision; scoping (404), roles (403), input (400) and state (409)
errors; constant query counts; the OpenAPI schema."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from approvals.models import Application, DepartmentTask
from approvals.receivers import copy_review_clocks
from approvals.workflow import ApplicationStatus, TaskStatus
from portal.clocks.models import Clock, ClockEvent
from tests.approvals.test_api_applicant import TODAY, client_for, create_and_submit, make_city, ok
from tests.factories import staff

A = ApplicationStatus
T = TaskStatus
TASKS = "/api/approvals/tasks/"


@pytest.fixture
def city(db, monkeypatch):
    from portal.clocks import services as clocks

    monkeypatch.setattr(clocks, "local_today", lambda: TODAY)
    return make_city()


def accepted(city, **body):
    app = create_and_submit(city)
    ok(client_for(city["clerk"]).post(f"/api/approvals/intake/{app['uuid']}/accept/", body, format="json"))
    return app


def task_id(app, code):
    return DepartmentTask.objects.get(application__uuid=app["uuid"], item__code=code).pk


def claimed(city, app, code="FOOD"):
    pk = task_id(app, code)
    ok(client_for(city["reviewers"][code]).post(f"{TASKS}{pk}/claim/"))
    return pk


# -- scoping --------------------------------------------------------------------------------------------


def test_a_reviewer_sees_only_the_tasks_of_their_department(city):
    app = accepted(city)
    fire = client_for(city["reviewers"]["FIRE"])
    assert [t["item"] for t in ok(fire.get(TASKS))["results"]] == ["FIRE"]
    food_task = task_id(app, "FOOD")
    assert fire.get(f"{TASKS}{food_task}/").status_code == 404
    assert fire.post(f"{TASKS}{food_task}/claim/").status_code == 404
    decide = fire.post(f"{TASKS}{food_task}/decide/", {"decision": "approved", "opinion": "x"}, format="json")
    assert decide.status_code == 404
    assert DepartmentTask.objects.get(pk=food_task).status == T.PENDING


def test_the_applicant_and_other_officials_have_an_empty_inbox(city):
    app = accepted(city)
    for user in (city["applicant"], city["clerk"], city["lead"]):
        client = client_for(user)
        assert ok(client.get(TASKS))["results"] == []
        assert client.get(f"{TASKS}{task_id(app, 'FOOD')}/").status_code == 404


def test_intake_and_lead_are_scoped_to_the_users_roles_in_the_lead_department(city):
    app = create_and_submit(city)
    outsider = staff(city["fire"], "window_clerk", "fire-clerk")
    client = client_for(outsider)
    assert ok(client.get("/api/approvals/intake/"))["results"] == []
    assert client.post(f"/api/approvals/intake/{app['uuid']}/accept/", {}, format="json").status_code == 404
    # A reviewer of the lead department is no clerk: 404 in intake, and no lead either.
    reviewer = client_for(city["reviewers"]["FOOD"])
    assert reviewer.post(f"/api/approvals/intake/{app['uuid']}/accept/", {}, format="json").status_code == 404
    assert reviewer.get(f"/api/approvals/lead/{app['uuid']}/").status_code == 404
    assert Application.objects.get(uuid=app["uuid"]).status == A.SUBMITTED


def test_drafts_are_invisible_to_the_clerk_and_the_lead(city):
    draft = ok(
        client_for(city["applicant"]).post(
            "/api/approvals/applications/", {"package": "RESTAURANT"}, format="json"
        ),
        201,
    )
    assert client_for(city["clerk"]).get(f"/api/approvals/intake/{draft['uuid']}/").status_code == 404
    assert ok(client_for(city["lead"]).get("/api/approvals/lead/"))["results"] == []


# -- the reviewer's actions -----------------------------------------------------------------------------


def test_suspend_pauses_the_clock_and_resume_restarts_it(city):
    app = accepted(city)
    pk = claimed(city, app)
    client = client_for(city["reviewers"]["FOOD"])
    suspended = ok(
        client.post(
            f"{TASKS}{pk}/suspend/",
            {"procedure": "expert_review", "reason": "专家评审", "expected_days": 5},
            format="json",
        )
    )
    assert suspended["status"] == T.SUSPENDED
    assert suspended["clock"]["signal"] == "paused" and suspended["clock"]["state"] == "paused"
    paused = ok(client.get(TASKS, {"signal": "paused"}))["results"]
    assert [t["id"] for t in paused] == [pk]
    resumed = ok(client.post(f"{TASKS}{pk}/resume/"))
    assert resumed["status"] == T.IN_REVIEW and resumed["clock"]["state"] == "running"


def test_suspend_for_a_procedure_the_item_does_not_allow_is_a_400_on_procedure(city):
    app = accepted(city)
    pk = claimed(city, app)
    response = client_for(city["reviewers"]["FOOD"]).post(
        f"{TASKS}{pk}/suspend/", {"procedure": "hearing", "reason": "听证"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["procedure"]
    assert DepartmentTask.objects.get(pk=pk).status == T.IN_REVIEW


def test_an_extension_is_decided_by_the_head_not_by_a_reviewer(city):
    app = accepted(city)
    pk = claimed(city, app)
    reviewer = client_for(city["reviewers"]["FOOD"])
    requested = ok(
        reviewer.post(f"{TASKS}{pk}/request-extension/", {"days": 3, "reason": "情况复杂"}, format="json")
    )
    assert requested["status"] == T.EXTENSION_PENDING
    refused = reviewer.post(f"{TASKS}{pk}/decide-extension/", {"approve": True, "days": 3}, format="json")
    assert refused.status_code == 403
    assert DepartmentTask.objects.get(pk=pk).status == T.EXTENSION_PENDING

    head = client_for(city["head"])
    assert [t["id"] for t in ok(head.get(TASKS, {"status": T.EXTENSION_PENDING}))["results"]] == [pk]
    decided = ok(
        head.post(
            f"{TASKS}{pk}/decide-extension/", {"approve": True, "days": 3, "reason": "同意"}, format="json"
        )
    )
    assert decided["status"] == T.IN_REVIEW
    assert decided["clock"]["extension_days"] == 3
    assert decided["clock"]["due_date"] == "2026-11-12"  # 5 + 3 working days from 2 November


def test_approving_an_extension_needs_the_days(city):
    app = accepted(city)
    pk = claimed(city, app)
    client_for(city["reviewers"]["FOOD"]).post(
        f"{TASKS}{pk}/request-extension/", {"days": 3, "reason": "情况复杂"}, format="json"
    )
    response = client_for(city["head"]).post(
        f"{TASKS}{pk}/decide-extension/", {"approve": True}, format="json"
    )
    assert response.status_code == 400 and "days" in response.json()


def test_decide_without_an_opinion_is_a_400_keyed_by_field(city):
    app = accepted(city)
    pk = claimed(city, app)
    client = client_for(city["reviewers"]["FOOD"])
    response = client.post(f"{TASKS}{pk}/decide/", {"decision": "approved"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["opinion"]
    blank = client.post(f"{TASKS}{pk}/decide/", {"decision": "approved", "opinion": "  "}, format="json")
    assert blank.status_code == 400 and "opinion" in blank.json()
    conditions = client.post(
        f"{TASKS}{pk}/decide/", {"decision": "approved_conditions", "opinion": "同意"}, format="json"
    )
    assert conditions.status_code == 400 and list(conditions.json()) == ["conditions"]
    unknown = client.post(f"{TASKS}{pk}/decide/", {"decision": "cancelled", "opinion": "x"}, format="json")
    assert unknown.status_code == 400 and "decision" in unknown.json()
    assert DepartmentTask.objects.get(pk=pk).status == T.IN_REVIEW


def test_claiming_a_decided_task_is_a_409(city):
    app = accepted(city)
    pk = claimed(city, app)
    client = client_for(city["reviewers"]["FOOD"])
    ok(client.post(f"{TASKS}{pk}/decide/", {"decision": "rejected", "opinion": "不符合条件"}, format="json"))
    response = client.post(f"{TASKS}{pk}/claim/")
    assert response.status_code == 409
    assert "detail" in response.json()
    assert DepartmentTask.objects.get(pk=pk).status == T.REJECTED


def test_another_reviewers_claimed_task_cannot_be_decided_by_a_colleague(city):
    app = accepted(city)
    pk = claimed(city, app)
    colleague = client_for(staff(city["bureau"], "reviewer", "r-food-2"))
    response = colleague.post(
        f"{TASKS}{pk}/decide/", {"decision": "approved", "opinion": "同意"}, format="json"
    )
    assert response.status_code == 403


# -- intake and lead ------------------------------------------------------------------------------------


def test_a_correction_notice_then_not_accepted(city):
    app = create_and_submit(city)
    clerk = client_for(city["clerk"])
    url = f"/api/approvals/intake/{app['uuid']}/"
    assert clerk.post(f"{url}request-correction/", {"missing": []}, format="json").status_code == 400
    corrected = ok(
        clerk.post(f"{url}request-correction/", {"missing": ["营业执照", "平面图"]}, format="json")
    )
    assert corrected["status"] == A.CORRECTION_REQUESTED
    assert corrected["history"][-1]["reason"] == "营业执照\n平面图"
    assert [a["uuid"] for a in ok(clerk.get("/api/approvals/intake/"))["results"]] == [app["uuid"]]
    # Only a submitted application can be (not) accepted: the corrected one must be resubmitted.
    assert clerk.post(f"{url}not-accept/", {"reasons": "不符合"}, format="json").status_code == 409
    client_for(city["applicant"]).post(
        f"/api/approvals/applications/{app['uuid']}/submit/", {}, format="json"
    )
    assert clerk.post(f"{url}not-accept/", {"reasons": ""}, format="json").status_code == 400
    refused = ok(clerk.post(f"{url}not-accept/", {"reasons": "不属于本机关职权范围"}, format="json"))
    assert refused["status"] == A.NOT_ACCEPTED


def test_acceptance_on_pledge_needs_a_supplement_date(city):
    app = create_and_submit(city)
    url = f"/api/approvals/intake/{app['uuid']}/accept/"
    clerk = client_for(city["clerk"])
    missing = clerk.post(url, {"mode": "pledge"}, format="json")
    assert missing.status_code == 400 and list(missing.json()) == ["supplement_due"]
    body = ok(clerk.post(url, {"mode": "pledge", "supplement_due": "2026-11-06"}, format="json"))
    assert body["acceptance_mode"] == "pledge" and body["supplement_due"] == "2026-11-06"


def test_the_lead_cannot_decide_before_every_department_has_and_others_cannot_at_all(city):
    app = accepted(city)
    url = f"/api/approvals/lead/{app['uuid']}/decide/"
    assert client_for(city["lead"]).post(url, {"grant": True}, format="json").status_code == 409
    assert client_for(city["clerk"]).post(url, {"grant": True}, format="json").status_code == 404
    # Seen by the lead: every task of the package, whatever department reviews it.
    detail = ok(client_for(city["lead"]).get(f"/api/approvals/lead/{app['uuid']}/"))
    assert sorted(t["department"] for t in detail["tasks"]) == ["approval-bureau", "fire", "urban"]


def test_a_refusal_needs_reasons(city):
    app = accepted(city)
    for code, reviewer in city["reviewers"].items():
        pk = claimed(city, app, code)
        client_for(reviewer).post(
            f"{TASKS}{pk}/decide/", {"decision": "approved", "opinion": "同意"}, format="json"
        )
    lead = client_for(city["lead"])
    url = f"/api/approvals/lead/{app['uuid']}/decide/"
    response = lead.post(url, {"grant": False}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["reasons"]
    assert lead.post(url, {}, format="json").status_code == 400
    refused = ok(lead.post(url, {"grant": False, "reasons": "不符合规划；可申请行政复议。"}, format="json"))
    assert refused["status"] == A.REFUSED


# -- query counts ---------------------------------------------------------------------------------------


def _bulk_tasks(city, n, start):
    """n accepted applications with one FOOD task each and its running review clock."""
    apps = Application.objects.bulk_create(
        Application(
            applicant=city["applicant"],
            package=city["package"],
            lead_department=city["bureau"],
            status=A.IN_REVIEW,
            number=f"SP-BULK-{start + i:06d}",
        )
        for i in range(n)
    )
    tasks = DepartmentTask.objects.bulk_create(
        DepartmentTask(application=a, item=city["food"], department=city["bureau"]) for a in apps
    )
    task_type = ContentType.objects.get_for_model(DepartmentTask)
    signals = ["green", "yellow", "red"]
    created = Clock.objects.bulk_create(
        Clock(
            subject_type=task_type,
            subject_id=str(t.pk),
            purpose="review",
            label=f"task {t.pk}",
            limit_days=5,
            started_on=TODAY,
            due_date=TODAY + datetime.timedelta(days=(start + i) % 40),
            signal=signals[i % 3],
            signal_since=TODAY,
        )
        for i, t in enumerate(tasks)
    )
    ClockEvent.objects.bulk_create(ClockEvent(clock=c, kind="start", on=TODAY) for c in created)
    copy_review_clocks(created)


def test_the_inbox_costs_the_same_queries_for_10_and_500_tasks(city):
    client = client_for(city["reviewers"]["FOOD"])
    _bulk_tasks(city, 10, 0)
    client.get(TASKS)  # warm up the session, content types and the calendar cache
    with CaptureQueriesContext(connection) as ten:
        rows = ok(client.get(TASKS, {"limit": 1000}))["results"]
    assert len(rows) == 10
    _bulk_tasks(city, 490, 10)
    with CaptureQueriesContext(connection) as five_hundred:
        rows = ok(client.get(TASKS, {"limit": 1000}))["results"]
    assert len(rows) == 500
    assert len(ten) == len(five_hundred)
    dues = [r["clock"]["due_date"] for r in rows]
    assert dues == sorted(dues)  # by due date, soonest first
    with CaptureQueriesContext(connection) as filtered:
        red = ok(client.get(TASKS, {"limit": 1000, "signal": "red"}))["results"]
    assert len(filtered) == len(ten)
    assert red and {r["clock"]["signal"] for r in red} == {"red"}
    latest_first = ok(client.get(TASKS, {"ordering": "-due_date", "limit": 5}))["results"]
    assert latest_first[0]["clock"]["due_date"] == max(dues)


def test_the_lead_list_costs_the_same_queries_for_10_and_100_applications(city):
    client = client_for(city["lead"])
    _bulk_tasks(city, 10, 0)
    client.get("/api/approvals/lead/")
    with CaptureQueriesContext(connection) as ten:
        assert len(ok(client.get("/api/approvals/lead/", {"limit": 1000}))["results"]) == 10
    _bulk_tasks(city, 90, 10)
    with CaptureQueriesContext(connection) as hundred:
        rows = ok(client.get("/api/approvals/lead/", {"limit": 1000}))["results"]
    assert len(rows) == 100 and all(r["tasks"][0]["clock"] for r in rows)
    assert len(ten) == len(hundred)


# -- the schema -----------------------------------------------------------------------------------------


def test_the_approvals_schema_generates_without_warnings_and_validates():
    GENERATOR_STATS.reset()
    patterns = [path("api/approvals/", include("approvals.api.urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "drf-spectacular warned about the approvals API"
    validate_schema(schema)
    paths = schema["paths"]
    for route in (
        "/api/approvals/applications/{uuid}/submit/",
        "/api/approvals/tasks/{id}/decide-extension/",
        "/api/approvals/intake/{uuid}/request-correction/",
        "/api/approvals/lead/{uuid}/decide/",
    ):
        operation = paths[route]["post"]
        assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
    decide = paths["/api/approvals/tasks/{id}/decide/"]["post"]
    assert decide["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "TaskDecideInputRequest"
    )


def test_the_project_schema_still_serves_the_approvals_endpoints(city):
    response = client_for(city["clerk"]).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert "/api/approvals/tasks/{id}/claim/" in response.json()["paths"]
