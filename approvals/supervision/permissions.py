"""Who may see and do what in electronic supervision. The one place that says so.

Scope: an official with the `supervisor` role in a unit supervises the approvals of the
departments of their government — the subtree of the nearest ancestor-or-self of kind government
(approvals.permissions.supervised_paths, which the official case page shares). Departments see
their own notices: reviewers and heads answer for department tasks, lead coordinators and heads
for notices about an application's promised limit.
"""

from __future__ import annotations

from approvals.permissions import government_paths, holds_role, in_paths_q, is_supervisor, supervised_paths

__all__ = ["government_paths", "in_paths_q", "is_supervisor", "supervised_paths"]

SUPERVISOR = "supervisor"


def overseen_paths(user) -> list[str]:
    """The heads of a unit with supervisors (the supervisors' superiors) read the notices of the
    same governments (2 queries)."""
    if not (user and user.is_authenticated and user.is_active):
        return []
    from coordination.models import Position

    supervising = Position.objects.filter(active=True, roles__code=SUPERVISOR).values("unit_id")
    unit_paths = set(
        Position.objects.filter(
            user=user, active=True, roles__code="head", unit_id__in=supervising
        ).values_list("unit__path", flat=True)
    )
    return sorted(set(government_paths(unit_paths).values()))


def path_in(path: str, paths) -> bool:
    return any(path.startswith(p) for p in paths)


def can_supervise_unit(user, unit) -> bool:
    return path_in(unit.path, supervised_paths(user))


def can_issue(user, department) -> bool:
    return can_supervise_unit(user, department)


def responder_roles(notice) -> tuple[str, ...]:
    return ("reviewer", "head") if notice.task_id else ("lead_coordinator", "head")


def can_respond(user, notice) -> bool:
    return any(holds_role(user, notice.department_id, role) for role in responder_roles(notice))


def can_close(user, notice) -> bool:
    return can_supervise_unit(user, notice.department)
