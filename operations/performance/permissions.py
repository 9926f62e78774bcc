"""Who may see and do what in performance and payment. The one place that says so.

- A project's evaluations are seen by whoever sees the project (operations.permissions): the
  finance department's PPP managers, the implementing agency's officials, the project company's
  representatives (their own project only); plus evaluators (users with the role `evaluator`, or
  of kind `evaluator`) on the evaluations they are assigned to — and nothing else.
- Frameworks and payment mechanisms are edited by the implementing agency or the finance PPP
  managers; monitoring data is reported by the project company's representatives (and checked by
  the agency).
- DRAFT → SELF_ASSESSMENT (open): implementing agency or finance PPP manager.
  SELF_ASSESSMENT → AGENCY_SCORING (submit self-assessment): the company's representative.
  AGENCY_SCORING → DEPT_REVIEW (submit scores): the implementing agency or an assigned evaluator.
  DEPT_REVIEW → APPROVED / back to AGENCY_SCORING, APPROVED → PUBLISHED, payments: finance PPP manager.
"""

from __future__ import annotations

from django.db.models import Q

from operations import permissions as ppp

EVALUATOR = "evaluator"


def is_evaluator(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if getattr(user, "kind", "") == EVALUATOR:
        return True
    from coordination.models import Position

    return Position.objects.filter(user=user, active=True, roles__code=EVALUATOR).exists()


def can_use_performance(user) -> bool:
    """Who has a use for the performance pages at all: PPP users (managers, agencies, project
    companies) and evaluators. Everyone else is refused rather than shown an empty list."""
    return ppp.can_use_ppp(user) or is_evaluator(user)


def evaluation_scope(user) -> Q | None:
    """A filter on Evaluation for what the user may see; None when nothing."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    project_q = ppp.project_scope(user)
    q = Q(pk__in=[])
    if project_q is not None:
        if project_q == Q():
            return Q()
        q |= Q(project__in=_projects(project_q))
    q |= Q(evaluators=user)
    return q


def _projects(project_q):
    from operations.models import Project

    return Project.objects.filter(project_q).values("pk")


def is_company(user, project) -> bool:
    return project.project_company_id is not None and project.project_company_id in ppp.company_units(user)


def is_agency(user, project) -> bool:
    return bool(user.is_superuser) or project.implementing_agency_id in ppp.agency_units(user)


def is_manager(user, project) -> bool:
    return ppp.can_approve_stage(user, project)


def can_edit_framework(user, project) -> bool:
    return ppp.can_edit_project(user, project)


def can_report(user, project) -> bool:
    return is_company(user, project) or is_agency(user, project)


def can_open(user, evaluation) -> bool:
    return is_agency(user, evaluation.project) or is_manager(user, evaluation.project)


def can_self_assess(user, evaluation) -> bool:
    return bool(user.is_superuser) or is_company(user, evaluation.project)


def is_assigned(user, evaluation) -> bool:
    return is_evaluator(user) and evaluation.evaluators.filter(pk=user.pk).exists()


def can_score(user, evaluation) -> bool:
    return is_agency(user, evaluation.project) or is_assigned(user, evaluation)


def can_review(user, evaluation) -> bool:
    return is_manager(user, evaluation.project)


def can_pay(user, project) -> bool:
    return is_manager(user, project)
