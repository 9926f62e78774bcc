"""Reminders with explicit dates: each sent once per event, to the right people."""

from __future__ import annotations

import datetime

from operations.performance import services
from operations.performance.reminders import last_period_end
from operations.performance.tasks import reminders_daily
from portal.notifications.models import Notification

D = datetime.date


def titles(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_last_complete_periods():
    assert last_period_end("monthly", D(2025, 3, 15)) == (D(2025, 2, 1), D(2025, 2, 28))
    assert last_period_end("quarterly", D(2025, 5, 2)) == (D(2025, 1, 1), D(2025, 3, 31))
    assert last_period_end("quarterly", D(2025, 1, 2)) == (D(2024, 10, 1), D(2024, 12, 31))
    assert last_period_end("yearly", D(2025, 1, 2)) == (D(2024, 1, 1), D(2024, 12, 31))


def test_an_evaluation_due_is_reminded_once_then_once_overdue(ppp):
    evaluation = services.evaluation_create(
        actor=ppp.agency_official, project=ppp.project, period_start=D(2024, 1, 1), period_end=D(2024, 12, 31)
    )
    due = evaluation.due_on
    assert due > D(2024, 12, 31)  # working days from the calendar
    assert reminders_daily(today=due - datetime.timedelta(days=30))["evaluations_due"] == 0
    assert reminders_daily(today=due - datetime.timedelta(days=3))["evaluations_due"] == 1
    assert reminders_daily(today=due - datetime.timedelta(days=2))["evaluations_due"] == 0
    assert reminders_daily(today=due + datetime.timedelta(days=1))["evaluations_due"] == 1
    assert reminders_daily(today=due + datetime.timedelta(days=2))["evaluations_due"] == 0
    assert (
        Notification.objects.filter(recipient=ppp.agency_official, key__startswith="perf-eval-").count() == 2
    )


def test_missing_monitoring_data_reminds_the_company(ppp):
    ppp.project.operation_start = D(2022, 1, 1)
    ppp.project.save(update_fields=["operation_start"])
    today = D(2025, 2, 20)
    result = reminders_daily(today=today)
    assert result["monitoring_missing"] == 5  # five yearly indicators, no data for 2024
    assert reminders_daily(today=today)["monitoring_missing"] == 0
    assert len(titles(ppp.company_rep)) == 5
    # Data for 2024 arrives: nothing more is missing for that year.
    for leaf in ppp.leaves.values():
        services.record_add(
            actor=ppp.company_rep,
            indicator=leaf,
            period_start=D(2024, 1, 1),
            period_end=D(2024, 12, 31),
            value="1",
        )
    Notification.objects.all().delete()
    assert reminders_daily(today=D(2025, 3, 1))["monitoring_missing"] == 0
    # Within the grace period after the year ends, nothing is reminded yet.
    assert reminders_daily(today=D(2026, 1, 5))["monitoring_missing"] == 0


def test_payment_due_and_contract_expiry(ppp):
    from .conftest import run_to_review

    evaluation = run_to_review(ppp)
    evaluation = services.evaluation_transition(actor=ppp.manager, evaluation=evaluation, action="approve")
    calculation = services.calculation_create(actor=ppp.manager, evaluation=evaluation)
    due = calculation.due_on
    assert reminders_daily(today=due - datetime.timedelta(days=2))["payments_due"] == 1
    assert reminders_daily(today=due - datetime.timedelta(days=1))["payments_due"] == 0
    services.payment_record(
        actor=ppp.manager, calculation=calculation, amount=calculation.amount, paid_on=due, reference="ZF"
    )
    assert reminders_daily(today=due + datetime.timedelta(days=3))["payments_due"] == 0

    ppp.project.operation_end = D(2036, 3, 1)
    ppp.project.save(update_fields=["operation_end"])
    assert reminders_daily(today=D(2035, 6, 1))["contracts_expiring"] == 0
    assert (
        reminders_daily(today=D(2035, 10, 1))["contracts_expiring"] == 2
    )  # agency official + finance manager
    assert reminders_daily(today=D(2035, 10, 2))["contracts_expiring"] == 0
    assert "PPP contract expiring" in titles(ppp.manager) or any("合同" in t for t in titles(ppp.manager))
