"""Joint-review meetings (联合审查会议): the lead coordinator records one on the application page;
the attending departments' reviewers are told; no clock stops (DOMAIN.md §2)."""

# The fixtures `city` and `today` are shared with test_application_workflow by import.
# ruff: noqa: F811

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from approvals import services
from approvals.models import Application, ReviewMeeting
from approvals.workflow import ApplicationStatus
from portal.audit.models import AuditEvent
from portal.clocks.models import Clock, ClockEvent
from portal.errors import DomainError, TransitionNotAllowed
from portal.notifications.models import Notification
from tests.approvals.test_application_workflow import (  # noqa: F401
    TODAY,
    approve_all,
    city,
    in_review,
    staff,
    today,
)
from tests.factories import OrgUnitFactory

A = ApplicationStatus


def _clocks(app):
    """Every clock of the application and its tasks: (purpose, subject, state, due date, events)."""
    subjects = [str(app.pk), *[str(pk) for pk in app.tasks.values_list("pk", flat=True)]]
    return sorted(
        (c.purpose, c.subject_id, c.state, c.due_date, ClockEvent.objects.filter(clock=c).count())
        for c in Clock.objects.filter(subject_id__in=subjects)
    )


def _post(client, user, app, **data):
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions read the English messages
    payload = {
        "held_on": "2026-11-02",
        "place": "行政审批局三楼会议室",
        "departments": [city_unit.pk for city_unit in data.pop("departments")],
        "attendees": "王科长、李工",
        "minutes": "各部门通报审查进度，消防对排烟设计提出意见。",
        "conclusions": "消防意见书面反馈申请人；其余部门按期办结。",
    }
    payload.update(data)
    return client.post(reverse("work:application-meeting", args=[app.uuid]), payload)


def test_lead_records_a_meeting_listed_audited_notified_and_no_clock_stops(client, today, city):
    app = in_review(city)
    promised = Clock.objects.get(subject_id=str(app.pk), purpose="promised")
    before = _clocks(app)

    response = _post(client, city["lead"], app, departments=[city["bureau"], city["fire"]])
    assert response.status_code == 302

    meeting = ReviewMeeting.objects.get(application=app)
    assert meeting.held_on == TODAY and meeting.recorded_by == city["lead"]
    assert set(meeting.departments.all()) == {city["bureau"], city["fire"]}

    # Listed on the application page, for the lead and for a reviewer of a reviewing department.
    body = client.get(reverse("work:application", args=[app.uuid])).content.decode()
    assert body.count('class="meeting"') == 1 and "各部门通报审查进度" in body and "2026-11-02" in body
    assert 'id="meeting-form"' in body
    client.force_login(city["reviewers"][1])
    body = client.get(reverse("work:application", args=[app.uuid])).content.decode()
    assert "消防意见书面反馈申请人" in body and 'id="meeting-form"' not in body

    # Audited on the application.
    event = AuditEvent.objects.get(action="application.meeting", object_id=str(app.pk))
    assert event.actor == city["lead"] and event.after["meeting"] == meeting.pk

    # The reviewers of the attending departments are told, not those of the urban department.
    told = set(
        Notification.objects.filter(key=f"meeting:{meeting.pk}").values_list("recipient__username", flat=True)
    )
    assert told == {"r-food", "r-fire"}
    note = Notification.objects.get(key=f"meeting:{meeting.pk}", recipient__username="r-fire")
    assert note.kind == "generic" and note.url == f"/work/applications/{app.uuid}/"
    assert app.number in note.title

    # Status and clocks are exactly as before: a meeting does not stop the clock.
    app.refresh_from_db()
    assert app.status == A.IN_REVIEW
    promised_after = Clock.objects.get(pk=promised.pk)
    assert (promised_after.state, promised_after.due_date) == (promised.state, promised.due_date)
    assert promised_after.state == "running"
    assert _clocks(app) == before


