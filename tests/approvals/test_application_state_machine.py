"""Hypothesis drives the approval services with any sequence of actions by any of the actors.

Whatever happens, every refused action changes nothing, the status history is a path through the
workflow table, consolidation happens only when every task is decided, and the clocks run exactly
while the authority owes a step (paused while a department is in a special procedure).
"""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from approvals import services
from approvals.models import AcceptanceMode, Application, DepartmentTask, StatusChange
from approvals.workflow import APPLICATION_TRANSITIONS, TERMINAL_TASK_STATES, ApplicationStatus, TaskStatus
from portal.clocks import services as clocks
from portal.clocks.models import Clock
from portal.errors import DomainError
from tests.approvals.test_application_workflow import TODAY
from tests.approvals.test_application_workflow import city as city_fixture  # noqa: F401 - the same city

A = ApplicationStatus
T = TaskStatus
REFUSALS = (DomainError, PermissionDenied)  # TransitionNotAllowed is a DomainError
OWES_A_STEP = {A.IN_REVIEW, A.CONSOLIDATING, A.AWAITING_SUPPLEMENT}


@pytest.fixture
def city(city_fixture):  # noqa: F811
    return city_fixture


def snapshot(app_pk):
    app = Application.objects.get(pk=app_pk)
    tasks = tuple(
        DepartmentTask.objects.filter(application_id=app_pk).order_by("pk").values_list("status", flat=True)
    )
    return app.status, tasks, StatusChange.objects.filter(application_id=app_pk).count()


def build_machine(city):
    people = {
        "applicant": city["applicant"],
        "clerk": city["clerk"],
        "lead": city["lead"],
        "head": city["head"],
        **{f"reviewer{i}": r for i, r in enumerate(city["reviewers"])},
    }
    actor = st.sampled_from(sorted(people))
    task_index = st.integers(min_value=0, max_value=2)

    class Approvals(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.app = services.application_create(actor=city["applicant"], package=city["package"])

        def attempt(self, action):
            before = snapshot(self.app.pk)
            try:
                action()
            except REFUSALS:
                assert snapshot(self.app.pk) == before, "a refused action changed something"

        def task(self, index):
            tasks = list(DepartmentTask.objects.filter(application=self.app).order_by("pk"))
            return tasks[index] if index < len(tasks) else None

        @rule(who=actor)
        def submit(self, who):
            self.attempt(
                lambda: services.application_submit(
                    actor=people[who], application=self.app, form_data={"shop_name": "面馆"}
                )
            )

        @rule(who=actor)
        def request_correction(self, who):
            self.attempt(
                lambda: services.application_request_correction(
                    actor=people[who], application=self.app, missing=["平面图"]
                )
            )

        @rule(who=actor)
        def not_accept(self, who):
            self.attempt(
                lambda: services.application_not_accept(
                    actor=people[who], application=self.app, reasons="不属于本机关职权范围"
                )
            )

        @rule(who=actor, pledge=st.booleans())
        def accept(self, who, pledge):
            mode = AcceptanceMode.PLEDGE if pledge else AcceptanceMode.NORMAL
            due = datetime.date(2026, 11, 9) if pledge else None
            self.attempt(
                lambda: services.application_accept(
                    actor=people[who], application=self.app, mode=mode, supplement_due=due
                )
            )

        @rule(who=actor, index=task_index)
        def claim(self, who, index):
            if task := self.task(index):
                self.attempt(lambda: services.task_claim(actor=people[who], task=task))

        @rule(who=actor, index=task_index, decision=st.sampled_from([T.APPROVED, T.REJECTED]))
        def decide_task(self, who, index, decision):
            if task := self.task(index):
                self.attempt(
                    lambda: services.task_decide(
                        actor=people[who], task=task, decision=decision, opinion="意见"
                    )
                )

        @rule(who=actor, index=task_index)
        def suspend(self, who, index):
            if task := self.task(index):
                self.attempt(
                    lambda: services.task_suspend(
                        actor=people[who],
                        task=task,
                        procedure="expert_review",
                        reason="专家评审",
                        expected_days=3,
                    )
                )

        @rule(who=actor, index=task_index)
        def resume(self, who, index):
            if task := self.task(index):
                self.attempt(lambda: services.task_resume(actor=people[who], task=task))

        @rule(who=actor, grant=st.booleans())
        def decide(self, who, grant):
            self.attempt(
                lambda: services.application_decide(
                    actor=people[who],
                    application=self.app,
                    grant=grant,
                    reasons="" if grant else "不符合条件",
                )
            )

        @rule(who=actor)
        def supplement(self, who):
            self.attempt(
                lambda: services.application_supplement_received(actor=people[who], application=self.app)
            )

        @rule(who=actor)
        def withdraw(self, who):
            self.attempt(
                lambda: services.application_withdraw(actor=people[who], application=self.app, reason="撤回")
            )

        @invariant()
        def history_is_a_path_through_the_table(self):
            app = Application.objects.get(pk=self.app.pk)
            steps = list(
                StatusChange.objects.filter(application=app)
                .order_by("pk")
                .values_list("from_status", "to_status")
            )
            assert steps[0] == ("", A.DRAFT)
            for (_f1, to), (frm, nxt) in itertools.pairwise(steps):
                assert frm == to and nxt in APPLICATION_TRANSITIONS[frm]
            assert steps[-1][1] == app.status

        @invariant()
        def consolidation_only_when_every_task_is_decided(self):
            app = Application.objects.get(pk=self.app.pk)
            statuses = set(DepartmentTask.objects.filter(application=app).values_list("status", flat=True))
            if app.status in (A.CONSOLIDATING, A.AWAITING_SUPPLEMENT, A.GRANTED, A.REFUSED):
                assert statuses <= TERMINAL_TASK_STATES
            if app.status == A.IN_REVIEW:
                assert statuses - TERMINAL_TASK_STATES
            if app.status == A.GRANTED:
                assert not DepartmentTask.objects.filter(
                    application=app, mandatory=True, status=T.REJECTED
                ).exists()

        @invariant()
        def the_promised_clock_runs_exactly_while_a_step_is_owed(self):
            app = Application.objects.get(pk=self.app.pk)
            clock = Clock.objects.filter(
                subject_id=str(app.pk), purpose="promised", subject_type__model="application"
            ).first()
            suspended = DepartmentTask.objects.filter(application=app, status=T.SUSPENDED).exists()
            if app.status in OWES_A_STEP:
                # Paused exactly while a department is in a special procedure (art. 45).
                assert clock is not None and clock.state == ("paused" if suspended else "running")
            elif clock is not None:
                assert clock.state == "stopped"

    return Approvals


def test_any_sequence_of_actions_keeps_the_workflow_sound(city, monkeypatch):
    monkeypatch.setattr(clocks, "local_today", lambda: TODAY)
    machine = build_machine(city)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
