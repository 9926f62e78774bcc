"""Writes to the organisation chart: one function per use case (DESIGN.md §4.1).

Structural changes to the tree (add, move, delete) take one transaction-scoped lock so that two
admins adding siblings at the same moment cannot compute the same materialised path.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from treebeard.exceptions import InvalidMoveToDescendant

from coordination.models import LeadingGroupMember, Nameplate, OrgUnit, Position
from portal.errors import Conflict, DomainError

# An arbitrary constant naming the PostgreSQL advisory lock that serialises tree structure writes.
ORG_TREE_LOCK = 0x0A9_7EE

UNIT_FIELDS = [
    "code",
    "name",
    "kind",
    "level",
    "division_code",
    "uscc",
    "line",
    "line_superior",
    "active",
    "description",
]
TREE_FIELDS = ["path", "depth", "numchild"]


def lock_tree() -> None:
    """Serialise structural tree writes inside the current transaction.

    PostgreSQL: an advisory transaction lock. SQLite: writes are serialised by the database.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ORG_TREE_LOCK])


def _validate(unit: OrgUnit) -> None:
    unit.full_clean(exclude=TREE_FIELDS)


def sync_primary_name(unit: OrgUnit) -> None:
    """Keep the unit's name equal to its primary nameplate (creating one if it has none)."""
    primary = unit.nameplates.filter(is_primary=True).first()
    if primary is None:
        plate = unit.nameplates.filter(name=unit.name).first()
        if plate:
            plate.is_primary = True
            plate.save(update_fields=["is_primary"])
        else:
            Nameplate.objects.create(unit=unit, name=unit.name, is_primary=True)
    elif primary.name != unit.name:
        OrgUnit.objects.filter(pk=unit.pk).update(name=primary.name)
        unit.name = primary.name


@transaction.atomic
def org_unit_create(*, actor, parent: OrgUnit | None, data: dict) -> OrgUnit:
    """Add a unit under `parent` (a root when None), validated, with its primary nameplate."""
    lock_tree()
    unit = OrgUnit(**{k: v for k, v in data.items() if k in UNIT_FIELDS})
    _validate(unit)
    if parent is None:
        unit = OrgUnit.objects.add_root(instance=unit)
    else:
        parent = OrgUnit.objects.get(pk=parent.pk)  # fresh numchild and path under the lock
        unit = OrgUnit.objects.add_child(parent, instance=unit)
    sync_primary_name(unit)
    return unit


KEEP = object()  # sentinel: leave the unit where it is


@transaction.atomic
def org_unit_update(*, actor, unit: OrgUnit, data: dict, parent=KEEP) -> OrgUnit:
    """Change a unit's fields and, when `parent` is given (None = make it a root), move it too:
    all or nothing."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    name_changed = "name" in data and data["name"] != unit.name
    for key, value in data.items():
        if key in UNIT_FIELDS:
            setattr(unit, key, value)
    _validate(unit)
    unit.save()
    if name_changed:
        Nameplate.objects.filter(unit=unit, is_primary=True).update(is_primary=False)
        plate, _created = Nameplate.objects.get_or_create(unit=unit, name=unit.name)
        plate.is_primary = True
        plate.save(update_fields=["is_primary"])
    sync_primary_name(unit)
    if parent is not KEEP:
        unit = org_unit_move(actor=actor, unit=unit, target=parent)
    return unit


@transaction.atomic
def org_unit_move(*, actor, unit: OrgUnit, target: OrgUnit | None, position: str = "last-child") -> OrgUnit:
    """Move a unit (and its subtree) relative to `target`; never under its own descendant."""
    lock_tree()
    unit = OrgUnit.objects.get(pk=unit.pk)
    if target is None:
        last_root = OrgUnit.objects.get_last_root_node()
        target, position = last_root, "last-sibling"
    else:
        target = OrgUnit.objects.get(pk=target.pk)
    if target.pk == unit.pk and position.endswith("child"):
        raise DomainError(_("A unit cannot be placed under itself."), field="parent")
    try:
        OrgUnit.objects.move(unit, target, pos=position)
    except InvalidMoveToDescendant:
        raise DomainError(
            _("A unit cannot be moved under one of its own sub-units; that would make a cycle."),
            field="parent",
        ) from None
    return OrgUnit.objects.get(pk=unit.pk)


def deletion_blockers(unit: OrgUnit) -> list[str]:
    """Why a unit cannot be deleted (empty when it can)."""
    reasons = []
    if n := OrgUnit.objects.get_children_count(unit):
        reasons.append(
            ngettext(
                "it has %(n)d sub-unit; move or delete it first",
                "it has %(n)d sub-units; move or delete them first",
                n,
            )
            % {"n": n}
        )
    if n := Position.objects.filter(unit=unit).count():
        reasons.append(
            ngettext("%(n)d person holds a position in it", "%(n)d people hold positions in it", n) % {"n": n}
        )
    if n := LeadingGroupMember.objects.filter(group=unit).count():
        reasons.append(
            ngettext("it has %(n)d leading-group member", "it has %(n)d leading-group members", n) % {"n": n}
        )
    if n := LeadingGroupMember.objects.filter(represents=unit).count():
        reasons.append(
            ngettext("it holds %(n)d seat in a leading group", "it holds %(n)d seats in leading groups", n)
            % {"n": n}
        )
    if n := OrgUnit.objects.filter(line_superior=unit).count():
        reasons.append(
            ngettext("it is the line superior of %(n)d unit", "it is the line superior of %(n)d units", n)
            % {"n": n}
        )
    return reasons


@transaction.atomic
def org_unit_delete(*, actor, unit: OrgUnit) -> None:
    lock_tree()
    unit = OrgUnit.objects.get(pk=unit.pk)
    if reasons := deletion_blockers(unit):
        raise Conflict(
            _("%(unit)s cannot be deleted: %(reasons)s.")
            % {"unit": unit.name, "reasons": _("; ").join(reasons)}
        )
    unit.delete()


@transaction.atomic
def nameplate_set_primary(*, actor, nameplate: Nameplate) -> Nameplate:
    nameplate = Nameplate.objects.select_for_update().get(pk=nameplate.pk)
    Nameplate.objects.filter(unit_id=nameplate.unit_id, is_primary=True).exclude(pk=nameplate.pk).update(
        is_primary=False
    )
    nameplate.is_primary = True
    nameplate.save(update_fields=["is_primary"])
    sync_primary_name(nameplate.unit)
    return nameplate
