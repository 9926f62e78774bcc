"""Who sees what: the supervisor of the government sees its cases and may open the official case
page; a supervisor of another government and a reviewer see nothing (404 on objects, 403 on pages);
an anonymous visitor is sent to log in."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from approvals.models import DepartmentTask
from approvals.supervision import services
from approvals.supervision.models import SupervisionNotice
from portal.clocks.models import Clock
from tests.factories import PASSWORD

from .conftest import accepted, task_of


@pytest.fixture
def red_case(city, today):
    app = accepted(city)
    today(datetime.date(2026, 11, 10))
    notice = services.notice_issue(actor=city["supervisor"], application=app, task=task_of(app, "FIRE"))
    return app, notice


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions read English messages
    return client


def test_the_supervisor_sees_the_dashboard_and_the_case(client, city, red_case):
    app, notice = red_case
    login(client, city["supervisor"])
    page = client.get("/supervision/")
    assert page.status_code == 200
    counts = page.context["board"].counts
    assert (counts["red"], counts["yellow"]) == (2, 1)  # two tasks overdue; the package is due 11 Nov
    assert app.number in page.content.decode()
    case = client.get(f"/work/applications/{app.uuid}/")
    assert case.status_code == 200
    assert notice.number in case.content.decode()
    assert client.get(f"/supervision/notices/{notice.pk}/").status_code == 200


def test_a_reviewer_gets_403_on_supervision_pages(client, city, red_case):
    app, notice = red_case
    login(client, city["bureau_reviewer"])
    assert client.get("/supervision/").status_code == 403
    assert client.get("/supervision/stats/").status_code == 403
    assert client.get("/supervision/stats.xlsx").status_code == 403
    food = task_of(app, "FOOD")
    assert client.get(f"/supervision/issue/?application={app.uuid}&task={food.pk}").status_code == 403
    clock = Clock.objects.get(
        subject_type=ContentType.objects.get_for_model(DepartmentTask),
        subject_id=str(food.pk),
        purpose="review",
    )
    assert client.get(f"/supervision/clocks/{clock.pk}/").status_code == 403
    # The notice went to the fire department: the approval bureau's reviewer does not see it.
    assert client.get(f"/supervision/notices/{notice.pk}/").status_code == 404
    assert client.get("/supervision/notices/").context["page"].paginator.count == 0


def test_the_addressed_department_sees_its_notice(client, city, red_case):
    _app, notice = red_case
    login(client, city["fire_reviewer"])
    assert client.get(f"/supervision/notices/{notice.pk}/").status_code == 200
    listing = client.get("/supervision/notices/")
    assert listing.context["page"].paginator.count == 1
    assert listing.context["page"].object_list[0].answerable
    assert "answer-notice" in listing.content.decode()


def test_another_governments_supervisor_gets_404_on_objects(client, city, red_case):
    app, _notice = red_case
    login(client, city["other_supervisor"])
    response = client.get(f"/supervision/issue/?application={app.uuid}")
    # The other supervisor supervises a government, so the page is theirs; the case is not: 404.
    assert response.status_code == 404
    clock = Clock.objects.get(subject_id=str(app.pk), purpose="promised")
    assert client.get(f"/supervision/clocks/{clock.pk}/").status_code == 404
    assert client.get("/supervision/").context["board"].total == 0
    assert client.get(f"/work/applications/{app.uuid}/").status_code == 404
    assert client.get(f"/supervision/notices/{_notice.pk}/").status_code == 404
    assert client.get("/supervision/notices/").context["page"].paginator.count == 0
    assert client.get("/supervision/stats/?month=2026-11").context["stats"].tasks_total.count == 0


def test_anonymous_visitors_are_sent_to_log_in(client, city, red_case):
    for url in ("/supervision/", "/supervision/notices/", "/supervision/stats/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_issue_from_the_dashboard_and_answer(client, city, today):
    app = accepted(city)
    today(datetime.date(2026, 11, 5))  # yellow
    login(client, city["supervisor"])
    food = task_of(app, "FOOD")
    form = client.get(f"/supervision/issue/?application={app.uuid}&task={food.pk}")
    assert form.status_code == 200
    response = client.post(
        "/supervision/issue/", {"application": str(app.uuid), "task": food.pk, "text": "请于明日前办结"}
    )
    assert response.status_code == 302
    notice = SupervisionNotice.objects.get(task=food)
    assert notice.text == "请于明日前办结"
    again = client.post("/supervision/issue/", {"application": str(app.uuid), "task": food.pk, "text": "x"})
    assert again.status_code == 409 and "already has an open supervision notice" in again.content.decode()

    client.logout()
    login(client, city["bureau_reviewer"])
    empty = client.post(f"/supervision/notices/{notice.pk}/respond/", {"response": ""})
    assert empty.status_code == 400
    done = client.post(f"/supervision/notices/{notice.pk}/respond/", {"response": "已安排专人办理"})
    assert done.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "responded"


def test_bad_input_is_not_found_and_changes_nothing(client, city, red_case):
    app, _notice = red_case
    login(client, city["supervisor"])
    for query in (
        "application=not-a-uuid",
        f"application={app.uuid}&task=abc",
        f"application={app.uuid}&task=999999",
    ):
        assert client.get(f"/supervision/issue/?{query}").status_code == 404
    assert client.post("/supervision/issue/", {"application": "x"}).status_code == 404
    assert client.get("/supervision/?department=x&item=-3&signal=purple&page=zz").status_code == 200
    long_text = client.post(
        "/supervision/issue/",
        {"application": str(app.uuid), "task": task_of(app, "FOOD").pk, "text": "长" * 2001},
    )
    assert long_text.status_code == 400
    assert SupervisionNotice.objects.filter(task=task_of(app, "FOOD")).count() == 0


def test_the_supervisors_head_reads_the_notices_but_not_the_dashboard(client, city, red_case):
    _app, notice = red_case
    login(client, city["office_head"])
    assert client.get(f"/supervision/notices/{notice.pk}/").status_code == 200
    assert client.get("/supervision/notices/").context["page"].paginator.count == 1
    assert client.get("/supervision/").status_code == 403
