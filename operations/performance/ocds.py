"""KPI metrics and payments in the OCDS export, through the hook operations.ocds leaves for us.

- `agreedMetrics`: the level-3 indicators of the project's current framework (target = the standard).
- `implementation.metrics`: one metric per published evaluation's total, with its period.
- `implementation.transactions`: the payments recorded against calculations.
Only published evaluations and their payments are disclosed.
"""

from __future__ import annotations

from operations import ocds
from operations.performance.models import Evaluation, Payment, State


def _contract_for_payments(project):
    mechanism = project.payment_mechanisms.filter(active=True).first()
    if mechanism is not None and mechanism.contract_id:
        return mechanism.contract
    return project.contracts.order_by("signed_on", "id").first()


def add_performance(project, entry: dict) -> None:
    contract = _contract_for_payments(project)
    if contract is None or entry.get("id") != (contract.number or str(contract.pk)):
        return
    framework = project.frameworks.order_by("-version").first()
    if framework is not None:
        entry["agreedMetrics"] = [
            {
                "id": indicator.code,
                "title": indicator.name,
                "description": " · ".join(x for x in (indicator.standard, indicator.explanation) if x)
                or None,
            }
            for indicator in framework.indicators.filter(level=3)
        ]
    published = Evaluation.objects.filter(project=project, state=State.PUBLISHED, total__isnull=False)
    observations = [
        {
            "id": str(evaluation.pk),
            "period": {
                "startDate": ocds._dt(evaluation.period_start),
                "endDate": ocds._end_dt(evaluation.period_end),
            },
            "measure": float(evaluation.total),
            "notes": "veto" if evaluation.veto_failed else None,
        }
        for evaluation in published.order_by("period_end")
    ]
    if observations:
        entry["implementation"]["metrics"] = [
            {"id": "performance-total", "title": "绩效评价总分", "observations": observations}
        ]
    payments = Payment.objects.filter(
        calculation__evaluation__project=project, calculation__evaluation__state=State.PUBLISHED
    ).order_by("paid_on", "id")
    payee = [ocds.party_ref(project.project_company)] if project.project_company_id else []
    entry["implementation"]["transactions"] = [
        {
            "id": payment.reference,
            "source": project.finance_department.name,
            "date": ocds._dt(payment.paid_on),
            "value": ocds.money(payment.amount),
            "payer": ocds.party_ref(project.finance_department),
            **({"payee": payee[0]} if payee else {}),
        }
        for payment in payments
    ]
