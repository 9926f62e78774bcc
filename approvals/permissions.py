"""Who may do what with the approval catalogue. The one place that says so.

The public service guide is open to everyone (no login). The catalogue is maintained in Django
admin: superusers, or staff granted the model permissions there.
"""

from __future__ import annotations


def _admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and (user.is_superuser or user.is_staff))


def can_publish_item(user) -> bool:
    return _admin(user) and (user.is_superuser or user.has_perm("approvals.change_item"))


def can_publish_package(user) -> bool:
    return _admin(user) and (user.is_superuser or user.has_perm("approvals.change_package"))


# -- Applications -----------------------------------------------------------------------------------


def holds_role(user, unit_id, role: str) -> bool:
    """Whether the user holds an active position with `role` in the unit."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    from coordination.models import Position

    return Position.objects.filter(user=user, unit_id=unit_id, active=True, roles__code=role).exists()


def can_accept(user, application) -> bool:
    """Window clerks of the lead department receive and accept applications (受理)."""
    return holds_role(user, application.lead_department_id, "window_clerk")


def can_review(user, task) -> bool:
    return holds_role(user, task.department_id, "reviewer")


def can_approve_extension(user, task) -> bool:
    """The head of the authority approves an extension (行政许可法 art. 42)."""
    return holds_role(user, task.department_id, "head")


def can_consolidate(user, application) -> bool:
    """The lead department's coordinators consolidate and decide the package."""
    return holds_role(user, application.lead_department_id, "lead_coordinator")


# -- 代办: government agents acting for applicants ---------------------------------------------------

PREPARE = "prepare"  # fill in, hand in / pledge / supply materials, submit
WITHDRAW = "withdraw"


def is_government_agent(user) -> bool:
    """Officials holding the agent role (代办员) in any unit."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    from coordination.models import Position

    return Position.objects.filter(user=user, active=True, roles__code="agent").exists()


def is_supervisor(user) -> bool:
    """Officials who supervise some government's approvals (electronic supervision)."""
    return bool(supervised_paths(user))


def agent_grants_to(user, *, today=None):
    """The active grants the user holds as an agent (empty for anyone else)."""
    from approvals.models import AgentGrant
    from portal.clocks.services import local_today

    if not (user and user.is_authenticated and user.is_active):
        return AgentGrant.objects.none()
    today = today or local_today()
    return AgentGrant.objects.filter(
        agent=user, revoked_at__isnull=True, valid_from__lte=today, valid_until__gte=today
    )


def agent_grant_for(user, application, scope: str | None = None):
    """The user's active grant from the application's applicant that reaches this application and,
    when `scope` is given, allows that act; None if there is none."""
    grants = agent_grants_to(user).filter(applicant_id=application.applicant_id)
    if scope == PREPARE:
        grants = grants.filter(may_prepare=True)
    elif scope == WITHDRAW:
        grants = grants.filter(may_withdraw=True)
    return next((g for g in grants if g.covers(application)), None)


def can_act_for(user, application, scope: str) -> bool:
    """The applicant themself, or an agent whose grant covers the act."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return application.applicant_id == user.pk or agent_grant_for(user, application, scope) is not None


# -- 告知承诺: verifying pledges -----------------------------------------------------------------------


def can_verify_pledge(user, verification) -> bool:
    """The lead department's reviewers verify what was pledged."""
    return holds_role(user, verification.department_id, "reviewer")


def can_lift_credit_record(user) -> bool:
    return _admin(user) and (user.is_superuser or user.has_perm("approvals.change_creditrecord"))


def official_unit_ids(user) -> set[int]:
    """Units in which the user holds an active position."""
    if not (user and user.is_authenticated and user.is_active):
        return set()
    from coordination.models import Position

    return set(Position.objects.filter(user=user, active=True).values_list("unit_id", flat=True))


def can_view_application(user, application) -> bool:
    """The applicant, an agent they granted it to, and officials of the lead department or of a
    department reviewing it.

    Lists use the same rule in SQL (approvals.selectors); this is for one object at hand.
    """
    if not (user and user.is_authenticated and user.is_active):
        return False
    if application.applicant_id == user.pk or agent_grant_for(user, application) is not None:
        return True
    units = official_unit_ids(user)
    if not units:
        return False
    if application.lead_department_id in units:
        return True
    if application.tasks.filter(department_id__in=units).exists():
        return True
    return supervises_application(user, application)


# -- Electronic supervision (approvals.supervision) ------------------------------------------------------


def supervised_paths(user) -> list[str]:
    """Tree paths of the governments whose departments the user supervises (2 queries).

    An official with the `supervisor` role in a unit supervises the subtree of the nearest
    ancestor-or-self of kind government (OrgKind.GOVERNMENT, e.g. 云溪市人民政府 for its general
    office); a unit with no government above it is supervised only within its own subtree.
    """
    if not (user and user.is_authenticated and user.is_active):
        return []
    from coordination.models import Position

    unit_paths = set(
        Position.objects.filter(user=user, active=True, roles__code="supervisor").values_list(
            "unit__path", flat=True
        )
    )
    return sorted(set(government_paths(unit_paths).values()))


def government_paths(unit_paths) -> dict[str, str]:
    """For each unit path, the path of its nearest ancestor-or-self of kind government (1 query)."""
    from coordination.models import OrgKind, OrgUnit

    unit_paths = [p for p in unit_paths if p]
    if not unit_paths:
        return {}
    step = OrgUnit.steplen
    prefixes = {p[:i] for p in unit_paths for i in range(step, len(p) + 1, step)}
    governments = set(
        OrgUnit.objects.filter(kind=OrgKind.GOVERNMENT, path__in=prefixes).values_list("path", flat=True)
    )
    result = {}
    for path in unit_paths:
        candidates = [path[:i] for i in range(len(path), 0, -step) if path[:i] in governments]
        result[path] = candidates[0] if candidates else path
    return result


def in_paths_q(paths, field: str):
    """A Q matching rows whose unit (`field`, e.g. "department"; "" for units) lies in the subtrees."""
    from django.db.models import Q

    lookup = f"{field}__path__startswith" if field else "path__startswith"
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{lookup: path})
    return query


def supervises_application(user, application) -> bool:
    """A supervisor sees the applications led by, or reviewed by, a department in their scope."""
    paths = supervised_paths(user)
    if not paths:
        return False
    from approvals.models import Application

    return (
        Application.objects.filter(pk=application.pk)
        .filter(in_paths_q(paths, "lead_department") | in_paths_q(paths, "tasks__department"))
        .exists()
    )
