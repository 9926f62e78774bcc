"""The approvals section of the city overview (coordination.overview, issue 8).

Who sees which figures:

- city-wide (every department): whoever `coordination.permissions.sees_whole_programme` (the
  leaders, the smart-city office, superusers);
- a supervisor: the governments they supervise (approvals.permissions.supervised_paths, usually
  the whole city), as on /supervision/;
- a department official (window clerk, reviewer, head, lead coordinator): their own units, i.e.
  the applications their department leads and the department tasks it reviews;
- other officials: nothing (no section);
- the public (viewer None): only what /supervision/public/ already publishes — finished cases,
  on-time rate, working days used against the limit, per month, city-wide.

Timing figures are the electronic-supervision figures of department tasks
(approvals.supervision.stats.monthly_series, the same cases as the monthly statistics); the open
cases per signal are the supervision dashboard's counts (selectors.open_signal_counts). A fixed
number of queries whatever the data holds.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext as _

from approvals import permissions
from approvals.models import Application, StatusChange
from approvals.selectors.work import WORK_ROLES
from approvals.supervision import selectors as supervision_selectors
from approvals.supervision import stats
from approvals.workflow import ApplicationStatus
from coordination.overview import figures
from coordination.overview.registry import Chart, Metric, Section
from coordination.permissions import sees_whole_programme
from portal.clocks import services as clock_services
from portal.clocks.models import Signal

KEY = "approvals"
ORDER = 10


class Scope:
    """Whose approvals: `paths` None for all, else the org-tree subtrees; `label` says so."""

    def __init__(self, *, paths: list[str] | None, label: str, kind: str):
        self.paths = paths
        self.label = label
        self.kind = kind  # "city", "supervisor" or "department"


def viewer_scope(user) -> Scope | None:
    """The approvals the official may see figures of, or None (at most 5 queries)."""
    if sees_whole_programme(user):
        return Scope(paths=None, label=_("City-wide"), kind="city")
    paths = permissions.supervised_paths(user)
    if paths:
        names = supervision_selectors.government_names(paths)
        return Scope(paths=paths, label="、".join(names), kind="supervisor")
    from coordination.models import Position

    units = list(
        Position.objects.filter(user=user, active=True, roles__code__in=WORK_ROLES)
        .values_list("unit__path", "unit__name")
        .distinct()
        .order_by("unit__path")
    )
    if not units:
        return None
    return Scope(
        paths=[path for path, _name in units], label="、".join(n for _p, n in units), kind="department"
    )


def _applications(paths):
    queryset = Application.objects.exclude(status=ApplicationStatus.DRAFT)
    if paths is not None:
        queryset = queryset.filter(permissions.in_paths_q(paths, "lead_department"))
    return queryset


def application_counts(*, paths, today) -> dict:
    """Applications received this month and this year, and granted this year (one query).

    Received: the day the application was submitted (its number was given). Granted: decided this
    year and granted at some point (later publication, certificate, delivery or revocation do not
    take it back out)."""
    month, year = figures.month_start(today), figures.year_start(today)
    was_granted = Exists(
        StatusChange.objects.filter(application=OuterRef("pk"), to_status=ApplicationStatus.GRANTED)
    )
    return _applications(paths).aggregate(
        this_month=Count("pk", filter=Q(received_on__gte=month, received_on__lte=today)),
        this_year=Count("pk", filter=Q(received_on__gte=year, received_on__lte=today)),
        granted=Count("pk", filter=Q(decided_on__gte=year, decided_on__lte=today) & Q(was_granted)),
    )


def received_per_month(*, paths, months) -> list[int]:
    """Applications received in each of `months` (first days), one query."""
    end = figures.add_months(months[-1], 1)
    rows = (
        _applications(paths)
        .filter(received_on__gte=months[0], received_on__lt=end)
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_month = {(r["month"].date() if hasattr(r["month"], "date") else r["month"]): r["n"] for r in rows}
    return [by_month.get(m, 0) for m in months]


def _year_totals(series) -> stats.MonthFigures:
    total = stats.MonthFigures(month=series[0].month if series else None)
    for month in series:
        total.count += month.count
        total.on_time += month.on_time
        total.used += month.used
        total.limit += month.limit
    return total


def _timing_metrics(year: stats.MonthFigures, url: str) -> list[Metric]:
    rate = year.on_time_rate if year.count else None
    return [
        Metric(
            label=_("Cases finished this year"),
            value=year.count,
            url=url,
            note=_("department reviews whose clock stopped"),
        ),
        Metric(
            label=_("On-time rate this year"),
            value=round(rate * 100, 1) if rate is not None else None,
            unit="%",
            url=url,
            signal=figures.rate_signal(rate, year.count),
            note=_("%(late)s finished late") % {"late": year.count - year.on_time},
        ),
        Metric(
            label=_("Average working days used"),
            value=year.avg_used if year.count else None,
            unit=_("working days"),
            url=url,
            note=_("limit %(limit)s working days on average") % {"limit": year.avg_limit},
        ),
    ]


def _trend_chart(months, series, bars, bar_name) -> Chart:
    return Chart(
        key="approvals-trend",
        title=_("Approvals: monthly volume and on-time rate"),
        option=figures.bar_line_option(
            categories=[m.strftime("%Y-%m") for m in months],
            bars=bars,
            bar_name=bar_name,
            line=[round(f.on_time_rate * 100, 1) if f.count else None for f in series],
            line_name=_("On-time rate (%)"),
            line_max=100,
        ),
    )


def public_section() -> Section:
    """What /supervision/public/ publishes, city-wide: finished cases and their timing."""
    today = clock_services.local_today()
    months = figures.trend_months(today)
    series = stats.monthly_series(first=months[0], last=today, paths=None)
    this_year = [f for f in series if f.month >= figures.year_start(today)]
    url = reverse("supervision:public")
    return Section(
        key=KEY,
        title=_("Administrative approvals"),
        url=url,
        metrics=_timing_metrics(_year_totals(this_year), url),
        charts=[_trend_chart(months, series, [f.count for f in series], _("Cases finished"))],
        links=[
            (_("Approval time limits: monthly report"), url),
            (_("Service guide"), reverse("approvals:guide")),
        ],
        scope=_("City-wide, public figures"),
        public=True,
    )


def section(viewer) -> Section | None:
    """The provider registered with the overview (see the module docstring)."""
    if viewer is None:
        return public_section()
    scope = viewer_scope(viewer)
    if scope is None:
        return None
    today = clock_services.local_today()
    months = figures.trend_months(today)
    counts = application_counts(paths=scope.paths, today=today)
    series = stats.monthly_series(first=months[0], last=today, paths=scope.paths)
    received = received_per_month(paths=scope.paths, months=months)
    signals = supervision_selectors.open_signal_counts(paths=scope.paths)
    this_year = [f for f in series if f.month >= figures.year_start(today)]

    supervisor = scope.kind == "supervisor"
    if supervisor:
        url = reverse("supervision:dashboard")
        timing_url = reverse("supervision:stats")
    elif scope.kind == "department":
        url = timing_url = reverse("work:home")
    else:
        url = timing_url = reverse("supervision:public")

    def signal_url(signal):
        return f"{reverse('supervision:dashboard')}?signal={signal}" if supervisor else url

    metrics = [
        Metric(label=_("Applications this month"), value=counts["this_month"], url=url),
        Metric(label=_("Applications this year"), value=counts["this_year"], url=url),
        Metric(label=_("Granted this year"), value=counts["granted"], url=url),
        *_timing_metrics(_year_totals(this_year), timing_url),
        Metric(
            label=_("Open cases overdue (red)"),
            value=signals.get(Signal.RED, 0),
            url=signal_url(Signal.RED),
            signal="red" if signals.get(Signal.RED) else "",
        ),
        Metric(
            label=_("Open cases near the limit (yellow)"),
            value=signals.get(Signal.YELLOW, 0),
            url=signal_url(Signal.YELLOW),
            signal="yellow" if signals.get(Signal.YELLOW) else "",
        ),
        Metric(
            label=_("Open cases on track (green)"),
            value=signals.get(Signal.GREEN, 0),
            url=signal_url(Signal.GREEN),
            signal="green",
            note=_("%(paused)s suspended") % {"paused": signals.get(Signal.PAUSED, 0)},
        ),
    ]
    links = []
    if supervisor:
        links += [(_("Electronic supervision"), url), (_("Monthly statistics"), timing_url)]
    elif scope.kind == "department":
        links.append((_("Work desk"), url))
    links.append((_("Approval time limits: monthly report"), reverse("supervision:public")))
    return Section(
        key=KEY,
        title=_("Administrative approvals"),
        url=url,
        metrics=metrics,
        charts=[_trend_chart(months, series, received, _("Applications received"))],
        links=links,
        scope=scope.label,
    )
