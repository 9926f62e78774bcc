"""The data-sharing section of the city overview (coordination.overview, issue 8).

Who sees which figures:

- city-wide: whoever `coordination.permissions.sees_whole_programme` (leaders, the smart-city
  office, superusers) and the data authority's stewards (who see every call on /data/exchange/stats/);
- a data steward: what their units are party to — agreements and requests as consumer or provider,
  their own resources, the calls to and from their units, the return flow they send or receive;
- other officials: nothing (no section);
- the public (viewer None): the open-data counts that /data/open/ already lists.

Exchange calls come from the access log, which grows to tens of millions of rows: they are counted
over a `time_in` range (the accesslog_time_in index), never over a date cast, and grouped per day
in one query. A fixed number of queries whatever the data holds.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.overview import conf as overview_conf
from coordination.overview import figures
from coordination.overview.registry import Chart, Metric, Section
from coordination.permissions import sees_whole_programme
from sharing import permissions
from sharing import selectors as sharing_selectors
from sharing.exchange import permissions as exchange_permissions
from sharing.exchange.models import AccessLog, ApiCredential, ReturnedRecord, ReturnFlowRun
from sharing.models import (
    OPEN_REQUEST_STATES,
    Agreement,
    AgreementStatus,
    DataRequest,
    DataResource,
    RequestStatus,
)

KEY = "sharing"
ORDER = 20


def viewer_units(user) -> set[int] | bool | None:
    """None: every unit (city-wide); a set: the steward's units; False: nothing to see."""
    if sees_whole_programme(user) or exchange_permissions.sees_everything(user):
        return None
    units = permissions.steward_unit_ids(user)
    return units if units else False


def _party(units, consumer="consumer_id", provider="provider_id") -> Q:
    if units is None:
        return Q()
    return Q(**{f"{consumer}__in": units}) | Q(**{f"{provider}__in": units})


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def connected_units(*, units, today) -> int:
    """Departments connected: the parties of active agreements, plus the consumers holding a live
    (unrevoked, unexpired) API credential (one query)."""
    active = Agreement.objects.filter(_party(units), status=AgreementStatus.ACTIVE)
    credentialed = ApiCredential.objects.filter(
        _party(units, "agreement__consumer_id", "agreement__provider_id"),
        revoked_at__isnull=True,
        expires_on__gte=today,
    )
    ids = (
        active.values_list("provider_id", flat=True)
        .union(active.values_list("consumer_id", flat=True))
        .union(credentialed.values_list("agreement__consumer_id", flat=True))
    )
    return ids.count()


def resource_counts(*, units) -> dict:
    """Published (available) resources and the topics they cover (one query); a steward counts
    their units' own resources."""
    resources = DataResource.objects.filter(sharing_selectors.AVAILABLE)
    if units is not None:
        resources = resources.filter(provider_id__in=units)
    return resources.aggregate(resources=Count("pk", distinct=True), topics=Count("topics", distinct=True))


def request_counts(*, units) -> dict:
    requests = DataRequest.objects.filter(_party(units, "consumer_id", "resource__provider_id"))
    return requests.aggregate(
        pending=Count("pk", filter=Q(status__in=OPEN_REQUEST_STATES)),
        approved=Count("pk", filter=Q(status=RequestStatus.APPROVED)),
    )


def calls_between(*, units, start: datetime.date, end: datetime.date) -> dict:
    """Calls (and refused calls) with start <= local day < end, over the time_in index (one query)."""
    return AccessLog.objects.filter(
        _party(units), time_in__gte=local_midnight(start), time_in__lt=local_midnight(end)
    ).aggregate(calls=Count("pk"), refused=Count("pk", filter=Q(status__gte=400)))


