"""The PPP section of the city overview (coordination.overview, issue 8).

Who sees which figures:

- city-wide: whoever `coordination.permissions.sees_whole_programme` (leaders, the smart-city
  office, superusers);
- a PPP manager or an official of an implementing agency: the projects they see on /ppp/
  (operations.permissions.project_scope);
- other officials: nothing (no section);
- the public (viewer None): what /ppp/public/ discloses — published projects, their stages and
  total investment, and their latest published evaluation score. Payments and integrity flags are
  not public and are not shown.

A fixed number of queries whatever the data holds.
"""

from __future__ import annotations

import datetime

from django.db.models import Avg, Count, Exists, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.overview import figures
from coordination.overview.registry import Chart, Metric, Section
from coordination.permissions import sees_whole_programme
from operations import permissions
from operations.models import STAGE_ORDER, FlagStatus, IntegrityFlag, Project, Stage
from operations.performance.models import Evaluation, Payment, PaymentCalculation, State

KEY = "ppp"
ORDER = 30
SCORED = (State.APPROVED, State.PUBLISHED)


def viewer_scope(user) -> Q | None:
    """A filter of the projects the official sees figures of; None when none (at most 4 queries)."""
    if sees_whole_programme(user):
        return Q()
    if not permissions.can_use_ppp(user):
        return None
    return permissions.project_scope(user)


def project_counts(projects) -> dict:
    """Projects, their total investment and those with open integrity flags (one query)."""
    open_flag = IntegrityFlag.objects.filter(tender__project=OuterRef("pk"), status=FlagStatus.OPEN)
    return projects.aggregate(
        projects=Count("pk"),
        investment=Sum("total_investment"),
        flagged=Count("pk", filter=Q(Exists(open_flag))),
    )


def by_stage(projects) -> list[dict]:
    """Projects per stage, in the order of the life cycle (one query)."""
    counts = dict(projects.values("stage").annotate(n=Count("pk")).order_by().values_list("stage", "n"))
    labels = dict(Stage.choices)
    return [{"name": str(labels[s]), "value": counts.get(s, 0)} for s in STAGE_ORDER]


def average_latest_score(projects, states=SCORED) -> tuple[float | None, int]:
    """The mean of each project's latest evaluation total (by period end) among `states`, and how
    many projects have one (one query)."""
    latest = Subquery(
        Evaluation.objects.filter(project=OuterRef("pk"), state__in=states, total__isnull=False)
        .order_by("-period_end", "-id")
        .values("total")[:1]
    )
    row = (
        projects.annotate(latest_score=latest)
        .filter(latest_score__isnull=False)
        .aggregate(avg=Avg("latest_score"), n=Count("pk"))
    )
    return (round(float(row["avg"]), 2) if row["avg"] is not None else None), row["n"]


def payments_this_year(projects, today: datetime.date) -> dict:
    """Payment calculations made this year (count and amount payable) and payments made (two queries)."""
    year = figures.year_start(today)
    since = timezone.make_aware(datetime.datetime.combine(year, datetime.time.min))
    calculated = PaymentCalculation.objects.filter(
        evaluation__project__in=projects.values("pk"), calculated_at__gte=since
    ).aggregate(n=Count("pk"), amount=Sum("amount"))
    paid = Payment.objects.filter(
        calculation__evaluation__project__in=projects.values("pk"), paid_on__gte=year, paid_on__lte=today
    ).aggregate(amount=Sum("amount"))
    return {"calculated": calculated["n"], "amount": calculated["amount"], "paid": paid["amount"]}


def _stage_chart(stages) -> Chart:
    return Chart(
        key="ppp-stages",
        title=_("PPP projects by stage"),
        option=figures.bar_line_option(
            categories=[s["name"] for s in stages],
            bars=[s["value"] for s in stages],
            bar_name=_("PPP projects"),
        ),
    )


def public_section() -> Section:
    projects = Project.objects.filter(published=True)
    counts = project_counts(projects)
    score, scored = average_latest_score(projects, states=(State.PUBLISHED,))
    url = reverse("operations:public-list")
    return Section(
        key=KEY,
        title=_("PPP projects"),
        url=url,
        metrics=[
            Metric(label=_("Projects disclosed"), value=counts["projects"], url=url),
            Metric(
                label=_("Total investment"),
                value=figures.wan(counts["investment"]),
                unit=_("10k CNY"),
                url=url,
            ),
            Metric(
                label=_("Average published evaluation score"),
                value=score,
                url=url,
                note=_("Projects with a published evaluation: %(n)s") % {"n": scored},
            ),
        ],
        charts=[_stage_chart(by_stage(projects))],
        links=[(_("PPP disclosure"), url)],
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
    today = timezone.localdate()
    projects = Project.objects.filter(scope)
    counts = project_counts(projects)
    score, scored = average_latest_score(projects)
    pay = payments_this_year(projects, today)
    public_url = reverse("operations:public-list")
    if permissions.can_use_ppp(viewer):
        url, evaluations = reverse("operations:list"), reverse("performance:list")
        links = [(_("PPP projects"), url), (_("Performance evaluations"), evaluations)]
    else:  # a leader without a PPP role: /ppp/ would refuse them; the disclosure page will not
        url = evaluations = public_url
        links = []
    links.append((_("PPP disclosure"), public_url))
    return Section(
        key=KEY,
        title=_("PPP projects"),
        url=url,
        metrics=[
            Metric(label=_("PPP projects"), value=counts["projects"], url=url),
            Metric(
                label=_("Total investment"),
                value=figures.wan(counts["investment"]),
                unit=_("10k CNY"),
                url=url,
            ),
            Metric(
                label=_("Average latest evaluation score"),
                value=score,
                url=evaluations,
                note=_("Projects with an approved evaluation: %(n)s (latest one each)") % {"n": scored},
            ),
            Metric(
                label=_("Payments calculated this year"),
                value=figures.wan(pay["amount"]),
                unit=_("10k CNY"),
                url=evaluations,
                note=_("Calculations: %(n)s; paid this year: %(paid)s (10k CNY)")
                % {"n": pay["calculated"], "paid": figures.wan(pay["paid"])},
            ),
            Metric(
                label=_("Projects with open integrity flags"),
                value=counts["flagged"],
                url=url,
                signal="red" if counts["flagged"] else "",
            ),
        ],
        charts=[_stage_chart(by_stage(projects))],
        links=links,
        scope=_("City-wide") if scope == Q() else _("Projects of your units"),
    )
