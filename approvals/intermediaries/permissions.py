"""Who may see and do what in the intermediary market. The one place that says so.

- Owners: applicants (citizens and enterprises). Only they post needs and choose how the
  intermediary is selected; administrative bodies may not designate an intermediary for an owner
  (DOMAIN.md §4), so every owner action refuses officials — whatever their roles.
- Intermediary staff: users holding the `intermediary` role in the enterprise unit registered in
  the market. They manage their registration, bid and upload results of their own engagements.
- The regulator: officials holding the existing `supervisor` role (electronic supervision) in any
  unit. They review registrations, grade intermediaries, handle complaints and blacklist.
- The public (no login): approved intermediaries, announcements, results and the draw verifier.
"""

from __future__ import annotations

from portal.models import UserKind

OWNER_KINDS = (UserKind.CITIZEN, UserKind.ENTERPRISE)
REGULATOR_ROLE = "supervisor"
STAFF_ROLE = "intermediary"


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_owner(user) -> bool:
    return _active(user) and user.kind in OWNER_KINDS


def is_official(user) -> bool:
    return _active(user) and user.kind == UserKind.OFFICIAL


def is_regulator(user) -> bool:
    if not is_official(user):
        return False
    from coordination.models import Position

    return Position.objects.filter(user=user, active=True, roles__code=REGULATOR_ROLE).exists()


def staff_unit_ids(user) -> list[int]:
    """The enterprise units in which the user holds the intermediary role."""
    if not _active(user) or user.kind != UserKind.INTERMEDIARY:
        return []
    from coordination.models import Position

    return list(
        Position.objects.filter(user=user, active=True, roles__code=STAFF_ROLE).values_list(
            "unit_id", flat=True
        )
    )


def is_intermediary_staff(user, intermediary) -> bool:
    return intermediary.unit_id in staff_unit_ids(user)


def can_act_as_owner(user, need) -> bool:
    return is_owner(user) and need.owner_id == user.pk