def calls_per_day(*, units, days: list[datetime.date]) -> tuple[list[int], list[int]]:
    """Calls and refused calls per local day (one grouped query over the time_in range)."""
    rows = (
        AccessLog.objects.filter(
            _party(units),
            time_in__gte=local_midnight(days[0]),
            time_in__lt=local_midnight(days[-1] + datetime.timedelta(days=1)),
        )
        .annotate(day=TruncDate("time_in", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(calls=Count("pk"), refused=Count("pk", filter=Q(status__gte=400)))
        .order_by()
    )
    by_day = {row["day"]: row for row in rows}
    return (
        [by_day.get(d, {}).get("calls", 0) for d in days],
        [by_day.get(d, {}).get("refused", 0) for d in days],
    )


def return_flow(*, units, since: datetime.date) -> dict:
    """Rows synced by return-flow runs started since `since`, and the records held (two queries)."""
    scope = _party(units, "agreement__consumer_id", "agreement__provider_id")
    synced = ReturnFlowRun.objects.filter(scope, started_at__gte=local_midnight(since)).aggregate(
        rows=Coalesce(Sum("rows"), 0)
    )["rows"]
    held = ReturnedRecord.objects.filter(scope).count()
    return {"synced": synced, "held": held}


def _days(today) -> list[datetime.date]:
    n = overview_conf.OVERVIEW_DAILY_DAYS
    return [today - datetime.timedelta(days=n - 1 - i) for i in range(n)]


def public_section() -> Section:
    """Open data, as /data/open/ lists it: resources open to the public, their topics and providers."""
    open_resources = sharing_selectors.open_resources().order_by()
    counts = open_resources.aggregate(
        resources=Count("pk", distinct=True),
        topics=Count("topics", distinct=True),
        providers=Count("provider", distinct=True),
    )
    by_topic = list(
        open_resources.exclude(topics=None)
        .values("topics__name")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "topics__name")[:8]
    )
    url = reverse("sharing:open")
    return Section(
        key=KEY,
        title=_("Data sharing"),
        url=url,
        metrics=[
            Metric(label=_("Open data resources"), value=counts["resources"], url=url),
            Metric(label=_("Open data topics"), value=counts["topics"], url=url),
            Metric(label=_("Departments publishing open data"), value=counts["providers"], url=url),
        ],
        charts=[
            Chart(
                key="sharing-open-topics",
                title=_("Open data by topic"),
                option=figures.pie_option(
                    name=_("Open data resources"),
                    data=[{"name": r["topics__name"], "value": r["n"]} for r in by_topic],
                ),
            )
        ],
        links=[(_("Open data"), url)],
        scope=_("City-wide, public figures"),
        public=True,
    )


def section(viewer) -> Section | None:
    """The provider registered with the overview (see the module docstring)."""
    if viewer is None:
        return public_section()
    units = viewer_units(viewer)
    if units is False:
        return None
    today = timezone.localdate()
    month = figures.month_start(today)
    days = _days(today)
    resources = resource_counts(units=units)
    requests = request_counts(units=units)
    calls = calls_between(units=units, start=month, end=today + datetime.timedelta(days=1))
    per_day, refused_per_day = calls_per_day(units=units, days=days)
    flow = return_flow(units=units, since=month)

    catalogue = reverse("sharing:catalogue")
    if exchange_permissions.can_use_exchange(viewer):
        stats_url = reverse("exchange:stats")
        requests_url = reverse("sharing:requests")
        agreements_url = reverse("sharing:agreements")
        flow_url = reverse("exchange:return-flow")
    else:
        stats_url = requests_url = agreements_url = flow_url = catalogue
    if units is None:
        label = _("City-wide")
    else:
        from coordination.models import OrgUnit

        label = "、".join(
            OrgUnit.objects.filter(pk__in=units).order_by("path").values_list("name", flat=True)
        )
    return Section(
        key=KEY,
        title=_("Data sharing"),
        url=stats_url,
        metrics=[
            Metric(
                label=_("Departments connected"),
                value=connected_units(units=units, today=today),
                url=agreements_url,
                note=_("party to an active agreement or holding a live credential"),
            ),
            Metric(
                label=_("Published data resources"),
                value=resources["resources"],
                url=catalogue,
                note=_("Topics covered: %(topics)s") % {"topics": resources["topics"]},
            ),
            Metric(label=_("Data requests pending"), value=requests["pending"], url=requests_url),
            Metric(label=_("Data requests approved"), value=requests["approved"], url=requests_url),
            Metric(
                label=_("Exchange calls this month"),
                value=calls["calls"],
                url=stats_url,
                note=_("%(refused)s refused") % {"refused": calls["refused"]},
                signal="yellow" if calls["refused"] else "",
            ),
            Metric(
                label=_("Return-flow rows this month"),
                value=flow["synced"],
                url=flow_url,
                note=_("Records held by the receiving units: %(held)s") % {"held": flow["held"]},
            ),
        ],
        charts=[
            Chart(
                key="sharing-calls",
                title=_("Exchange calls per day (last 30 days)"),
                option=figures.bar_line_option(
                    categories=[d.strftime("%m-%d") for d in days],
                    bars=per_day,
                    bar_name=_("Calls"),
                    line=refused_per_day,
                    line_name=_("Refused calls"),
                ),
            )
        ],
        links=[(_("Data catalogue"), catalogue), (_("Exchange statistics"), stats_url)]
        if stats_url != catalogue
        else [(_("Data catalogue"), catalogue)],
        scope=label,
    )
