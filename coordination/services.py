"""Writes to the organisation chart: one function per use case (DESIGN.md §4.1).

Every write takes one transaction-scoped lock on the tree first, so that two admins adding
siblings at the same moment cannot compute the same materialised path, and so that chart writes
always take their locks in the same order: the tree, then the rows, then (last) the audit chain.

Every write records what it changed in the audit trail (DESIGN.md §4.5), in the same
transaction: the unit's fields before and after (`unit_state`), or its nameplates, positions or
leading-group seats before and after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from treebeard.exceptions import InvalidMoveToDescendant

from coordination.models import LeadingGroupMember, Nameplate, OrgUnit, Position
from coordination.permissions import can_edit_chart
from portal.audit.actions import register_actions, register_field_labels
from portal.audit.services import audit_record
from portal.db import advisory_xact_lock
from portal.errors import Conflict, DomainError

register_actions(
    {
        "orgunit.create": gettext_lazy("Unit created"),
        "orgunit.update": gettext_lazy("Unit changed"),
        "orgunit.move": gettext_lazy("Unit moved"),
        "orgunit.delete": gettext_lazy("Unit deleted"),
        "orgunit.set_primary_nameplate": gettext_lazy("Primary nameplate changed"),
        "orgunit.nameplates_change": gettext_lazy("Nameplates changed"),
        "orgunit.positions_change": gettext_lazy("Positions changed"),
        "orgunit.members_change": gettext_lazy("Leading-group members changed"),
        "orgchart.import": gettext_lazy("Organisation chart imported"),
    }
)
register_field_labels(
    {"parent": gettext_lazy("parent unit"), "position": gettext_lazy("place among its siblings")},
    model=OrgUnit,
)

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
    advisory_xact_lock(ORG_TREE_LOCK)


# ----------------------------------------------------------------------------------------------
# What the audit trail records


STATE_FIELDS = ["code", "name", "kind", "level", "division_code", "uscc", "active", "description"]


def require_editor(actor) -> None:
    """Only admins change the chart; `actor=None` is the system (migrations, seeding, commands)."""
    if actor is not None and not can_edit_chart(actor):
        raise PermissionDenied(_("You are not allowed to change the organisation chart."))


def unit_state(unit_pk) -> dict:
    """The unit as the audit trail records it, read from the database: its fields (the line and
    line superior by code), its parent's code and its place among its siblings (1 = first)."""
    step = OrgUnit.steplen
    parent = OrgUnit.objects.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - step))
    row = (
        OrgUnit.objects.filter(pk=unit_pk)
        .annotate(parent_code=Subquery(parent.values("code")[:1]))
        .values(*STATE_FIELDS, "line__code", "line_superior__code", "parent_code", "path", "depth")
        .get()
    )
    # Siblings share the parent's path as prefix and have paths of the same length, so the
    # earlier ones are exactly the same-depth paths between the parent's path and this one.
    earlier = OrgUnit.objects.filter(depth=row["depth"], path__gt=row["path"][:-step], path__lt=row["path"])
    state = {name: row[name] for name in STATE_FIELDS}
    state.update(
        line=row["line__code"],
        line_superior=row["line_superior__code"],
        parent=row["parent_code"],
        position=earlier.count() + 1,
    )
    return state


def nameplates_state(unit_pk) -> dict:
    plates = Nameplate.objects.filter(unit_id=unit_pk).order_by("-is_primary", "name", "pk")
    return {
        "name": OrgUnit.objects.values_list("name", flat=True).get(pk=unit_pk),
        "nameplates": [
            {
                "name": p.name,
                "short_name": p.short_name,
                "is_primary": p.is_primary,
                "valid_from": p.valid_from.isoformat() if p.valid_from else None,
                "valid_until": p.valid_until.isoformat() if p.valid_until else None,
            }
            for p in plates
        ],
    }


def positions_state(unit_pk) -> dict:
    positions = (
        Position.objects.filter(unit_id=unit_pk)
        .select_related("user")
        .prefetch_related("roles")
        .order_by("pk")
    )
    return {
        "positions": [
            {
                "id": p.pk,
                "user": p.user.username,
                "title": p.title,
                "roles": sorted(r.code for r in p.roles.all()),
                "active": p.active,
                "start_date": p.start_date.isoformat() if p.start_date else None,
                "end_date": p.end_date.isoformat() if p.end_date else None,
            }
            for p in positions
        ]
    }


def members_state(unit_pk) -> dict:
    members = (
        LeadingGroupMember.objects.filter(group_id=unit_pk)
        .select_related("represents", "user")
        .order_by("sort_order", "pk")
    )
    return {
        "group_members": [
            {
                "id": m.pk,
                "sort_order": m.sort_order,
                "role": m.role,
                "person_name": m.person_name,
                "title": m.title,
                "represents": m.represents.code,
                "user": m.user.username if m.user_id else None,
            }
            for m in members
        ]
    }


# Kinds of things attached to a unit: the action recording a change, and how to read them.
RELATED_STATES: dict[str, Callable[[int], dict]] = {
    "orgunit.nameplates_change": nameplates_state,
    "orgunit.positions_change": positions_state,
    "orgunit.members_change": members_state,
}


