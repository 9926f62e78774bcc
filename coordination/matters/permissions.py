"""Who may see and do what with coordination matters and meetings. The one place that says so.

- Whole programme (coordination.permissions.sees_whole_programme): superusers, the smart-city
  office's coordinators and leading-group seat holders see every matter and meeting.
- A unit's people (an active Position in it, enterprises' representatives included) see the
  matters their unit leads, cooperates on or raised, and the meetings their unit attended.
- The office (coordinators, superusers) creates and edits matters and meetings, records decisions
  and rates units; the lead unit reports completion; lead and cooperating units report progress;
  the raiser (the office, or people of the raising unit) accepts or returns a completion report.
"""

from __future__ import annotations

from coordination.permissions import sees_whole_programme

__all__ = ["sees_whole_programme"]


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def unit_ids(user) -> set[int]:
    """The units the user holds an active position in (one query, cached on the user)."""
    if not _active(user):
        return set()
    cached = getattr(user, "_matter_unit_ids", None)
    if cached is None:
        from coordination.models import Position

        cached = set(Position.objects.filter(user=user, active=True).values_list("unit_id", flat=True))
        user._matter_unit_ids = cached
    return cached


def is_office(user) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    from coordination.models import Position, RoleCode

    return Position.objects.filter(user=user, active=True, roles__code=RoleCode.OFFICE_COORDINATOR).exists()


def can_manage(user) -> bool:
    """Create, edit, open, cancel and close matters; run meetings; rate units."""
    return is_office(user)


def participant_units(matter) -> set[int]:
    return {matter.lead_unit_id, *(u.pk for u in matter.cooperating_units.all())}


def reporting_unit_id(user, matter) -> int | None:
    """The unit in whose name the user reports on the matter: the lead unit first."""
    mine = unit_ids(user)
    if matter.lead_unit_id in mine:
        return matter.lead_unit_id
    for unit_id in sorted(participant_units(matter) & mine):
        return unit_id
    return None


def can_report(user, matter) -> bool:
    return reporting_unit_id(user, matter) is not None


def can_report_completion(user, matter) -> bool:
    return matter.lead_unit_id in unit_ids(user)


def can_accept(user, matter) -> bool:
    return is_office(user) or matter.raised_by_id in unit_ids(user)
