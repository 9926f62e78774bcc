"""Every read of matters and meetings that depends on who is asking (scoped in SQL)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from portal.clocks.models import Signal

from . import permissions
from .models import Attendance, Matter, MatterRating, Meeting, Milestone, ProgressReport
from .workflow import MatterStatus

CoopLink = Matter.cooperating_units.through


def matters_for(user) -> QuerySet[Matter]:
    """The matters `user` may see: all for the whole programme, else those their units lead,
    cooperate on or raised; none for anyone else."""
    if permissions.sees_whole_programme(user):
        return Matter.objects.all()
    units = permissions.unit_ids(user)
    if not units:
        return Matter.objects.none()
    cooperates = CoopLink.objects.filter(matter_id=OuterRef("pk"), orgunit_id__in=units)
    return Matter.objects.filter(
        Q(lead_unit_id__in=units) | Q(raised_by_id__in=units) | Q(Exists(cooperates))
    )


def has_scope(user) -> bool:
    return permissions.sees_whole_programme(user) or bool(permissions.unit_ids(user))


@dataclass
class MatterFilters:
    tab: str = ""  # "" | leading | cooperating
    unit: int | None = None
    status: str = ""
    signal: str = ""
    leader: int | None = None
    q: str = ""

    @classmethod
    def from_query(cls, data) -> MatterFilters:
        def as_int(value):
            try:
                return int(value)
            except (TypeError, ValueError):
                return None

        status = data.get("status", "")
        signal = data.get("signal", "")
        tab = data.get("tab", "")
        return cls(
            tab=tab if tab in ("leading", "cooperating") else "",
            unit=as_int(data.get("unit")),
            status=status if status in MatterStatus.values or status == "active" else "",
            signal=signal if signal in Signal.values else "",
            leader=as_int(data.get("leader")),
            q=(data.get("q") or "").strip()[:100],
        )


def matter_list(*, user, filters: MatterFilters | None = None) -> QuerySet[Matter]:
    filters = filters or MatterFilters()
    qs = matters_for(user)
    mine = permissions.unit_ids(user)
    if filters.tab == "leading":
        qs = qs.filter(lead_unit_id__in=mine)
    elif filters.tab == "cooperating":
        qs = qs.filter(Exists(CoopLink.objects.filter(matter_id=OuterRef("pk"), orgunit_id__in=mine)))
    if filters.unit:
        qs = qs.filter(
            Q(lead_unit_id=filters.unit)
            | Q(Exists(CoopLink.objects.filter(matter_id=OuterRef("pk"), orgunit_id=filters.unit)))
        )
    if filters.status == "active":
        qs = qs.filter(status__in=[MatterStatus.OPEN, MatterStatus.IN_PROGRESS, MatterStatus.REPORTED])
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.signal:
        qs = qs.filter(clock__signal=filters.signal)
    if filters.leader:
        qs = qs.filter(responsible_leader_id=filters.leader)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(number__icontains=filters.q))
    return (
        qs.select_related("lead_unit", "raised_by", "clock", "responsible_leader", "parent")
        .prefetch_related("cooperating_units")
        .order_by("-id")
    )


def matter_detail(*, user, pk) -> Matter:
    matter = (
        matters_for(user)
        .select_related(
            "lead_unit", "raised_by", "clock", "responsible_leader", "parent", "decision__meeting"
        )
        .prefetch_related(
            "cooperating_units",
            "milestones",
            Prefetch(
                "reports",
                queryset=ProgressReport.objects.select_related("unit", "author").prefetch_related(
                    "attachments", "milestones_done"
                ),
            ),
            Prefetch("ratings", queryset=MatterRating.objects.select_related("unit", "rated_by")),
            "escalations",
        )
        .filter(pk=pk)
        .first()
    )
    if matter is None:
        raise Http404
    return matter


def subtree(matter: Matter) -> list[tuple[int, Matter]]:
    """The matter's descendants, depth first, as (depth, matter); a query per level."""
    result: list[tuple[int, Matter]] = []
    level = [matter]
    depth = 1
    children_of: dict[int, list[Matter]] = {}
    while level:
        found = list(
            Matter.objects.filter(parent__in=level).select_related("lead_unit", "clock").order_by("id")
        )
        for child in found:
            children_of.setdefault(child.parent_id, []).append(child)
        level = found
        depth += 1
        if depth > 10:
            break

    def walk(node, d):
        for child in children_of.get(node.pk, []):
            result.append((d, child))
            walk(child, d + 1)

    walk(matter, 1)
    return result


def viewable_attachment(*, user, pk):
    from .models import ReportAttachment

    row = (
        ReportAttachment.objects.filter(pk=pk, report__matter__in=matters_for(user))
        .select_related("report")
        .first()
    )
    if row is None:
        raise Http404
    return row


def meetings_for(user) -> QuerySet[Meeting]:
    if permissions.sees_whole_programme(user):
        return Meeting.objects.all()
    units = permissions.unit_ids(user)
    if not units:
        return Meeting.objects.none()
    attended = Attendance.objects.filter(meeting_id=OuterRef("pk"), unit_id__in=units)
    return Meeting.objects.filter(Q(convened_by_id__in=units) | Q(Exists(attended)))


def meeting_list(*, user) -> QuerySet[Meeting]:
    return meetings_for(user).select_related("convened_by").order_by("-date", "-id")


def meeting_detail(*, user, pk) -> Meeting:
    from .models import AgendaItem, Decision

    meeting = (
        meetings_for(user)
        .select_related("convened_by")
        .prefetch_related(
            Prefetch("agenda", queryset=AgendaItem.objects.prefetch_related("matters")),
            Prefetch("attendances", queryset=Attendance.objects.select_related("unit")),
            Prefetch(
                "decisions",
                queryset=Decision.objects.prefetch_related(
                    Prefetch("matters", queryset=Matter.objects.select_related("lead_unit", "clock"))
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def open_milestones(matter: Matter) -> QuerySet[Milestone]:
    return matter.milestones.filter(done=False)
