"""The matters section of the city overview (coordination.overview.registry).

Matters are internal: the public overview (viewer None) gets nothing. A signed-in viewer gets the
numbers of the matters they may see (selectors.matters_for): open, overdue, completed this year,
average progress of the open ones, and an ECharts bar chart of open / overdue by lead unit (top
15). A constant number of queries (three), whatever the number of matters.
"""

from __future__ import annotations

from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from coordination.overview.registry import Chart, Metric, Section
from portal.clocks import services as clocks
from portal.clocks.models import Signal

from . import selectors
from .workflow import ACTIVE_STATES, MatterStatus

TOP_UNITS = 15


def matters_section(viewer) -> Section | None:
    if viewer is None or not selectors.has_scope(viewer):
        return None
    year = clocks.local_today().year
    active = list(ACTIVE_STATES)
    overdue_q = Q(status__in=active, clock__signal=Signal.RED)
    qs = selectors.matters_for(viewer)
    totals = qs.aggregate(
        open=Count("pk", filter=Q(status__in=active)),
        overdue=Count("pk", filter=overdue_q),
        completed=Count("pk", filter=Q(status=MatterStatus.COMPLETED, completed_on__year=year)),
        progress=Avg("progress", filter=Q(status__in=active)),
    )
    rows = list(
        qs.filter(status__in=active)
        .values("lead_unit__name")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue_q))
        .order_by("-open", "lead_unit__name")[:TOP_UNITS]
    )
    url = reverse("matters:list")
    names = [r["lead_unit__name"] for r in rows]
    option = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Open matters"), _("Overdue matters")]},
        "grid": {"left": 8, "right": 16, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": names, "inverse": True},
        "series": [
            {"name": _("Open matters"), "type": "bar", "data": [r["open"] for r in rows], "color": "#0d6efd"},
            {
                "name": _("Overdue matters"),
                "type": "bar",
                "data": [r["overdue"] for r in rows],
                "color": "#dc3545",
            },
        ],
    }
    progress = totals["progress"]
    return Section(
        key="coordination",
        title=_("Coordination matters"),
        url=url,
        metrics=[
            Metric(label=_("Open matters"), value=totals["open"], url=f"{url}?status=active"),
            Metric(
                label=_("Overdue matters"),
                value=totals["overdue"],
                url=f"{url}?status=active&signal=red",
                signal="red" if totals["overdue"] else "",
            ),
            Metric(label=_("Matters completed this year"), value=totals["completed"]),
            Metric(
                label=_("Average progress of open matters"),
                value=round(float(progress), 1) if progress is not None else None,
                unit="%",
            ),
        ],
        charts=[
            Chart(key="matters-by-unit", title=_("Open and overdue matters by lead unit"), option=option)
        ],
    )
