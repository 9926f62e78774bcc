"""The application and department-task state machines, end to end through the services:
parallel review by three departments under a lead, the clock, and the join."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from approvals import services
from approvals.models import AcceptanceMode, Application, DepartmentTask, StatusChange
from approvals.workflow import (
    APPLICATION_TRANSITIONS,
    TASK_TRANSITIONS,
    ApplicationStatus,
    TaskStatus,
    check_application,
    check_task,
)
from portal.clocks import services as clocks
from portal.clocks.models import Clock
from portal.errors import DomainError, TransitionNotAllowed
from tests.approvals.factories import FormFieldFactory, ItemFactory, PackageFactory, PackageItemFactory
from tests.factories import OrgUnitFactory, UserFactory, staff

A = ApplicationStatus
T = TaskStatus
TODAY = datetime.date(2026, 11, 2)


@pytest.fixture
def today(monkeypatch):
    state = {"today": TODAY}
    monkeypatch.setattr(clocks, "local_today", lambda: state["today"])
    return lambda day: state.update(today=day)


@pytest.fixture
def city(db):
    bureau = OrgUnitFactory(code="approval-bureau", name="行政审批局")
    fire = OrgUnitFactory(code="fire", name="应急管理局")
    urban = OrgUnitFactory(code="urban", name="城市管理局")
    items = [
        ItemFactory(
            code="FOOD",
            name="食品经营许可",
            implementing_body=bureau,
            published=True,
            promised_limit_days=5,
            pledge_acceptance_allowed=True,
            clock_stop_procedures=["expert_review"],
        ),
        ItemFactory(
            code="FIRE",
            name="消防安全检查",
            implementing_body=fire,
            published=True,
            promised_limit_days=5,
            pledge_acceptance_allowed=True,
        ),
        ItemFactory(
            code="SIGN",
            name="门头招牌设置",
            implementing_body=urban,
            published=True,
            promised_limit_days=5,
            pledge_acceptance_allowed=True,
        ),
    ]
    FormFieldFactory(item=items[0], key="shop_name", label="店名", required=True)
    package = PackageFactory(
        code="RESTAURANT", name="开办餐饮店", lead_department=bureau, total_limit_days=7, published=True
    )
    for order, item in enumerate(items):
        PackageItemFactory(package=package, item=item, order=order, mandatory=item.code != "SIGN")
    return {
        "package": package,
        "items": items,
        "bureau": bureau,
        "fire": fire,
        "urban": urban,
        "applicant": UserFactory(username="zhang"),
        "clerk": staff(bureau, "window_clerk", "clerk"),
        "lead": staff(bureau, "lead_coordinator", "lead"),
        "reviewers": [
            staff(bureau, "reviewer", "r-food"),
            staff(fire, "reviewer", "r-fire"),
            staff(urban, "reviewer", "r-sign"),
        ],
        "head": staff(bureau, "head", "head"),
    }


def submitted(city):
    app = services.application_create(actor=city["applicant"], package=city["package"])
    return services.application_submit(
        actor=city["applicant"], application=app, form_data={"shop_name": "老张面馆"}
    )


def in_review(city, mode=AcceptanceMode.NORMAL, **kwargs):
    app = submitted(city)
    return services.application_accept(actor=city["clerk"], application=app, mode=mode, **kwargs)


def tasks_of(app):
    return {t.item.code: t for t in DepartmentTask.objects.filter(application=app).select_related("item")}


def approve_all(city, app, skip=()):
    by_dept = {r.positions.get().unit_id: r for r in city["reviewers"]}
    for code, task in tasks_of(app).items():
        if code in skip:
            continue
        reviewer = by_dept[task.department_id]
        services.task_claim(actor=reviewer, task=task)
        services.task_decide(actor=reviewer, task=task, decision=T.APPROVED, opinion="同意")


# -- the tables ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("current", list(A))
@pytest.mark.parametrize("target", list(A))
def test_every_application_transition_is_allowed_or_refused_by_the_table(current, target):
    if target in APPLICATION_TRANSITIONS[current]:
        check_application(current, target)
    else:
        with pytest.raises(TransitionNotAllowed) as info:
            check_application(current, target)
        assert str(info.value.message)


@pytest.mark.parametrize("current", list(T))
@pytest.mark.parametrize("target", list(T))
def test_every_task_transition_is_allowed_or_refused_by_the_table(current, target):
    if target in TASK_TRANSITIONS[current]:
        check_task(current, target)
    else:
        with pytest.raises(TransitionNotAllowed):
            check_task(current, target)


def test_withdrawal_is_possible_from_every_open_state_and_no_other():
    open_states = {s for s, targets in APPLICATION_TRANSITIONS.items() if A.WITHDRAWN in targets}
    assert open_states == {
        A.DRAFT,
        A.SUBMITTED,
        A.CORRECTION_REQUESTED,
        A.ACCEPTED,
        A.IN_REVIEW,
        A.CONSOLIDATING,
        A.AWAITING_SUPPLEMENT,
    }


# -- the journey -----------------------------------------------------------------------------------------


def test_submit_gives_a_number_and_starts_the_completeness_check(today, city):
    app = submitted(city)
    assert app.status == A.SUBMITTED
    assert app.number == "SP-20261102-000001" and len(app.query_code) == 6
    clock = Clock.objects.get(subject_id=str(app.pk), purpose="completeness")
    assert clock.limit_days == 5


def test_submit_refuses_an_empty_required_field_and_changes_nothing(today, city):
    app = services.application_create(actor=city["applicant"], package=city["package"])
    with pytest.raises(DomainError) as info:
        services.application_submit(actor=city["applicant"], application=app, form_data={"shop_name": " "})
    assert "shop_name" in str(info.value.message)
    assert Application.objects.get(pk=app.pk).status == A.DRAFT


def test_accept_dispatches_one_task_per_department_with_clocks(today, city):
    app = in_review(city)
    assert app.status == A.IN_REVIEW
    tasks = tasks_of(app)
    assert {t.department.code for t in tasks.values()} == {"approval-bureau", "fire", "urban"}
    assert Clock.objects.get(subject_id=str(app.pk), purpose="promised").limit_days == 7
    assert Clock.objects.filter(purpose="review").count() == 3
    assert Clock.objects.get(subject_id=str(app.pk), purpose="completeness").state == "stopped"
    history = list(StatusChange.objects.filter(application=app).values_list("to_status", flat=True))
    assert history == [A.DRAFT, A.SUBMITTED, A.ACCEPTED, A.IN_REVIEW]


def test_last_decision_moves_the_application_to_consolidation_then_grant(today, city):
    app = in_review(city)
    approve_all(city, app, skip=("SIGN",))
    assert Application.objects.get(pk=app.pk).status == A.IN_REVIEW
    approve_all(city, app, skip=("FOOD", "FIRE"))
    app.refresh_from_db()
    assert app.status == A.CONSOLIDATING
    services.application_decide(actor=city["lead"], application=app, grant=True)
    app.refresh_from_db()
    # Granted, and published in the same transaction (approvals.results, 行政许可法 art. 40).
    assert app.status == A.PUBLISHED and app.decided_on == TODAY
    assert app.status_changes.filter(to_status=A.GRANTED).exists()
    assert Clock.objects.get(subject_id=str(app.pk), purpose="promised").state == "stopped"


def test_a_rejected_mandatory_item_refuses_the_package(today, city):
    app = in_review(city)
    approve_all(city, app, skip=("FIRE",))
    fire_task = tasks_of(app)["FIRE"]
    services.task_claim(actor=city["reviewers"][1], task=fire_task)
    services.task_decide(
        actor=city["reviewers"][1], task=fire_task, decision=T.REJECTED, opinion="疏散通道不足"
    )
    with pytest.raises(DomainError):
        services.application_decide(actor=city["lead"], application=app, grant=True)
    services.application_decide(
        actor=city["lead"],
        application=app,
        grant=False,
        reasons="消防安全检查不合格；可依法申请行政复议或提起行政诉讼。",
    )
    assert Application.objects.get(pk=app.pk).status == A.REFUSED


def test_pledge_acceptance_waits_for_the_materials_before_the_grant(today, city):
    app = in_review(city, mode=AcceptanceMode.PLEDGE, supplement_due=datetime.date(2026, 11, 6))
    approve_all(city, app)
    services.application_decide(actor=city["lead"], application=app, grant=True)
    app.refresh_from_db()
    assert app.status == A.AWAITING_SUPPLEMENT
    services.application_supplement_received(actor=city["clerk"], application=app)
    app.refresh_from_db()
    assert app.status == A.PUBLISHED  # granted, then published at once (approvals.results)
    assert app.status_changes.filter(to_status=A.GRANTED).exists()


def test_correction_notice_is_issued_once_and_the_corrected_application_is_checked_again(today, city):
    app = submitted(city)
    services.application_request_correction(
        actor=city["clerk"], application=app, missing=["营业执照复印件", "平面图"]
    )
    app.refresh_from_db()
    assert app.status == A.CORRECTION_REQUESTED
    services.application_submit(actor=city["applicant"], application=app)
    with pytest.raises(TransitionNotAllowed):
        services.application_request_correction(actor=city["clerk"], application=app, missing=["又一项"])
    assert Clock.objects.filter(subject_id=str(app.pk), purpose="completeness-2").exists()


def test_suspension_for_an_allowed_procedure_pauses_only_that_tasks_clock(today, city):
    app = in_review(city)
    food = tasks_of(app)["FOOD"]
    reviewer = city["reviewers"][0]
    services.task_claim(actor=reviewer, task=food)
    with pytest.raises(DomainError):
        services.task_suspend(actor=reviewer, task=food, procedure="hearing", reason="听证")
    services.task_suspend(
        actor=reviewer, task=food, procedure="expert_review", reason="专家评审", expected_days=5
    )
    assert Clock.objects.get(subject_id=str(food.pk), purpose="review").state == "paused"
    # A special procedure's time does not count toward the package's limit either (art. 45).
    assert Clock.objects.get(subject_id=str(app.pk), purpose="promised").state == "paused"
    today(datetime.date(2026, 11, 9))
    services.task_resume(actor=reviewer, task=food)
    clock = Clock.objects.get(subject_id=str(food.pk), purpose="review")
    assert clock.state == "running" and clock.paused_days == 5
    promised = Clock.objects.get(subject_id=str(app.pk), purpose="promised")
    assert promised.state == "running" and promised.paused_days == 5


def test_extension_is_requested_by_the_reviewer_and_approved_by_the_head(today, city):
    app = in_review(city)
    food = tasks_of(app)["FOOD"]
    reviewer = city["reviewers"][0]
    services.task_claim(actor=reviewer, task=food)
    with pytest.raises(DomainError):
        services.task_request_extension(actor=reviewer, task=food, days=11, reason="情况复杂")
    services.task_request_extension(actor=reviewer, task=food, days=10, reason="情况复杂")
    requested = DepartmentTask.objects.get(pk=food.pk)
    assert (requested.requested_extension_days, requested.requested_extension_reason) == (10, "情况复杂")
    assert requested.opinion == ""  # the opinion is kept for the decision
    with pytest.raises(PermissionDenied):
        services.task_extension_decide(actor=reviewer, task=food, approve=True, days=10, reason="同意")
    services.task_extension_decide(actor=city["head"], task=food, approve=True, days=10, reason="同意延长")
    clock = Clock.objects.get(subject_id=str(food.pk), purpose="review")
    assert clock.extension_days == 10
    assert DepartmentTask.objects.get(pk=food.pk).status == T.IN_REVIEW


def test_people_act_only_in_their_own_role_and_department(today, city):
    app = submitted(city)
    with pytest.raises(PermissionDenied):
        services.application_accept(actor=city["reviewers"][1], application=app)
    with pytest.raises(PermissionDenied):
        services.application_withdraw(actor=city["clerk"], application=app)
    services.application_accept(actor=city["clerk"], application=app)
    fire_task = tasks_of(app)["FIRE"]
    with pytest.raises(PermissionDenied):
        services.task_claim(actor=city["reviewers"][0], task=fire_task)  # the bureau's reviewer
    with pytest.raises(PermissionDenied):
        services.application_decide(actor=city["clerk"], application=app, grant=True)


def test_withdrawal_cancels_open_tasks_and_stops_every_clock(today, city):
    app = in_review(city)
    services.application_withdraw(actor=city["applicant"], application=app, reason="不再开店")
    app.refresh_from_db()
    assert app.status == A.WITHDRAWN
    assert set(DepartmentTask.objects.filter(application=app).values_list("status", flat=True)) == {
        T.CANCELLED
    }
    assert not Clock.objects.exclude(state="stopped").exists()


# -- the join under real concurrency -------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_reviewers_finishing_at_the_same_moment_move_the_application_exactly_once(today, city):
    app = in_review(city)
    by_dept = {r.positions.get().unit_id: r for r in city["reviewers"]}
    tasks = list(tasks_of(app).values())
    for task in tasks:
        services.task_claim(actor=by_dept[task.department_id], task=task)
    barrier = threading.Barrier(len(tasks))
    errors = []

    def decide(task):
        try:
            barrier.wait(timeout=10)
            services.task_decide(
                actor=by_dept[task.department_id], task=task, decision=T.APPROVED, opinion="同意"
            )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(task,)) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    app.refresh_from_db()
    assert app.status == A.CONSOLIDATING
    moves = StatusChange.objects.filter(application=app, to_status=A.CONSOLIDATING)
    assert moves.count() == 1
    assert set(DepartmentTask.objects.filter(application=app).values_list("status", flat=True)) == {
        T.APPROVED
    }


# -- what people are told, and what the clocks do on their own -----------------------------------------


def test_the_right_people_are_told_at_each_step(today, city):
    from portal.notifications.models import Notification

    app = in_review(city)
    events = lambda user: sorted(Notification.objects.filter(recipient=user).values_list("key", flat=True))  # noqa: E731
    assert events(city["applicant"]) == [f"application:{app.pk}:accepted", f"application:{app.pk}:submitted"]
    for reviewer in city["reviewers"]:
        assert len([k for k in events(reviewer) if ":task_assigned:" in k]) == 1
    approve_all(city, app)
    assert events(city["lead"]) == [f"application:{app.pk}:ready_to_decide"]
    services.application_decide(actor=city["lead"], application=app, grant=True)
    assert f"application:{app.pk}:granted" in events(city["applicant"])
    granted = Notification.objects.get(key=f"application:{app.pk}:granted")
    assert granted.url == f"/apply/a/{app.uuid}/"


def test_a_missed_completeness_check_counts_as_accepted_on_receipt(today, city):
    """行政许可法 art. 32: no answer within 5 working days means accepted on the day received."""
    from portal.clocks import tasks

    app = submitted(city)
    clock = Clock.objects.get(subject_id=str(app.pk), purpose="completeness")
    late = clock.due_date + datetime.timedelta(days=1)
    today(late)
    tasks.sweep(late, force=True)
    app.refresh_from_db()
    assert app.status == A.IN_REVIEW
    assert app.accepted_on == app.received_on == TODAY
    promised = Clock.objects.get(subject_id=str(app.pk), purpose="promised")
    assert promised.started_on == TODAY
    reason = StatusChange.objects.get(application=app, to_status=A.ACCEPTED).reason
    assert "第三十二条" in reason


def test_pledged_materials_not_supplied_in_time_terminate_the_application(today, city):
    from portal.clocks import tasks

    app = in_review(city, mode=AcceptanceMode.PLEDGE, supplement_due=datetime.date(2026, 11, 6))
    late = datetime.date(2026, 11, 9)
    today(late)
    tasks.sweep(late, force=True)
    app.refresh_from_db()
    assert app.status == A.TERMINATED
    assert set(DepartmentTask.objects.filter(application=app).values_list("status", flat=True)) == {
        T.CANCELLED
    }
    assert not Clock.objects.filter(subject_id=str(app.pk)).exclude(state="stopped").exists()


def test_supplied_pledged_materials_stop_the_supplement_clock(today, city):
    from portal.clocks import tasks

    app = in_review(city, mode=AcceptanceMode.PLEDGE, supplement_due=datetime.date(2026, 11, 6))
    services.application_supplement_received(actor=city["clerk"], application=app)
    today(datetime.date(2026, 11, 9))
    tasks.sweep(datetime.date(2026, 11, 9), force=True)
    app.refresh_from_db()
    assert app.status == A.IN_REVIEW


def test_the_head_cannot_approve_more_than_the_item_allows(today, city):
    app = in_review(city)
    food = tasks_of(app)["FOOD"]
    services.task_claim(actor=city["reviewers"][0], task=food)
    services.task_request_extension(actor=city["reviewers"][0], task=food, days=10, reason="情况复杂")
    with pytest.raises(DomainError) as info:
        services.task_extension_decide(actor=city["head"], task=food, approve=True, days=11, reason="同意")
    assert info.value.field == "days"
    assert DepartmentTask.objects.get(pk=food.pk).status == T.EXTENSION_PENDING


def test_clock_scenario_national_day_expert_review_extension_and_a_provisional_2027_deadline(today, city):
    """Accepted just before National Day 2026 (make-up Saturday 10-10), a 5-working-day expert review,
    a 10-day extension, and a statutory-length clock that ends in 2027, whose calendar is provisional."""
    import chinese_calendar

    def oracle_add(start, n):
        day = start
        while n > 0:
            day += datetime.timedelta(days=1)
            if chinese_calendar.is_workday(day):
                n -= 1
        return day

    today(datetime.date(2026, 9, 28))
    app = in_review(city)
    food = tasks_of(app)["FOOD"]
    review = Clock.objects.get(subject_id=str(food.pk), purpose="review")
    assert review.due_date == oracle_add(datetime.date(2026, 9, 28), 5)  # skips 10-01..10-07, counts 10-10
    reviewer = city["reviewers"][0]
    services.task_claim(actor=reviewer, task=food)
    services.task_suspend(
        actor=reviewer, task=food, procedure="expert_review", reason="专家评审", expected_days=5
    )
    today(datetime.date(2026, 10, 14))
    services.task_resume(actor=reviewer, task=food)
    review.refresh_from_db()
    paused = review.paused_days
    assert paused == sum(
        chinese_calendar.is_workday(datetime.date(2026, 9, 28) + datetime.timedelta(days=i))
        for i in range(1, 17)
    )
    services.task_request_extension(actor=reviewer, task=food, days=10, reason="情况复杂")
    services.task_extension_decide(actor=city["head"], task=food, approve=True, days=10, reason="同意延长")
    review.refresh_from_db()
    assert review.due_date == oracle_add(datetime.date(2026, 9, 28), 5 + paused + 10)
    assert review.due_provisional is False
    # A clock counted from mid-December runs into 2027, whose calendar is not yet confirmed.
    today(datetime.date(2026, 12, 15))
    late = in_review(city)
    late_review = Clock.objects.get(subject_id=str(tasks_of(late)["FOOD"].pk), purpose="review")
    services.task_claim(actor=reviewer, task=tasks_of(late)["FOOD"])
    services.task_request_extension(actor=reviewer, task=tasks_of(late)["FOOD"], days=10, reason="情况复杂")
    services.task_extension_decide(
        actor=city["head"], task=tasks_of(late)["FOOD"], approve=True, days=10, reason="同意延长"
    )
    late_review.refresh_from_db()
    assert late_review.due_date.year == 2027
    assert late_review.due_provisional is True


def test_the_applicant_and_the_clerks_are_reminded_of_pledged_materials(today, city):
    from portal.clocks import tasks
    from portal.notifications.models import Notification

    app = in_review(city, mode=AcceptanceMode.PLEDGE, supplement_due=datetime.date(2026, 11, 6))
    clock = Clock.objects.get(subject_id=str(app.pk), purpose="supplement")
    tasks.sweep(clock.next_check_on, force=True)
    from portal.clocks.models import DigestItem

    # The sweep lists the change in each person's deadline digest.
    reminded = set(DigestItem.objects.filter(clock=clock).values_list("user__username", flat=True))
    assert reminded == {"zhang", "clerk"}
    for username in reminded:
        note = Notification.objects.get(recipient__username=username, kind="deadline_digest")
        assert app.number in note.title + note.body
