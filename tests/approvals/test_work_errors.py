"""A refused action on a work page shows the service's message in the user's language and
changes nothing."""

# The fixtures `city` and `today` are shared with test_application_workflow by import.
# ruff: noqa: F811

import pytest
from django.urls import reverse

from approvals.workflow import TaskStatus
from portal.clocks.models import Clock
from tests.approvals.test_application_workflow import city, in_review, tasks_of, today  # noqa: F401

T = TaskStatus


@pytest.mark.parametrize(
    "language, message",
    [("en", "A decision needs an opinion."), ("zh-hans", "作出审查决定须填写审查意见。")],
)
def test_deciding_without_an_opinion_shows_the_services_message_and_changes_nothing(
    client, today, city, language, message
):
    app = in_review(city)
    fire = tasks_of(app)["FIRE"]
    reviewer = city["reviewers"][1]
    client.force_login(reviewer)
    client.post(reverse("work:task-claim", args=[fire.pk]))
    response = client.post(
        reverse("work:task-decide", args=[fire.pk]),
        {"decision": T.APPROVED, "opinion": "   "},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and 'id="decide-form"' in body
    fire.refresh_from_db()
    assert fire.status == T.IN_REVIEW and fire.opinion == "" and fire.decided_at is None
    assert Clock.objects.get(subject_id=str(fire.pk), purpose="review").state == "running"


def test_an_extension_longer_than_the_item_allows_is_refused(client, today, city):
    app = in_review(city)
    fire = tasks_of(app)["FIRE"]
    client.force_login(city["reviewers"][1])
    client.post(reverse("work:task-claim", args=[fire.pk]))
    response = client.post(
        reverse("work:task-extension", args=[fire.pk]),
        {"days": 11, "reason": "太忙"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "An extension of this item is 1 to 10 working days." in response.content.decode()
    fire.refresh_from_db()
    assert fire.status == T.IN_REVIEW


def test_suspending_for_a_procedure_the_item_does_not_allow_is_refused(client, today, city):
    app = in_review(city)
    fire = tasks_of(app)["FIRE"]  # FIRE allows no clock-stopping procedure
    client.force_login(city["reviewers"][1])
    client.post(reverse("work:task-claim", args=[fire.pk]))
    page = client.get(reverse("work:task", args=[fire.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="suspend-form"' not in page.content.decode()
    response = client.post(
        reverse("work:task-suspend", args=[fire.pk]),
        {"procedure": "expert_review", "reason": "x", "expected_days": 5},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    fire.refresh_from_db()
    assert fire.status == T.IN_REVIEW


def test_accepting_on_pledge_without_a_due_date_is_refused(client, today, city):
    from tests.approvals.test_application_workflow import submitted

    app = submitted(city)
    client.force_login(city["clerk"])
    response = client.post(
        reverse("work:application-accept", args=[app.uuid]), {"mode": "pledge"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "Give the date by which the pledged materials must arrive." in response.content.decode()
    app.refresh_from_db()
    assert app.status == "submitted"


def test_deciding_a_task_twice_is_refused_with_a_message(client, today, city):
    app = in_review(city)
    fire = tasks_of(app)["FIRE"]
    client.force_login(city["reviewers"][1])
    client.post(reverse("work:task-claim", args=[fire.pk]))
    client.post(reverse("work:task-decide", args=[fire.pk]), {"decision": T.APPROVED, "opinion": "同意"})
    response = client.post(
        reverse("work:task-decide", args=[fire.pk]),
        {"decision": T.REJECTED, "opinion": "不同意"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert "cannot go from" in response.content.decode()
    fire.refresh_from_db()
    assert fire.status == T.APPROVED and fire.opinion == "同意"
