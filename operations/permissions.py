"""Who may see and change PPP records. The one place that says so.

- PPP managers (role `ppp_manager`) of a project's finance department, and the officials holding
  an active position in its implementing agency, see and edit the project.
- Representatives (role `representative`) of the project company see only their own project.
- Stage transitions are approved by a PPP manager of the finance department.
- Everyone else: 404 on a project, 403 on the PPP pages. Published projects are public through the
  disclosure page only.
"""

from __future__ import annotations

from django.db.models import Q

PPP_MANAGER = "ppp_manager"
REPRESENTATIVE = "representative"


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _unit_ids(user, role: str | None = None) -> set[int]:
    if not _active(user):
        return set()
    cache_name = f"_ppp_units_{role or 'any'}"
    cached = getattr(user, cache_name, None)
    if cached is None:
        from coordination.models import Position

        positions = Position.objects.filter(user=user, active=True)
        if role:
            positions = positions.filter(roles__code=role)
        cached = set(positions.values_list("unit_id", flat=True))
        setattr(user, cache_name, cached)
    return cached


def _official(user) -> bool:
    return _active(user) and getattr(user, "kind", "official") == "official"


def manager_units(user) -> set[int]:
    return _unit_ids(user, PPP_MANAGER) if _official(user) else set()


def agency_units(user) -> set[int]:
    return _unit_ids(user) if _official(user) else set()


def company_units(user) -> set[int]:
    return _unit_ids(user, REPRESENTATIVE)


def project_scope(user) -> Q | None:
    """A filter for the projects the user may see; None when the user sees none."""
    if not _active(user):
        return None
    if user.is_superuser:
        return Q()
    q = Q(pk__in=[])
    if manager_units(user):
        q |= Q(finance_department_id__in=manager_units(user))
    if agency_units(user):
        q |= Q(implementing_agency_id__in=agency_units(user))
    if company_units(user):
        q |= Q(project_company_id__in=company_units(user))
    return q


def can_use_ppp(user) -> bool:
    """Whether the PPP pages open at all (otherwise 403)."""
    if not _active(user):
        return False
    if user.is_superuser or manager_units(user) or company_units(user):
        return True
    from operations.models import Project

    return Project.objects.filter(implementing_agency_id__in=agency_units(user)).exists()


def can_edit_project(user, project) -> bool:
    if not _active(user):
        return False
    return (
        user.is_superuser
        or project.finance_department_id in manager_units(user)
        or project.implementing_agency_id in agency_units(user)
    )


def can_create_project(user) -> bool:
    return _active(user) and (user.is_superuser or bool(manager_units(user)))


def can_approve_stage(user, project) -> bool:
    return _active(user) and (user.is_superuser or project.finance_department_id in manager_units(user))


def can_review_flags(user, project) -> bool:
    return can_edit_project(user, project)


def can_manage_catalogue(user) -> bool:
    return can_create_project(user)


def can_manage_parties(user) -> bool:
    return can_create_project(user)


def can_import_benchmarks(user) -> bool:
    return can_create_project(user)
