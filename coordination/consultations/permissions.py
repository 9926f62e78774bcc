"""Who may see and do what in public consultations. The one place that says so.

- Anyone (no login) reads the public pages: consultations that are open, closed or published,
  and after publication the answers with the commenters' names masked.
- Registered applicants (citizens and enterprises, portal.models.UserKind) and representatives of
  an enterprise or social organisation (an active `representative` position in a unit of that
  kind) comment while a consultation is open, and see and withdraw their own comments.
- Officials holding an active position in the owner unit manage a consultation (edit, open, answer,
  moderate, publish); so does whoever steers the whole programme
  (coordination.permissions.sees_whole_programme: the smart-city office, leading-group seats,
  superusers). Everyone else gets 404 for the management pages.
"""

from __future__ import annotations

from coordination.models import OrgKind, Position, RoleCode
from coordination.models.organisation import GOVERNMENT_KINDS
from coordination.permissions import sees_whole_programme
from portal.models import UserKind

from .models import Stakeholder

__all__ = ["sees_whole_programme"]


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_official(user) -> bool:
    return _active(user) and (user.is_superuser or user.kind == UserKind.OFFICIAL)


def managed_unit_ids(user) -> list[int] | None:
    """Units whose consultations `user` manages; None means all (the whole programme)."""
    if not is_official(user):
        return []
    if sees_whole_programme(user):
        return None
    return list(Position.objects.filter(user=user, active=True).values_list("unit_id", flat=True).distinct())


def can_manage_any(user) -> bool:
    ids = managed_unit_ids(user)
    return ids is None or bool(ids)


def can_manage(user, consultation) -> bool:
    ids = managed_unit_ids(user)
    return ids is None or consultation.owner_unit_id in ids


def can_create_for(user, unit) -> bool:
    ids = managed_unit_ids(user)
    return ids is None or unit.pk in ids


def _representation(user):
    """(stakeholder, organisation name) from an active representative position, else None."""
    position = (
        Position.objects.filter(
            user=user,
            active=True,
            roles__code=RoleCode.REPRESENTATIVE,
        )
        .exclude(unit__kind__in=(*GOVERNMENT_KINDS, OrgKind.LEADING_GROUP))
        .select_related("unit")
        .order_by("id")
        .first()
    )
    if position is None:
        return None
    kind = {OrgKind.ENTERPRISE: Stakeholder.ENTERPRISE, OrgKind.SOCIAL_ORG: Stakeholder.SOCIAL_ORG}.get(
        position.unit.kind, Stakeholder.OTHER
    )
    return kind, position.unit.name


def stakeholder_of(user) -> tuple[str, str] | None:
    """The stakeholder type and organisation a user comments as, taken from the account and the
    organisation chart (never from a form); None if the user may not comment at all."""
    if not _active(user):
        return None
    represented = _representation(user)
    if user.kind == UserKind.ENTERPRISE:
        return Stakeholder.ENTERPRISE, user.organisation_name or (represented[1] if represented else "")
    if represented is not None:
        # An organisation's representative speaks for it (even with a citizen account).
        return represented
    if user.kind == UserKind.CITIZEN:
        return Stakeholder.CITIZEN, ""
    return None


def can_comment(user) -> bool:
    return stakeholder_of(user) is not None
