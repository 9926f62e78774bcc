"""The city overview's participation section (coordination.overview.registry): open consultations,
comments this year and the adoption rate. Officials who manage consultations see their scope; the
public (viewer None) and everyone else see the public figures (published answers only for the rate)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.overview.registry import Metric, Section

from . import permissions, selectors, services
from .models import Comment, CommentStatus, ConsultationStatus, Outcome
from .stats import adoption_rate


def consultations_section(viewer) -> Section:
    day = services.today()
    managing = viewer is not None and permissions.can_manage_any(viewer)
    if managing:
        scope = selectors.managed_list(user=viewer).exclude(status=ConsultationStatus.DRAFT)
        rate_scope = scope
        url = reverse("consultations:manage_list")
    else:
        scope = selectors.public_list(day=day)
        rate_scope = scope.filter(status=ConsultationStatus.PUBLISHED)
        url = reverse("consultations:list")
    open_count = scope.filter(
        status__in=[ConsultationStatus.SCHEDULED, ConsultationStatus.OPEN],
        opens_on__lte=day,
        closes_on__gte=day,
    ).count()
    comments = Comment.objects.filter(status=CommentStatus.ACTIVE)
    year = timezone.localdate().year  # created_at is a real timestamp
    row = comments.aggregate(
        this_year=Count("id", filter=Q(consultation__in=scope.values("pk"), created_at__year=year)),
        adopted=Count("id", filter=Q(consultation__in=rate_scope.values("pk"), outcome=Outcome.ADOPTED)),
        partly=Count("id", filter=Q(consultation__in=rate_scope.values("pk"), outcome=Outcome.PARTLY)),
        refused=Count("id", filter=Q(consultation__in=rate_scope.values("pk"), outcome=Outcome.NOT_ADOPTED)),
    )
    rate = adoption_rate(row["adopted"], row["partly"], row["refused"])
    return Section(
        key="participation",
        title=_("Public consultations"),
        url=url,
        # Outside the managing units the figures are those of the public pages.
        scope=_("Consultations you manage") if managing else _("City-wide, public figures"),
        public=not managing,
        metrics=[
            Metric(
                label=_("Consultations open for comment"),
                value=open_count,
                url=reverse("consultations:list") + "?state=open",
            ),
            Metric(label=_("Comments this year"), value=row["this_year"]),
            Metric(label=_("Adoption rate of comments"), value=rate, unit="%" if rate is not None else ""),
        ],
    )