# ----------------------------------------------------------------------------------------------
# Units


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
def org_unit_create(*, actor, parent: OrgUnit | None, data: dict, reason: str = "") -> OrgUnit:
    """Add a unit under `parent` (a root when None), validated, with its primary nameplate."""
    require_editor(actor)
    lock_tree()
    unit = OrgUnit(**{k: v for k, v in data.items() if k in UNIT_FIELDS})
    _validate(unit)
    if parent is None:
        unit = OrgUnit.objects.add_root(instance=unit)
    else:
        parent = OrgUnit.objects.get(pk=parent.pk)  # fresh numchild and path under the lock
        unit = OrgUnit.objects.add_child(parent, instance=unit)
    sync_primary_name(unit)
    audit_record(actor=actor, action="orgunit.create", obj=unit, after=unit_state(unit.pk), reason=reason)
    return unit


KEEP = object()  # sentinel: leave the unit where it is


@transaction.atomic
def org_unit_update(*, actor, unit: OrgUnit, data: dict, parent=KEEP, reason: str = "") -> OrgUnit:
    """Change a unit's fields and, when `parent` is given (None = make it a root), move it too:
    all or nothing. A change that changes nothing leaves no audit event."""
    require_editor(actor)
    lock_tree()
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = unit_state(unit.pk)
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
    after = unit_state(unit.pk)
    if after != before:
        audit_record(
            actor=actor, action="orgunit.update", obj=unit, before=before, after=after, reason=reason
        )
    if parent is not KEEP:
        unit = org_unit_move(actor=actor, unit=unit, target=parent, reason=reason)
    return unit


@transaction.atomic
def org_unit_move(
    *, actor, unit: OrgUnit, target: OrgUnit | None, position: str = "last-child", reason: str = ""
) -> OrgUnit:
    """Move a unit (and its subtree) relative to `target`; never under its own descendant.
    A move that leaves the unit where it was leaves no audit event."""
    require_editor(actor)
    lock_tree()
    unit = OrgUnit.objects.get(pk=unit.pk)
    before = unit_state(unit.pk)
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
    unit = OrgUnit.objects.get(pk=unit.pk)
    after = unit_state(unit.pk)
    if after != before:
        audit_record(actor=actor, action="orgunit.move", obj=unit, before=before, after=after, reason=reason)
    return unit


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
def org_unit_delete(*, actor, unit: OrgUnit, reason: str = "") -> None:
    require_editor(actor)
    lock_tree()
    unit = OrgUnit.objects.get(pk=unit.pk)
    if reasons := deletion_blockers(unit):
        raise Conflict(
            _("%(unit)s cannot be deleted: %(reasons)s.")
            % {"unit": unit.name, "reasons": _("; ").join(reasons)}
        )
    before = {**unit_state(unit.pk), **nameplates_state(unit.pk)}
    pk = unit.pk
    unit.delete()
    unit.pk = pk  # the event names the unit that was deleted
    audit_record(actor=actor, action="orgunit.delete", obj=unit, before=before, reason=reason)


@transaction.atomic
def nameplate_set_primary(*, actor, nameplate: Nameplate, reason: str = "") -> Nameplate:
    require_editor(actor)
    lock_tree()
    nameplate = Nameplate.objects.select_for_update().get(pk=nameplate.pk)
    before = nameplates_state(nameplate.unit_id)
    Nameplate.objects.filter(unit_id=nameplate.unit_id, is_primary=True).exclude(pk=nameplate.pk).update(
        is_primary=False
    )
    nameplate.is_primary = True
    nameplate.save(update_fields=["is_primary"])
    sync_primary_name(nameplate.unit)
    after = nameplates_state(nameplate.unit_id)
    if after != before:
        audit_record(
            actor=actor,
            action="orgunit.set_primary_nameplate",
            obj=nameplate.unit,
            before=before,
            after=after,
            reason=reason,
        )
    return nameplate


@transaction.atomic
def org_unit_nameplates_add(*, actor, unit: OrgUnit, names: Iterable[str], reason: str = "") -> int:
    """Give a unit these extra nameplates (names it already has are skipped); how many were new."""
    require_editor(actor)
    lock_tree()
    before = nameplates_state(unit.pk)
    added = 0
    for name in names:
        _plate, created = Nameplate.objects.get_or_create(unit_id=unit.pk, name=name)
        added += created
    if added:
        audit_record(
            actor=actor,
            action="orgunit.nameplates_change",
            obj=unit,
            before=before,
            after=nameplates_state(unit.pk),
            reason=reason,
        )
    return added


@transaction.atomic
def org_unit_related_save(
    *, actor, units: Iterable[OrgUnit], save: Callable[[], object], reason: str = ""
) -> None:
    """Run `save`, a change to the nameplates, positions or leading-group seats of `units` made
    elsewhere (Django admin's inline formsets and change forms validate and save those), keep
    each unit's name equal to its primary nameplate, and record one audit event per unit and per
    kind of thing that changed, with the lists before and after."""
    require_editor(actor)
    lock_tree()
    pks = sorted({unit.pk for unit in units if unit is not None and unit.pk is not None})
    locked = {unit.pk: unit for unit in OrgUnit.objects.select_for_update().filter(pk__in=pks).order_by("pk")}
    before = {(pk, action): state(pk) for pk in pks for action, state in RELATED_STATES.items()}
    save()
    for pk in pks:
        unit = locked[pk]
        sync_primary_name(unit)
        for action, state in RELATED_STATES.items():
            after = state(pk)
            if after != before[pk, action]:
                unit.refresh_from_db(fields=["name"])
                audit_record(
                    actor=actor,
                    action=action,
                    obj=unit,
                    before=before[pk, action],
                    after=after,
                    reason=reason,
                )
