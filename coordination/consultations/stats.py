"""Statistics of consultations: comments by stakeholder type and by answer outcome, adoption rate.

Only visible comments count (status `active`): withdrawn and hidden ones are left out. The adoption
rate is (adopted + partly adopted) / (adopted + partly adopted + not adopted); comments answered
"noted" (no proposal to adopt) and unanswered ones are outside the rate. None when nothing counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from .models import Comment, CommentStatus, Outcome, Stakeholder


def adoption_rate(adopted: int, partly: int, not_adopted: int) -> float | None:
    """Percentage, one decimal; None when no comment was decided either way."""
    decided = adopted + partly + not_adopted
    if decided == 0:
        return None
    return round(100.0 * (adopted + partly) / decided, 1)


@dataclass
class Stats:
    total: int = 0
    by_stakeholder: dict[str, int] = field(default_factory=dict)
    by_outcome: dict[str, int] = field(default_factory=dict)
    unanswered: int = 0

    @property
    def rate(self) -> float | None:
        o = self.by_outcome
        return adoption_rate(
            o.get(Outcome.ADOPTED, 0), o.get(Outcome.PARTLY, 0), o.get(Outcome.NOT_ADOPTED, 0)
        )

    def stakeholder_rows(self):
        return [(label, self.by_stakeholder.get(value, 0)) for value, label in Stakeholder.choices]

    def outcome_rows(self):
        return [(label, self.by_outcome.get(value, 0)) for value, label in Outcome.choices]

    def chart_data(self) -> dict:
        return {
            "labels": {"stakeholder": _("Comments by stakeholder type"), "outcome": _("Answers by outcome")},
            "stakeholders": [{"name": str(label), "value": n} for label, n in self.stakeholder_rows()],
            "outcomes": [{"name": str(label), "value": n} for label, n in self.outcome_rows()]
            + ([{"name": _("Not yet answered"), "value": self.unanswered}] if self.unanswered else []),
        }


def _aggregate(qs) -> dict:
    aggregates = {"total": Count("id")}
    for value in Stakeholder.values:
        aggregates[f"s_{value}"] = Count("id", filter=Q(stakeholder=value))
    for value in Outcome.values:
        aggregates[f"o_{value}"] = Count("id", filter=Q(outcome=value))
    aggregates["unanswered"] = Count("id", filter=Q(outcome=""))
    return qs.aggregate(**aggregates)


def _stats(row: dict) -> Stats:
    return Stats(
        total=row["total"] or 0,
        by_stakeholder={v: row[f"s_{v}"] or 0 for v in Stakeholder.values},
        by_outcome={v: row[f"o_{v}"] or 0 for v in Outcome.values},
        unanswered=row["unanswered"] or 0,
    )


def consultation_stats(consultation) -> Stats:
    """One query."""
    return _stats(_aggregate(Comment.objects.filter(consultation=consultation, status=CommentStatus.ACTIVE)))


def stats_across(consultations_qs) -> tuple[list[tuple[object, Stats]], Stats]:
    """Per-consultation statistics and the total for a queryset of consultations (two queries)."""
    consultations = list(consultations_qs.select_related("owner_unit"))
    ids = [c.pk for c in consultations]
    visible = Comment.objects.filter(consultation_id__in=ids, status=CommentStatus.ACTIVE)
    rows = {}
    aggregates = {"total": Count("id")}
    for value in Stakeholder.values:
        aggregates[f"s_{value}"] = Count("id", filter=Q(stakeholder=value))
    for value in Outcome.values:
        aggregates[f"o_{value}"] = Count("id", filter=Q(outcome=value))
    aggregates["unanswered"] = Count("id", filter=Q(outcome=""))
    for row in visible.values("consultation_id").annotate(**aggregates).order_by():
        rows[row["consultation_id"]] = _stats(row)
    total = Stats(
        by_stakeholder=dict.fromkeys(Stakeholder.values, 0), by_outcome=dict.fromkeys(Outcome.values, 0)
    )
    result = []
    for c in consultations:
        s = rows.get(c.pk) or Stats(
            by_stakeholder=dict.fromkeys(Stakeholder.values, 0), by_outcome=dict.fromkeys(Outcome.values, 0)
        )
        result.append((c, s))
        total.total += s.total
        total.unanswered += s.unanswered
        for v in Stakeholder.values:
            total.by_stakeholder[v] += s.by_stakeholder[v]
        for v in Outcome.values:
            total.by_outcome[v] += s.by_outcome[v]
    return result, total
