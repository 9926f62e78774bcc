"""A meeting runs planned → held (minutes) → minutes published; recording a decision creates its
matters (lead, cooperating units, deadline) atomically and links them to it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from coordination.matters import services
from coordination.matters.models import Decision, Matter
from portal.errors import Conflict, DomainError, TransitionNotAllowed


@pytest.fixture
def meeting(p):
    return services.meeting_create(
        actor=p["coordinator"],
        title="领导小组第三次全体会议",
        date=datetime.date(2026, 11, 2),
        convened_by=p["group"],
    )


def test_a_decision_creates_its_matters_linked_and_running(p, meeting):
    decision = services.decision_record(
        actor=p["coordinator"],
        meeting=meeting,
        text="加快城市运行管理中心建设",
        matters=[
            {
                "title": "城市运行管理中心建设",
                "lead_unit": p["data"],
                "cooperating_units": [p["company"], p["district"]],
                "limit_days": 20,
                "responsible_leader": p["leader_seat"],
                "milestones": [{"title": "方案评审", "weight": 1}, {"title": "试运行", "weight": 2}],
            },
            {"title": "数字城管对接", "lead_unit": p["urban"], "limit_days": 10},
        ],
    )
    matters = list(decision.matters.order_by("id"))
    assert [m.title for m in matters] == ["城市运行管理中心建设", "数字城管对接"]
    first = matters[0]
    assert first.raised_by == p["group"] and first.status == "open" and first.decision == decision
    assert set(first.cooperating_units.all()) == {p["company"], p["district"]}
    assert first.clock.limit_days == 20 and first.clock.due_date == datetime.date(2026, 11, 30)
    assert first.milestones.count() == 2 and first.responsible_leader == p["leader_seat"]
    assert first.number.startswith("DBSX2026-")


def test_a_bad_matter_rolls_the_whole_decision_back(p, meeting):
    with pytest.raises(DomainError) as exc:
        services.decision_record(
            actor=p["coordinator"],
            meeting=meeting,
            text="两项任务",
            matters=[
                {"title": "第一项", "lead_unit": p["data"], "limit_days": 10},
                {"title": "第二项", "lead_unit": p["urban"], "limit_days": 0},
            ],
        )
    assert exc.value.field == "limit_days"
    assert not Decision.objects.exists() and not Matter.objects.exists()


def test_the_meeting_states_and_who_may_run_them(p, meeting, today):
    with pytest.raises(PermissionDenied):
        services.meeting_record_minutes(actor=p["steward"], meeting=meeting, minutes="x")
    with pytest.raises(TransitionNotAllowed):
        services.meeting_publish_minutes(actor=p["coordinator"], meeting=meeting)
    with pytest.raises(DomainError):
        services.meeting_record_attendance(
            actor=p["coordinator"], meeting=meeting, unit=p["data"], status="delegated", person=" "
        )
    services.meeting_record_attendance(
        actor=p["coordinator"], meeting=meeting, unit=p["data"], status="delegated", person="副局长 周敏"
    )
    services.meeting_record_minutes(actor=p["coordinator"], meeting=meeting, minutes="会议议定事项如下")
    meeting.refresh_from_db()
    assert meeting.status == "held"
    services.meeting_publish_minutes(actor=p["coordinator"], meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == "published" and meeting.published_on == today()
    with pytest.raises(TransitionNotAllowed):
        services.decision_record(actor=p["coordinator"], meeting=meeting, text="补充")


def test_a_future_meeting_has_no_minutes_or_decisions_yet(p):
    future = services.meeting_create(
        actor=p["coordinator"], title="专题协调会", date=datetime.date(2026, 11, 20), convened_by=p["office"]
    )
    with pytest.raises(Conflict):
        services.meeting_record_minutes(actor=p["coordinator"], meeting=future, minutes="x")
    with pytest.raises(Conflict):
        services.decision_record(actor=p["coordinator"], meeting=future, text="x")


def test_only_a_leading_group_or_office_convenes(p):
    with pytest.raises(DomainError) as exc:
        services.meeting_create(
            actor=p["coordinator"], title="会", date=datetime.date(2026, 11, 2), convened_by=p["data"]
        )
    assert exc.value.field == "convened_by"


def test_recording_a_decision_through_the_page(p, meeting, client):
    client.force_login(p["coordinator"])
    url = f"/matters/meetings/{meeting.pk}/decision/"
    response = client.post(url, {"text": "推进数据共享", "matter_title": "数据平台升级", "limit_days": "10"})
    assert response.status_code == 400
    assert "A new matter needs a lead unit." in response.content.decode()
    response = client.post(
        url,
        {
            "text": "推进数据共享",
            "matter_title": "数据平台升级",
            "lead_unit": p["data"].pk,
            "cooperating_units": [p["company"].pk],
            "limit_days": "10",
            "milestones": "国产化部署|2\n目录对接",
        },
    )
    assert response.status_code == 302
    matter = Matter.objects.get(title="数据平台升级")
    assert matter.decision.meeting == meeting and matter.lead_unit == p["data"]
    assert list(matter.milestones.values_list("title", "weight")) == [("国产化部署", 2), ("目录对接", 1)]
    page = client.get(f"/matters/meetings/{meeting.pk}/").content.decode()
    assert "数据平台升级" in page
