"""Reads for performance and payment, scoped in SQL to what the user may see (DESIGN.md §4.2)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from operations import selectors as ppp_selectors
from operations.models import Project
from operations.performance import permissions as perms
from operations.performance.models import (
    Evaluation,
    Framework,
    Indicator,
    IndicatorScore,
    MonitoringRecord,
    Payment,
    PaymentCalculation,
    State,
)


def evaluations_visible(user) -> QuerySet[Evaluation]:
    scope = perms.evaluation_scope(user)
    if scope is None:
        return Evaluation.objects.none()
    return (
        Evaluation.objects.filter(scope)
        .distinct()
        .select_related("project", "framework", "calculation")
        .order_by("-period_end", "project__code", "-id")
    )


def evaluation_get(user, pk: int) -> Evaluation:
    evaluation = evaluations_visible(user).filter(pk=pk).first()
    if evaluation is None:
        raise Http404
    return evaluation


def project_get(user, code: str) -> Project:
    """The project by code when the user may see it (404 otherwise)."""
    return ppp_selectors.project_get(user=user, code=code)


def framework_tree(framework: Framework) -> list[dict]:
    """The indicators as nested dicts (one query)."""
    indicators = list(framework.indicators.all())
    by_parent: dict[int | None, list[Indicator]] = {}
    for indicator in indicators:
        by_parent.setdefault(indicator.parent_id, []).append(indicator)

    def node(indicator):
        return {"indicator": indicator, "children": [node(c) for c in by_parent.get(indicator.pk, [])]}

    return [node(i) for i in by_parent.get(None, [])]


def evaluation_rows(evaluation: Evaluation) -> list[dict]:
    """Leaf rows with the self-assessed and agency scores (two queries)."""
    scores: dict[tuple[int, str], IndicatorScore] = {
        (s.indicator_id, s.stage): s for s in evaluation.scores.all()
    }
    rows = []
    for indicator in (
        evaluation.framework.indicators.filter(level=3)
        .select_related("parent__parent")
        .order_by("parent__parent__position", "parent__position", "position")
    ):
        rows.append(
            {
                "indicator": indicator,
                "self": scores.get((indicator.pk, "self")),
                "agency": scores.get((indicator.pk, "agency")),
            }
        )
    return rows


def records_for(project: Project) -> QuerySet[MonitoringRecord]:
    return (
        MonitoringRecord.objects.filter(indicator__framework__project=project)
        .select_related("indicator", "recorded_by")
        .order_by("-period_end", "indicator__code", "-id")
    )


def score_history(project: Project) -> list[dict]:
    """Approved and published totals by period, oldest first (for the chart)."""
    rows = Evaluation.objects.filter(
        project=project, state__in=[State.APPROVED, State.PUBLISHED], total__isnull=False
    ).order_by("period_end")
    return [{"period": e.period_end.isoformat(), "total": str(e.total)} for e in rows]


def latest_published(project: Project) -> Evaluation | None:
    return (
        Evaluation.objects.filter(project=project, state=State.PUBLISHED)
        .select_related("framework")
        .order_by("-period_end")
        .first()
    )


def payments_for(project: Project) -> QuerySet[PaymentCalculation]:
    return (
        PaymentCalculation.objects.filter(evaluation__project=project)
        .select_related("evaluation")
        .prefetch_related(Prefetch("payments", queryset=Payment.objects.order_by("paid_on", "id")))
        .order_by("-evaluation__period_end")
    )
