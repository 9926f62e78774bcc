"""Writes to the organisation chart: one function per use case (DESIGN.md §4.1).

Structural changes to the tree (add, move, delete) take one transaction-scoped lock so that two
admins adding siblings at the same moment cannot compute the same materialised path.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _
from treebeard.exceptions import InvalidMoveToDescendant

from coordination.models import LeadingGroupMember, Nameplate, OrgUnit, Position
from portal.errors import Conflict, DomainError

# An arbitrary constant naming the PostgreSQL advisory lock that serialises tree structure writes.
ORG_TREE_LOCK = 0x0A9_7EE

UNIT_FIELDS = ["code", "name", "kind", "level", "division_code", "uscc", "line", "line_superior",
               "active", "description"]
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
def org_unit_create(*, actor, parent: OrgUnit | None, data: dict,
                    position: str = "last-child", sibling: OrgUnit | None = None) -> OrgUnit:
    """Add a unit under `parent` (a root when None), validated, with its primary nameplate."""
    lock_tree()
    unit = OrgUnit(**{k: v for k, v in data.items() if k in UNIT_FIELDS})
    _validate(unit)
    if sibling is not None:
        sibling = OrgUnit.objects.get(pk=sibling.pk)
        unit = sibling.add_sibling(position.replace("child", "sibling"), instance=unit)
    elif parent is None:
        unit = OrgUnit.add_root(instance=unit)
    else:
        parent = OrgUnit.objects.get(pk=parent.pk)  # fresh numchild and path under the lock
        unit = parent.add_child(instance=unit)
    sync_primary_name(unit)
    return unit


@transaction.atomic
def org_unit_update(*, actor, unit: OrgUnit, data: dict) -> OrgUnit:
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
    return unit


@transaction.atomic
def org_unit_move(*, actor, unit: OrgUnit, target: OrgUnit | None, position: str = "last-child") -> OrgUnit:
    """Move a unit (and its subtree) relative to `target`; never under its own descendant."""
    lock_tree()
    unit = OrgUnit.objects.get(pk=unit.pk)
    if target is None:
        last_root = OrgUnit.get_last_root_node()
        target, position = last_root, "last-sibling"
    else:
        target = OrgUnit.objects.get(pk=target.pk)
    if target.pk == unit.pk and position.endswith("child"):
        raise DomainError(_("A unit cannot be placed under itself."), field="parent")
    try:
        unit.move(target, pos=position)
    except InvalidMoveToDescendant:
        raise DomainError(_("A unit cannot be moved under one of its own sub-units; that would "
                            "make a cycle."), field="parent") from None
    return OrgUnit.objects.get(pk=unit.pk)


def deletion_blockers(unit: OrgUnit) -> list[str]:
    """Why a unit cannot be deleted (empty when it can)."""
    reasons = []
    if n := unit.get_children_count():
        reasons.append(_("it has %(n)d sub-units; move or delete them first") % {"n": n})
    if n := Position.objects.filter(unit=unit).count():
        reasons.append(_("%(n)d people hold positions in it") % {"n": n})
    if n := LeadingGroupMember.objects.filter(group=unit).count():
        reasons.append(_("it has %(n)d leading-group members") % {"n": n})
    if n := LeadingGroupMember.objects.filter(represents=unit).count():
        reasons.append(_("it is represented in a leading group (%(n)d seats)") % {"n": n})
    if n := OrgUnit.objects.filter(line_superior=unit).count():
        reasons.append(_("it is the line superior of %(n)d units") % {"n": n})
    return reasons


@transaction.atomic
def org_unit_delete(*, actor, unit: OrgUnit) -> None:
    lock_tree()
    unit = OrgUnit.objects.get(pk=unit.pk)
    if reasons := deletion_blockers(unit):
        raise Conflict(_("%(unit)s cannot be deleted: %(reasons)s.")
                       % {"unit": unit.name, "reasons": _("; ").join(reasons)})
    unit.delete()


@transaction.atomic
def nameplate_set_primary(*, actor, nameplate: Nameplate) -> Nameplate:
    nameplate = Nameplate.objects.select_for_update().get(pk=nameplate.pk)
    Nameplate.objects.filter(unit_id=nameplate.unit_id, is_primary=True).exclude(pk=nameplate.pk).update(
        is_primary=False)
    nameplate.is_primary = True
    nameplate.save(update_fields=["is_primary"])
    sync_primary_name(nameplate.unit)
    return nameplate


def validation_messages(exc: ValidationError) -> dict[str, list[str]]:
    """Flatten a Django ValidationError into {field: [messages]} for reports and API bodies."""
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in errors.messages] for field, errors in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}
