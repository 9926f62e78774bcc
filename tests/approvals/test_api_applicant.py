"""The applicant's side of the approvals API (/api/approvals/applications/) and the whole journey
through the API: create, submit, accept, three parallel reviews, the lead's grant.

`make_city` and the client helpers are shared with the officials' API tests.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from approvals.models import Application, FieldKind, StatusChange
from approvals.workflow import ApplicationStatus, TaskStatus
from portal.clocks import services as clocks
from tests.approvals.factories import (
    FormFieldFactory,
    ItemFactory,
    MaterialFactory,
    PackageFactory,
    PackageItemFactory,
)
from tests.factories import OrgUnitFactory, UserFactory, staff

A = ApplicationStatus
T = TaskStatus
TODAY = datetime.date(2026, 11, 2)
APPS = "/api/approvals/applications/"


def client_for(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def make_city():
    """A restaurant package of three items in three departments under the approval bureau."""
    bureau = OrgUnitFactory(code="approval-bureau", name="行政审批局")
    fire = OrgUnitFactory(code="fire", name="应急管理局")
    urban = OrgUnitFactory(code="urban", name="城市管理局")
    food = ItemFactory(
        code="FOOD",
        name="食品经营许可",
        implementing_body=bureau,
        published=True,
        promised_limit_days=5,
        extension_days=5,
        pledge_acceptance_allowed=True,
        clock_stop_procedures=["expert_review"],
    )
    fire_item = ItemFactory(
        code="FIRE",
        name="消防安全检查",
        implementing_body=fire,
        published=True,
        pledge_acceptance_allowed=True,
    )
    sign = ItemFactory(
        code="SIGN",
        name="门头招牌设置",
        implementing_body=urban,
        published=True,
        pledge_acceptance_allowed=True,
    )
    FormFieldFactory(item=food, key="shop_name", label="店名", required=True)
    package = PackageFactory(
        code="RESTAURANT", name="开办餐饮店", lead_department=bureau, total_limit_days=7, published=True
    )
    for order, item in enumerate([food, fire_item, sign]):
        PackageItemFactory(package=package, item=item, order=order, mandatory=item.code != "SIGN")
    return {
        "package": package,
        "food": food,
        "bureau": bureau,
        "fire": fire,
        "urban": urban,
        "applicant": UserFactory(username="zhang", full_name="张三"),
        "other": UserFactory(username="li", full_name="李四"),
        "clerk": staff(bureau, "window_clerk", "clerk"),
        "lead": staff(bureau, "lead_coordinator", "lead"),
        "head": staff(bureau, "head", "head"),
        "reviewers": {
            "FOOD": staff(bureau, "reviewer", "r-food"),
            "FIRE": staff(fire, "reviewer", "r-fire"),
            "SIGN": staff(urban, "reviewer", "r-sign"),
        },
    }


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(clocks, "local_today", lambda: TODAY)
    return TODAY


@pytest.fixture
def city(db, today):
    return make_city()


def ok(response, code=200):
    assert response.status_code == code, response.content
    return response.json()


def create_and_submit(city, user=None):
    client = client_for(user or city["applicant"])
    app = ok(client.post(APPS, {"package": "RESTAURANT"}, format="json"), 201)
    return ok(
        client.post(f"{APPS}{app['uuid']}/submit/", {"form_data": {"shop_name": "老张面馆"}}, format="json")
    )


# -- the journey ----------------------------------------------------------------------------------------


def test_the_whole_journey_through_the_api(city):
    applicant = client_for(city["applicant"])
    draft = ok(applicant.post(APPS, {"package": "RESTAURANT"}, format="json"), 201)
    assert draft["status"] == A.DRAFT and draft["number"] is None
    url = f"{APPS}{draft['uuid']}/"

    submitted = ok(applicant.post(f"{url}submit/", {"form_data": {"shop_name": "老张面馆"}}, format="json"))
    assert submitted["status"] == A.SUBMITTED
    assert submitted["number"] == "SP-20261102-000001"
    assert [c["purpose"] for c in submitted["clocks"]] == ["completeness"]
    assert submitted["clocks"][0]["limit_days"] == 5

    clerk = client_for(city["clerk"])
    queue = ok(clerk.get("/api/approvals/intake/"))["results"]
    assert [a["uuid"] for a in queue] == [draft["uuid"]]
    accepted = ok(
        clerk.post(f"/api/approvals/intake/{draft['uuid']}/accept/", {"mode": "normal"}, format="json")
    )
    assert accepted["status"] == A.IN_REVIEW
    assert ok(clerk.get("/api/approvals/intake/"))["results"] == []

    for code, reviewer in city["reviewers"].items():
        client = client_for(reviewer)
        inbox = ok(client.get("/api/approvals/tasks/"))["results"]
        assert [t["item"] for t in inbox] == [code]
        task = inbox[0]
        assert task["status"] == T.PENDING and task["clock"]["signal"] == "green"
        assert task["application"]["uuid"] == draft["uuid"]
        claimed = ok(client.post(f"/api/approvals/tasks/{task['id']}/claim/"))
        assert claimed["status"] == T.IN_REVIEW and claimed["assignee"] == reviewer.username
        decided = ok(
            client.post(
                f"/api/approvals/tasks/{task['id']}/decide/",
                {"decision": "approved", "opinion": "同意"},
                format="json",
            )
        )
        assert decided["status"] == T.APPROVED and decided["clock"]["state"] == "stopped"

    lead = client_for(city["lead"])
    listed = ok(lead.get("/api/approvals/lead/", {"status": A.CONSOLIDATING}))["results"]
    assert [a["uuid"] for a in listed] == [draft["uuid"]]
    assert {t["status"] for t in listed[0]["tasks"]} == {T.APPROVED}
    granted = ok(lead.post(f"/api/approvals/lead/{draft['uuid']}/decide/", {"grant": True}, format="json"))
    # Granted, and published in the same transaction (approvals.results, 行政许可法 art. 40).
    assert granted["status"] == A.PUBLISHED and granted["decided_on"] == "2026-11-02"

    final = ok(applicant.get(url))
    assert final["status"] == A.PUBLISHED
    assert [h["to_status"] for h in final["history"]] == [
        A.DRAFT,
        A.SUBMITTED,
        A.ACCEPTED,
        A.IN_REVIEW,
        A.CONSOLIDATING,
        A.GRANTED,
        A.PUBLISHED,
    ]
    assert {t["item"]: t["status"] for t in final["tasks"]} == {
        "FOOD": T.APPROVED,
        "FIRE": T.APPROVED,
        "SIGN": T.APPROVED,
    }
    assert all(t["clock"]["signal"] == "done" for t in final["tasks"])
    promised = next(c for c in final["clocks"] if c["purpose"] == "promised")
    assert promised["state"] == "stopped" and promised["limit_days"] == 7
    assert Application.objects.get(uuid=draft["uuid"]).status == A.PUBLISHED


def test_the_detail_shows_each_task_clock_with_due_date_signal_and_remaining_days(city):
    app = create_and_submit(city)
    client_for(city["clerk"]).post(f"/api/approvals/intake/{app['uuid']}/accept/", {}, format="json")
    detail = ok(client_for(city["applicant"]).get(f"{APPS}{app['uuid']}/"))
    assert len(detail["tasks"]) == 3
    for task in detail["tasks"]:
        clock = task["clock"]
        # 5 working days from Monday 2 November 2026: Monday 9 November; 5 working days left.
        assert clock["due_date"] == "2026-11-09"
        assert clock["signal"] == "green" and clock["remaining_days"] == 5
        assert "assignee" not in task  # officials' names stay internal
    assert [c["purpose"] for c in detail["clocks"]] == ["completeness", "promised"]


# -- create, submit, withdraw ---------------------------------------------------------------------------


def test_list_shows_only_own_applications_newest_first(city):
    first = create_and_submit(city)
    second = ok(client_for(city["applicant"]).post(APPS, {"package": "RESTAURANT"}, format="json"), 201)
    create_and_submit(city, user=city["other"])
    rows = ok(client_for(city["applicant"]).get(APPS))["results"]
    assert [r["uuid"] for r in rows] == [second["uuid"], first["uuid"]]
    drafts = ok(client_for(city["applicant"]).get(APPS, {"status": A.DRAFT}))["results"]
    assert [r["uuid"] for r in drafts] == [second["uuid"]]


def test_create_needs_exactly_one_published_item_or_package(city):
    client = client_for(city["applicant"])
    both = client.post(APPS, {"package": "RESTAURANT", "item": "FOOD"}, format="json")
    assert both.status_code == 400 and "non_field_errors" in both.json()
    assert client.post(APPS, {}, format="json").status_code == 400
    ItemFactory(code="HIDDEN", published=False)
    hidden = client.post(APPS, {"item": "HIDDEN"}, format="json")
    assert hidden.status_code == 400 and "item" in hidden.json()
    item = ok(client.post(APPS, {"item": "FOOD"}, format="json"), 201)
    assert item["item"] == "FOOD" and item["lead_department"] == "approval-bureau"


def test_submit_with_an_empty_required_field_is_a_400_on_form_data(city):
    client = client_for(city["applicant"])
    app = ok(client.post(APPS, {"package": "RESTAURANT"}, format="json"), 201)
    response = client.post(f"{APPS}{app['uuid']}/submit/", {"form_data": {"shop_name": ""}}, format="json")
    assert response.status_code == 400
    assert "shop_name" in response.json()["form_data"][0]
    assert Application.objects.get(uuid=app["uuid"]).status == A.DRAFT


def test_submitting_twice_is_a_409(city):
    app = create_and_submit(city)
    response = client_for(city["applicant"]).post(f"{APPS}{app['uuid']}/submit/", {}, format="json")
    assert response.status_code == 409
    assert "detail" in response.json()


def test_withdraw_records_the_reason(city):
    app = create_and_submit(city)
    withdrawn = ok(
        client_for(city["applicant"]).post(
            f"{APPS}{app['uuid']}/withdraw/", {"reason": "不开了"}, format="json"
        )
    )
    assert withdrawn["status"] == A.WITHDRAWN
    assert withdrawn["history"][-1]["reason"] == "不开了"
    again = client_for(city["applicant"]).post(f"{APPS}{app['uuid']}/withdraw/", {}, format="json")
    assert again.status_code == 409


def test_patch_saves_the_draft_form_and_checks_formats(city):
    FormFieldFactory(item=city["food"], key="phone", label="电话", kind=FieldKind.PHONE, required=False)
    client = client_for(city["applicant"])
    app = ok(client.post(APPS, {"package": "RESTAURANT"}, format="json"), 201)
    url = f"{APPS}{app['uuid']}/"
    saved = ok(client.patch(url, {"form_data": {"shop_name": "老张面馆"}}, format="json"))
    assert saved["status"] == A.DRAFT and saved["form_data"]["shop_name"] == "老张面馆"
    bad = client.patch(url, {"form_data": {"shop_name": "老张面馆", "phone": "not a phone"}}, format="json")
    assert bad.status_code == 400 and list(bad.json()["form_data"]) == ["phone"]
    assert client.patch(url, {}, format="json").status_code == 400
    assert client.put(url, {"form_data": {}}, format="json").status_code == 405
    # The saved form is what a submit without form_data submits.
    assert ok(client.post(f"{url}submit/", {}, format="json"))["status"] == A.SUBMITTED
    assert client.patch(url, {"form_data": {"shop_name": "新名"}}, format="json").status_code == 409
    assert Application.objects.get(uuid=app["uuid"]).form_data["shop_name"] == "老张面馆"


def test_submit_checks_the_required_materials_like_the_pages(city):
    MaterialFactory(item=city["food"], name="营业执照", required=True)
    client = client_for(city["applicant"])
    app = ok(client.post(APPS, {"package": "RESTAURANT"}, format="json"), 201)
    response = client.post(
        f"{APPS}{app['uuid']}/submit/", {"form_data": {"shop_name": "老张面馆"}}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["materials"]
    # All or nothing: the form given with the refused submit was not saved either.
    stored = Application.objects.get(uuid=app["uuid"])
    assert stored.status == A.DRAFT and stored.form_data == {}


# -- scoping --------------------------------------------------------------------------------------------


def test_another_applicants_application_is_404_for_every_route(city):
    app = create_and_submit(city)
    other = client_for(city["other"])
    url = f"{APPS}{app['uuid']}/"
    assert other.get(url).status_code == 404
    assert other.post(f"{url}submit/", {}, format="json").status_code == 404
    assert other.post(f"{url}withdraw/", {"reason": "x"}, format="json").status_code == 404
    assert other.patch(url, {"form_data": {"shop_name": "x"}}, format="json").status_code == 404
    assert ok(other.get(APPS))["results"] == []
    assert Application.objects.get(uuid=app["uuid"]).status == A.SUBMITTED


def test_an_official_sees_no_applications_as_applicant_and_anonymous_is_refused(city):
    create_and_submit(city)
    assert ok(client_for(city["clerk"]).get(APPS))["results"] == []
    assert APIClient().get(APPS).status_code == 403


def test_a_non_uuid_key_is_404(city):
    app = create_and_submit(city)
    pk = Application.objects.get(uuid=app["uuid"]).pk
    assert client_for(city["applicant"]).get(f"{APPS}{pk}/").status_code == 404


# -- queries --------------------------------------------------------------------------------------------


def _bulk_applications(city, n):
    apps = Application.objects.bulk_create(
        Application(applicant=city["applicant"], package=city["package"], lead_department=city["bureau"])
        for _ in range(n)
    )
    StatusChange.objects.bulk_create(StatusChange(application=a, to_status=A.DRAFT) for a in apps)


def test_the_applicant_list_costs_the_same_queries_for_10_and_500(city):
    client = client_for(city["applicant"])
    _bulk_applications(city, 10)
    client.get(APPS)  # warm up the session and the caches
    with CaptureQueriesContext(connection) as ten:
        assert len(ok(client.get(APPS, {"limit": 1000}))["results"]) == 10
    _bulk_applications(city, 490)
    with CaptureQueriesContext(connection) as five_hundred:
        assert len(ok(client.get(APPS, {"limit": 1000}))["results"]) == 500
    assert len(ten) == len(five_hundred)
