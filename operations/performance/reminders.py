"""Reminders for performance and payment, sent by a daily Celery beat task. Each notification has a
key naming the event (object and date), so running the sweep twice — or every day — tells nobody
twice about the same thing.

- Evaluation due: an evaluation not yet approved whose due date (N working days after the period
  ends, from the work calendar) is within `PERF_REMINDER_DAYS_AHEAD` days → the implementing
  agency and the assigned evaluators; once more when it is overdue.
- Monitoring data missing: for each level-3 indicator of a signed project's current framework, the
  last complete period of its frequency (month, quarter, year) has no record once
  `PERF_MONITORING_GRACE_WORKING_DAYS` working days have passed → the company's representatives.
- Payment due: a calculation not fully paid whose due date is within the reminder window → the
  finance department's PPP managers.
- Contract expiry: a project whose operation ends within `PERF_CONTRACT_EXPIRY_DAYS_AHEAD` days →
  the implementing agency and the finance PPP managers.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from operations.models import Project
from operations.performance import conf
from operations.performance.models import Evaluation, Frequency, MonitoringRecord, PaymentCalculation, State
from operations.performance.services import _users_of, current_framework
from portal.notifications.services import notify
from portal.workcal.days import add_working_days

FINANCE_ROLE = "ppp_manager"


def _send(recipients, key, title, text, url, subject) -> int:
    made = notify(
        recipients=recipients,
        kind="generic",
        key=key,
        url=url,
        subject=subject,
        context={"title": title, "text": text},
    )
    return len(made)


def last_period_end(frequency: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last complete month, quarter or year before `today`: (start, end)."""
    if frequency == Frequency.MONTHLY:
        end = today.replace(day=1) - datetime.timedelta(days=1)
        return end.replace(day=1), end
    if frequency == Frequency.QUARTERLY:
        first_month = 3 * ((today.month - 1) // 3) + 1
        end = today.replace(month=first_month, day=1) - datetime.timedelta(days=1)
        return end.replace(month=end.month - 2, day=1), end
    end = datetime.date(today.year - 1, 12, 31)
    return datetime.date(today.year - 1, 1, 1), end


def evaluations_due(today: datetime.date) -> int:
    sent = 0
    ahead = today + datetime.timedelta(days=conf.reminder_days_ahead())
    rows = Evaluation.objects.filter(
        state__in=[State.DRAFT, State.SELF_ASSESSMENT, State.AGENCY_SCORING, State.DEPT_REVIEW],
        due_on__isnull=False,
        due_on__lte=ahead,
    ).select_related("project")
    for evaluation in rows:
        overdue = evaluation.due_on < today
        recipients = _users_of([evaluation.project.implementing_agency_id]) + list(
            evaluation.evaluators.all()
        )
        if evaluation.state == State.DEPT_REVIEW:
            recipients = _users_of([evaluation.project.finance_department_id], FINANCE_ROLE)
        with transaction.atomic():
            sent += _send(
                recipients,
                f"perf-eval-{'overdue' if overdue else 'due'}:{evaluation.pk}:{evaluation.due_on:%Y-%m-%d}",
                _("Performance evaluation overdue") if overdue else _("Performance evaluation due soon"),
                _("%(project)s: the evaluation of %(start)s – %(end)s is due on %(due)s (%(state)s).")
                % {
                    "project": evaluation.project.name,
                    "start": f"{evaluation.period_start:%Y-%m-%d}",
                    "end": f"{evaluation.period_end:%Y-%m-%d}",
                    "due": f"{evaluation.due_on:%Y-%m-%d}",
                    "state": evaluation.get_state_display(),
                },
                reverse("performance:evaluation", args=[evaluation.pk]),
                evaluation,
            )
    return sent


def monitoring_missing(today: datetime.date) -> int:
    sent = 0
    projects = Project.objects.filter(contract_signed_on__isnull=False, project_company__isnull=False)
    for project in projects:
        if project.operation_end and project.operation_end < today:
            continue
        framework = current_framework(project)
        if framework is None:
            continue
        reps = None
        for indicator in framework.indicators.filter(level=3):
            start, end = last_period_end(indicator.frequency or Frequency.YEARLY, today)
            if project.operation_start and end < project.operation_start:
                continue
            if add_working_days(end, conf.monitoring_grace_working_days()) > today:
                continue
            covered = MonitoringRecord.objects.filter(
                indicator__framework__project=project,
                indicator__code=indicator.code,
                period_start__lte=end,
                period_end__gte=end,
            ).exists()
            if covered:
                continue
            if reps is None:
                reps = _users_of([project.project_company_id], "representative")
            with transaction.atomic():
                sent += _send(
                    reps,
                    f"perf-missing:{project.pk}:{indicator.code}:{end:%Y-%m-%d}",
                    _("Monitoring data missing"),
                    _("%(project)s: no data for %(code)s %(name)s for %(start)s – %(end)s.")
                    % {
                        "project": project.name,
                        "code": indicator.code,
                        "name": indicator.name,
                        "start": f"{start:%Y-%m-%d}",
                        "end": f"{end:%Y-%m-%d}",
                    },
                    reverse("performance:project", args=[project.code]),
                    project,
                )
    return sent


def payments_due(today: datetime.date) -> int:
    sent = 0
    ahead = today + datetime.timedelta(days=conf.reminder_days_ahead())
    rows = (
        PaymentCalculation.objects.filter(due_on__isnull=False, due_on__lte=ahead)
        .annotate(paid=Sum("payments__amount"))
        .select_related("evaluation__project")
    )
    for calculation in rows:
        if (calculation.paid or Decimal(0)) >= calculation.amount:
            continue
        project = calculation.evaluation.project
        overdue = calculation.due_on < today
        with transaction.atomic():
            sent += _send(
                _users_of([project.finance_department_id], FINANCE_ROLE),
                f"perf-pay-{'overdue' if overdue else 'due'}:{calculation.pk}:{calculation.due_on:%Y-%m-%d}",
                _("Performance payment overdue") if overdue else _("Performance payment due soon"),
                _("%(project)s: %(amount)s is payable by %(due)s.")
                % {
                    "project": project.name,
                    "amount": calculation.amount,
                    "due": f"{calculation.due_on:%Y-%m-%d}",
                },
                reverse("performance:evaluation", args=[calculation.evaluation_id]),
                calculation,
            )
    return sent


def contracts_expiring(today: datetime.date) -> int:
    sent = 0
    ahead = today + datetime.timedelta(days=conf.contract_expiry_days_ahead())
    for project in Project.objects.filter(
        operation_end__isnull=False, operation_end__gte=today, operation_end__lte=ahead
    ):
        recipients = _users_of([project.implementing_agency_id]) + _users_of(
            [project.finance_department_id], FINANCE_ROLE
        )
        with transaction.atomic():
            sent += _send(
                recipients,
                f"perf-expiry:{project.pk}:{project.operation_end:%Y-%m-%d}",
                _("PPP contract expiring"),
                _(
                    "%(project)s: the cooperation term ends on %(end)s; "
                    "prepare the transfer and the final evaluation."
                )
                % {"project": project.name, "end": f"{project.operation_end:%Y-%m-%d}"},
                reverse("performance:project", args=[project.code]),
                project,
            )
    return sent


def sweep(today: datetime.date) -> dict:
    return {
        "evaluations_due": evaluations_due(today),
        "monitoring_missing": monitoring_missing(today),
        "payments_due": payments_due(today),
        "contracts_expiring": contracts_expiring(today),
    }