def test_lead_records_a_meeting_while_consolidating(today, city):
    app = in_review(city)
    approve_all(city, app)
    assert Application.objects.get(pk=app.pk).status == A.CONSOLIDATING
    meeting = services.review_meeting_record(
        actor=city["lead"],
        application=app,
        held_on=TODAY,
        place="",
        departments=[city["urban"]],
        attendees="",
        minutes="汇总各部门意见",
        conclusions="",
    )
    assert list(meeting.departments.all()) == [city["urban"]]


@pytest.mark.parametrize("who", ["clerk", "reviewer"])
def test_a_clerk_or_a_reviewer_cannot_record_a_meeting(client, today, city, who):
    app = in_review(city)
    user = city["clerk"] if who == "clerk" else city["reviewers"][0]
    # Both may open the page, but neither sees the form.
    client.force_login(user)
    body = client.get(reverse("work:application", args=[app.uuid])).content.decode()
    assert 'id="meeting-form"' not in body

    response = _post(client, user, app, departments=[city["bureau"]])
    assert response.status_code == 403
    assert not ReviewMeeting.objects.exists()
    with pytest.raises(PermissionDenied):
        services.review_meeting_record(
            actor=user,
            application=app,
            held_on=TODAY,
            place="",
            departments=[city["bureau"]],
            attendees="",
            minutes="会议纪要",
            conclusions="",
        )
    assert not ReviewMeeting.objects.exists()


def test_a_future_date_is_refused_and_nothing_is_saved(client, today, city):
    app = in_review(city)
    response = _post(client, city["lead"], app, departments=[city["fire"]], held_on="2026-11-03")
    assert response.status_code == 400
    assert "A meeting cannot be recorded before it is held." in response.content.decode()
    assert not ReviewMeeting.objects.exists()
    assert not AuditEvent.objects.filter(action="application.meeting").exists()
    assert not Notification.objects.filter(key__startswith="meeting:").exists()


def test_a_department_not_involved_is_refused_and_nothing_is_saved(client, today, city):
    app = in_review(city)
    stranger = OrgUnitFactory(code="tax", name="税务局")
    staff(stranger, "reviewer", "r-tax")
    response = _post(client, city["lead"], app, departments=[city["fire"], stranger])
    assert response.status_code == 400
    assert "Not involved in this application: 税务局." in response.content.decode()
    assert not ReviewMeeting.objects.exists()
    assert not Notification.objects.filter(key__startswith="meeting:").exists()


def test_minutes_are_required(today, city):
    app = in_review(city)
    with pytest.raises(DomainError) as info:
        services.review_meeting_record(
            actor=city["lead"],
            application=app,
            held_on=TODAY,
            place="",
            departments=[city["fire"]],
            attendees="",
            minutes="   ",
            conclusions="",
        )
    assert info.value.field == "minutes"
    assert not ReviewMeeting.objects.exists()


def test_no_meeting_once_the_application_is_granted(client, today, city):
    app = in_review(city)
    approve_all(city, app)
    services.application_decide(actor=city["lead"], application=app, grant=True)
    # Granted, and published in the same transaction (approvals.results).
    assert Application.objects.get(pk=app.pk).status == A.PUBLISHED

    with pytest.raises(TransitionNotAllowed):
        services.review_meeting_record(
            actor=city["lead"],
            application=app,
            held_on=TODAY,
            place="",
            departments=[city["fire"]],
            attendees="",
            minutes="会议纪要",
            conclusions="",
        )
    response = _post(client, city["lead"], app, departments=[city["fire"]])
    assert response.status_code == 409
    body = response.content.decode()
    assert "recorded while the application is in review or being consolidated" in body
    assert 'id="meeting-form"' not in body
    assert not ReviewMeeting.objects.exists()


def test_the_service_refuses_a_future_date_on_its_field(today, city):
    app = in_review(city)
    with pytest.raises(DomainError) as info:
        services.review_meeting_record(
            actor=city["lead"],
            application=app,
            held_on=TODAY + datetime.timedelta(days=1),
            place="",
            departments=[city["fire"]],
            attendees="",
            minutes="会议纪要",
            conclusions="",
        )
    assert info.value.field == "held_on"
