"""Who may open which work page: the right role gets it, another role gets 403 for a queue it has
no part in, and an object of another department is not found (404); an action the user may not
perform is refused with the service's message (403) and changes nothing."""

# The fixtures `city` and `today` are shared with test_application_workflow by import.
# ruff: noqa: F811

import pytest
from django.urls import reverse

from approvals.workflow import ApplicationStatus, TaskStatus
from tests.approvals.test_application_workflow import (  # noqa: F401
    city,
    in_review,
    staff,
    submitted,
    tasks_of,
    today,
)
from tests.factories import OrgUnitFactory, UserFactory

A = ApplicationStatus
T = TaskStatus


@pytest.fixture
def other(city):
    """A second city department with every role, which has nothing to do with the package."""
    unit = OrgUnitFactory(code="other", name="其他局")
    return {
        role: staff(unit, role, f"other-{role}")
        for role in ("window_clerk", "reviewer", "head", "lead_coordinator")
    }


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_anonymous_users_are_sent_to_log_in(client, city):
    response = client.get(reverse("work:inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize(
    "name, role",
    [
        ("work:intake", "clerk"),
        ("work:inbox", "reviewer"),
        ("work:extensions", "head"),
        ("work:lead", "lead"),
    ],
)
def test_each_queue_opens_for_its_role_and_not_for_others(client, city, name, role):
    user = city["reviewers"][0] if role == "reviewer" else city[role]
    assert get(client, user, reverse(name)).status_code == 200
    assert get(client, city["applicant"], reverse(name)).status_code == 403
    wrong = city["clerk"] if role != "clerk" else city["head"]
    assert get(client, wrong, reverse(name)).status_code == 403


def test_landing_counts_only_the_queues_of_the_users_roles(client, today, city):
    submitted(city)
    body = get(client, city["clerk"], reverse("work:home")).content.decode()
    assert 'id="card-intake"' in body and 'id="card-inbox"' not in body
    assert '<div class="display-6 work-count">1</div>' in body
    body = get(client, city["reviewers"][1], reverse("work:home")).content.decode()
    assert 'id="card-inbox"' in body and 'id="card-intake"' not in body
    body = get(client, city["applicant"], reverse("work:home")).content.decode()
    assert "work-card" not in body


def test_queues_show_only_the_users_departments(client, today, city, other):
    app = in_review(city)
    pending = submitted(city)
    for role in other:
        for name in ("work:intake", "work:inbox", "work:extensions", "work:lead"):
            response = get(client, other[role], reverse(name))
            if response.status_code == 200:
                body = response.content.decode()
                assert app.number not in body and pending.number not in body


def test_application_page_by_role_and_department(client, today, city, other):
    app = in_review(city)
    url = reverse("work:application", args=[app.uuid])
    for user in (city["clerk"], city["lead"], city["head"], *city["reviewers"]):
        assert get(client, user, url).status_code == 200
    for user in (*other.values(), UserFactory(username="li")):
        assert get(client, user, url).status_code == 404


def test_reviewer_sees_only_his_departments_tasks_on_the_application(client, today, city):
    app = in_review(city)
    body = get(client, city["reviewers"][1], reverse("work:application", args=[app.uuid])).content.decode()
    assert "消防安全检查" in body and "lead-task" not in body and 'id="accept-form"' not in body


def test_task_page_by_role_and_department(client, today, city, other):
    app = in_review(city)
    tasks = tasks_of(app)
    fire = tasks["FIRE"]
    url = reverse("work:task", args=[fire.pk])
    assert get(client, city["reviewers"][1], url).status_code == 200  # fire's reviewer
    assert get(client, city["lead"], url).status_code == 200  # the lead sees all tasks of its packages
    assert get(client, city["reviewers"][0], url).status_code == 404  # another department's reviewer
    assert get(client, city["clerk"], url).status_code == 404
    for user in other.values():
        assert get(client, user, url).status_code == 404
    assert get(client, city["reviewers"][1], reverse("work:task", args=[999999])).status_code == 404


def test_other_department_cannot_act_on_a_task_404(client, today, city, other):
    app = in_review(city)
    fire = tasks_of(app)["FIRE"]
    client.force_login(city["reviewers"][0])
    for name in ("work:task-claim", "work:task-resume", "work:task-decide", "work:task-extension-decide"):
        assert (
            client.post(reverse(name, args=[fire.pk]), {"decision": T.APPROVED, "opinion": "x"}).status_code
            == 404
        )
    fire.refresh_from_db()
    assert fire.status == T.PENDING


def test_action_outside_ones_role_is_refused_with_the_services_message(client, today, city):
    app = in_review(city)
    food = tasks_of(app)["FOOD"]
    # The lead may open the task, but only the department's reviewers may claim it.
    client.force_login(city["lead"])
    response = client.post(reverse("work:task-claim", args=[food.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "Only a reviewer of this department may do this." in response.content.decode()
    food.refresh_from_db()
    assert food.status == T.PENDING and food.assignee is None


def test_reviewer_may_see_but_not_accept_an_application(client, today, city):
    app = submitted(city)
    client.force_login(city["reviewers"][0])  # a reviewer of the lead department
    assert client.get(reverse("work:application", args=[app.uuid])).status_code == 404
    client.force_login(city["lead"])
    response = client.post(
        reverse("work:application-accept", args=[app.uuid]), {"mode": "normal"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert "Only a window clerk of the lead department may do this." in response.content.decode()
    app.refresh_from_db()
    assert app.status == A.SUBMITTED


def test_get_on_an_action_is_not_allowed(client, today, city):
    app = submitted(city)
    client.force_login(city["clerk"])
    assert client.get(reverse("work:application-accept", args=[app.uuid])).status_code == 405
