"""Reads of the intermediary market, scoped to who asks (what they may not see answers 404).

`eligible` is the one eligibility filter (draws, bids, direct picks and the opportunities page use
it): registration approved; a valid qualification for the service type covering today; credit
score at least MARKET_MIN_SCORE; no blacklist entry covering today; fewer than
MARKET_MAX_ACTIVE_ENGAGEMENTS engagements in progress.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from portal.clocks.services import local_today
from portal.models import User

from . import conf, permissions
from .models import (
    BlacklistEntry,
    Complaint,
    ComplaintStatus,
    Intermediary,
    Need,
    NeedStatus,
    Qualification,
    QualificationStatus,
    RegistrationStatus,
    SelectionMode,
)

IN_PROGRESS = (NeedStatus.SELECTED, NeedStatus.CONTRACTED, NeedStatus.DELIVERED)
BIDDING_MODES = (SelectionMode.LOWEST_PRICE, SelectionMode.OPTIMAL_PRICE, SelectionMode.MERIT)


def blacklisted_q(today: datetime.date):
    return Exists(
        BlacklistEntry.objects.filter(intermediary=OuterRef("pk"), start__lte=today, end__gte=today)
    )


def eligible(*, service_type: str, today: datetime.date | None = None) -> QuerySet[Intermediary]:
    today = today or local_today()
    qualified = Qualification.objects.filter(
        intermediary=OuterRef("pk"),
        service_type=service_type,
        status=QualificationStatus.VALID,
        valid_from__lte=today,
        valid_until__gte=today,
    )
    return (
        Intermediary.objects.filter(status=RegistrationStatus.APPROVED, credit_score__gte=conf.min_score())
        .filter(Exists(qualified))
        .exclude(blacklisted_q(today))
        .annotate(busy=Count("engagements", filter=Q(engagements__status__in=IN_PROGRESS)))
        .filter(busy__lt=conf.max_active_engagements())
        .select_related("unit")
    )


def staff_users(intermediary: Intermediary) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        positions__unit_id=intermediary.unit_id,
        positions__active=True,
        positions__roles__code=permissions.STAFF_ROLE,
    ).distinct()


def regulators() -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, positions__active=True, positions__roles__code=permissions.REGULATOR_ROLE
    ).distinct()


# -- public -------------------------------------------------------------------------------------------


def public_intermediaries(*, today: datetime.date | None = None) -> QuerySet[Intermediary]:
    today = today or local_today()
    return (
        Intermediary.objects.filter(status__in=[RegistrationStatus.APPROVED, RegistrationStatus.SUSPENDED])
        .select_related("unit")
        .annotate(is_blacklisted=blacklisted_q(today))
        .prefetch_related(
            Prefetch("qualifications", queryset=Qualification.objects.order_by("service_type", "id"))
        )
        .order_by("-credit_score", "unit__code")
    )


def public_needs() -> QuerySet[Need]:
    return (
        Need.objects.exclude(status=NeedStatus.CANCELLED)
        .select_related("winner__unit")
        .order_by("-created_at")
    )


def public_need(*, uuid) -> Need:
    need = public_needs().filter(uuid=uuid).first()
    if need is None:
        raise Http404
    return need


def need_by_number(number: str) -> Need | None:
    return Need.objects.exclude(status=NeedStatus.CANCELLED).filter(number=number.strip()).first()


# -- owners ---------------------------------------------------------------------------------------------


def owner_needs(*, user) -> QuerySet[Need]:
    if not permissions.is_owner(user):
        return Need.objects.none()
    return (
        Need.objects.filter(owner=user).select_related("winner__unit", "application").order_by("-created_at")
    )


def owner_need(*, user, uuid) -> Need:
    need = owner_needs(user=user).filter(uuid=uuid).first()
    if need is None:
        raise Http404
    return need


# -- intermediaries -------------------------------------------------------------------------------------


def intermediary_for(user) -> Intermediary | None:
    units = permissions.staff_unit_ids(user)
    if not units:
        return None
    return Intermediary.objects.select_related("unit").filter(unit_id__in=units).first()


def opportunities(*, intermediary: Intermediary, today=None) -> QuerySet[Need]:
    """Open bidding needs of the service types the intermediary is currently eligible for."""
    today = today or local_today()
    types = [
        t
        for t in intermediary.qualifications.values_list("service_type", flat=True).distinct()
        if eligible(service_type=t, today=today).filter(pk=intermediary.pk).exists()
    ]
    return Need.objects.filter(
        status=NeedStatus.OPEN, mode__in=BIDDING_MODES, service_type__in=types
    ).order_by("-created_at")


def engagements(*, user) -> QuerySet[Need]:
    """Needs the user's intermediary won: the only needs its staff see beyond open announcements."""
    units = permissions.staff_unit_ids(user)
    return (
        Need.objects.filter(winner__unit_id__in=units).select_related("winner__unit").order_by("-created_at")
    )


def engagement(*, user, uuid) -> Need:
    need = engagements(user=user).filter(uuid=uuid).first()
    if need is None:
        raise Http404
    return need


def open_need_for_bidding(*, user, uuid) -> Need:
    intermediary = intermediary_for(user)
    if intermediary is None:
        raise Http404
    need = opportunities(intermediary=intermediary).filter(uuid=uuid).first()
    if need is None:
        raise Http404
    return need


# -- the regulator ----------------------------------------------------------------------------------------


def regulator_intermediaries(*, user) -> QuerySet[Intermediary]:
    if not permissions.is_regulator(user):
        return Intermediary.objects.none()
    today = local_today()
    return (
        Intermediary.objects.select_related("unit")
        .annotate(
            is_blacklisted=blacklisted_q(today), n_qualifications=Count("qualifications", distinct=True)
        )
        .order_by("status", "unit__code")
    )


def regulator_intermediary(*, user, pk) -> Intermediary:
    found = regulator_intermediaries(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def regulator_complaints(*, user) -> QuerySet[Complaint]:
    if not permissions.is_regulator(user):
        return Complaint.objects.none()
    return Complaint.objects.select_related("need", "intermediary__unit").order_by("status", "-created_at")


def regulator_complaint(*, user, pk) -> Complaint:
    found = regulator_complaints(user=user).filter(pk=pk, status=ComplaintStatus.OPEN).first()
    if found is None:
        raise Http404
    return found
