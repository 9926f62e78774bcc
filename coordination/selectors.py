"""Reads of the organisation chart, scoped to the person asking (DESIGN.md §4.2).

Every page, API list and export reads through these functions. A user who may not see the
chart gets an empty queryset, and a detail lookup answers 404.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.http import Http404

from coordination.models import (
    FunctionalLine,
    LeadingGroupMember,
    LeadingGroupRole,
    Nameplate,
    OrgKind,
    OrgLevel,
    OrgUnit,
    Position,
)
from coordination.permissions import can_edit_chart, can_view_chart
from portal.audit.models import AuditEvent
from portal.audit.selectors import audit_events_for


def _with_parent(qs: QuerySet) -> QuerySet:
    """Annotate `parent_pk` (and `parent_code`) from the materialised path, in the same query."""
    parent = OrgUnit.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - OrgUnit.steplen)
    )
    return qs.annotate(
        parent_pk=Subquery(parent.values("pk")[:1]), parent_code=Subquery(parent.values("code")[:1])
    )


def org_units_visible(*, user) -> QuerySet[OrgUnit]:
    if not can_view_chart(user):
        return OrgUnit.objects.none()
    return OrgUnit.objects.all()


def org_unit_list(*, user, filters: dict | None = None) -> QuerySet[OrgUnit]:
    """Units in tree order with what a list shows, in a constant number of queries."""
    filters = filters or {}
    qs = org_units_visible(user=user).select_related("line", "line_superior")
    qs = _with_parent(qs).prefetch_related(
        Prefetch("nameplates", queryset=Nameplate.objects.order_by("-is_primary", "name"))
    )
    if text := (filters.get("q") or "").strip():
        qs = qs.filter(org_text_query(text))
    return qs.order_by("path")


def org_text_query(text: str) -> Q:
    """Match any nameplate, the unit's own name, its code, division code or USCC."""
    matching_plate = Nameplate.objects.filter(unit=OuterRef("pk"), name__icontains=text)
    return (
        Q(name__icontains=text)
        | Q(code__iexact=text)
        | Q(division_code=text)
        | Q(uscc__iexact=text)
        | Q(Exists(matching_plate))
    )


def org_unit_get(*, user, code: str) -> OrgUnit:
    try:
        return org_units_visible(user=user).select_related("line", "line_superior__line").get(code=code)
    except OrgUnit.DoesNotExist:
        raise Http404 from None


DEFAULT_OPEN_DEPTH = 3


@dataclass
class TreeNode:
    unit: OrgUnit
    children: list[TreeNode] = field(default_factory=list)
    matched: bool = False
    open: bool = False


def org_tree(*, user, text: str = "") -> list[TreeNode]:
    """The whole chart as nested nodes, built from one ordered query.

    With `text`, matching units are marked and their ancestors opened so they can be seen.
    """
    units = list(org_units_visible(user=user).select_related("line").order_by("path"))
    matched_paths = set()
    if text.strip():
        matched_paths = set(
            org_units_visible(user=user).filter(org_text_query(text.strip())).values_list("path", flat=True)
        )
    by_path: dict[str, TreeNode] = {}
    roots: list[TreeNode] = []
    step = OrgUnit.steplen
    for unit in units:
        node = TreeNode(unit=unit, matched=unit.path in matched_paths)
        by_path[unit.path] = node
        parent = by_path.get(unit.path[:-step]) if unit.depth > 1 else None
        (parent.children if parent else roots).append(node)
    for path in matched_paths:
        for cut in range(step, len(path), step):
            if ancestor := by_path.get(path[:cut]):
                ancestor.open = True
    if not matched_paths:  # open the top levels so the city's own bodies show at first sight
        for node in by_path.values():
            node.open = node.unit.depth <= DEFAULT_OPEN_DEPTH
    return roots


def org_unit_detail(*, user, code: str) -> dict:
    """Everything the unit page shows, with a fixed number of queries."""
    unit = org_unit_get(user=user, code=code)
    visible = org_units_visible(user=user)
    return {
        "unit": unit,
        "ancestors": list(OrgUnit.objects.get_ancestors(unit)),
        "nameplates": list(unit.nameplates.all()),
        "children": list(OrgUnit.objects.get_children(unit).select_related("line")),
        "line_inferiors": list(visible.filter(line_superior=unit).select_related("line").order_by("path")),
        "positions": list(
            Position.objects.filter(unit=unit, active=True)
            .select_related("user")
            .prefetch_related("roles")
            .order_by("id")
        ),
        "group_seats": list(LeadingGroupMember.objects.filter(represents=unit).select_related("group")),
    }


def org_unit_history(*, user, unit: OrgUnit, limit: int = 50) -> list[AuditEvent] | None:
    """The unit's audit history, newest first, for those who edit the chart (admins); None for
    everyone else, who are not shown that it exists."""
    if not can_edit_chart(user):
        return None
    return audit_events_for(obj=unit, limit=limit)


@dataclass
class MatrixRow:
    line: FunctionalLine
    cells: list[list[OrgUnit]]


def line_level_matrix(*, user) -> tuple[list[tuple[int, str]], list[MatrixRow]]:
    """The 条块 matrix: functional lines × territorial levels, each cell the units in it."""
    levels = list(OrgLevel.choices)
    index = {value: i for i, (value, _label) in enumerate(levels)}
    cells: dict[int, list[list[OrgUnit]]] = defaultdict(lambda: [[] for _ in levels])
    units = org_units_visible(user=user).filter(line__isnull=False, level__isnull=False, active=True)
    for unit in units.order_by("path"):
        cells[unit.line_id][index[unit.level]].append(unit)
    lines = FunctionalLine.objects.all() if can_view_chart(user) else FunctionalLine.objects.none()
    return levels, [MatrixRow(line=line, cells=cells[line.pk]) for line in lines]


def leading_groups(*, user) -> QuerySet[OrgUnit]:
    return org_units_visible(user=user).filter(kind=OrgKind.LEADING_GROUP).order_by("path")


def leading_group_detail(*, user, code: str) -> dict:
    group = org_unit_get(user=user, code=code)
    if group.kind != OrgKind.LEADING_GROUP:
        raise Http404
    seats = list(group.group_members.select_related("represents", "user"))
    by_role = {role: [s for s in seats if s.role == role] for role in LeadingGroupRole.values}
    office = list(OrgUnit.objects.get_children(group).filter(kind=OrgKind.OFFICE))
    return {"group": group, "seats": seats, "by_role": by_role, "office": office, "roles": LeadingGroupRole}
