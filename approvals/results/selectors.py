"""Reads of the results app: the public register, the verify answer, the applicant's and the
officials' panels, the clerks' queue and file downloads.

Public reads (register, verify) use only the frozen, masked snapshots. Everything else is scoped
to who asks: what they may not see answers 404, so existence does not leak.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.http import Http404

from approvals.models import Application, Item
from approvals.selectors.work import days_left, unit_ids
from approvals.workflow import ApplicationStatus
from coordination.models import OrgUnit
from portal.clocks import services as clock_services
from portal.clocks.models import Clock

from . import conf, documents, permissions, services
from .models import Certificate, Delivery, Publication, PublicationStatus

A = ApplicationStatus


# -- the public register -------------------------------------------------------------------------------


@dataclass
class RegisterFilters:
    q: str = ""
    department: int | None = None
    item: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    status: str = ""

    @classmethod
    def from_query(cls, data) -> RegisterFilters:
        """Read the query string; a malformed value is ignored (the public page never fails on it)."""

        def number(key):
            raw = (data.get(key) or "").strip()
            return int(raw) if raw.isdigit() else None

        def day(key):
            try:
                return datetime.date.fromisoformat((data.get(key) or "").strip())
            except ValueError:
                return None

        status = (data.get("status") or "").strip()
        return cls(
            q=(data.get("q") or "").strip()[:100],
            department=number("department"),
            item=number("item"),
            date_from=day("from"),
            date_to=day("to"),
            status=status if status in PublicationStatus.values else "",
        )


def register(filters: RegisterFilters) -> QuerySet[Publication]:
    """Published grants, newest decision first, filtered. Only snapshot columns are read."""
    queryset = Publication.objects.select_related("department")
    if filters.q:
        q = filters.q
        queryset = queryset.filter(
            Q(number__icontains=q)
            | Q(serials__icontains=q)
            | Q(subject_name__icontains=q)
            | Q(holder_is_organisation=True, holder__icontains=q)
        )
    if filters.department:
        queryset = queryset.filter(department_id=filters.department)
    if filters.item:
        queryset = queryset.filter(
            Q(item_id=filters.item)
            | Exists(
                Certificate.objects.filter(application_id=OuterRef("application_id"), item_id=filters.item)
            )
        )
    if filters.date_from:
        queryset = queryset.filter(decided_on__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(decided_on__lte=filters.date_to)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    return queryset.order_by("-decided_on", "-id")


def register_page(filters: RegisterFilters, page: str | None):
    return Paginator(register(filters), conf.register_page_size()).get_page(page)


def register_choices() -> dict:
    """The departments and items that have publications, for the filter menus (two queries)."""
    departments = OrgUnit.objects.filter(pk__in=Publication.objects.values("department_id")).order_by("name")
    items = Item.objects.filter(pk__in=Certificate.objects.values("item_id")).order_by("code")
    return {
        "departments": list(departments.only("id", "name")),
        "items": list(items.only("id", "code", "name")),
    }


# -- verify ------------------------------------------------------------------------------------------------


def certificate_for_token(token: str) -> Certificate | None:
    """The certificate a verify token names, or None for a tampered, malformed or unknown token."""
    public_id = documents.public_id_from_token(token)
    if public_id is None:
        return None
    return Certificate.objects.filter(public_id=public_id).first()


def today() -> datetime.date:
    return clock_services.local_today()


# -- the applicant's and the officials' panels ---------------------------------------------------------


def _issue_clock(application: Application) -> Clock | None:
    return (
        Clock.objects.filter(
            subject_type=ContentType.objects.get_for_model(Application),
            subject_id=str(application.pk),
            purpose=services.ISSUE_CLOCK,
        )
        .only("signal", "due_date", "state", "due_provisional")
        .first()
    )


def _certificates(application: Application) -> list[Certificate]:
    return list(Certificate.objects.filter(application=application).order_by("pk"))


def applicant_panel(*, user, application: Application) -> dict | None:
    """What the applicant's page shows of the results; None when there is nothing (or not theirs)."""
    if not permissions.is_applicant(user, application):
        return None
    certificates = _certificates(application)
    if not certificates:
        return None
    delivery = Delivery.objects.filter(application=application).first()
    methods = services.allowed_methods(application)
    on_way = delivery is not None and delivery.state != "chosen"
    return {
        "certificates": certificates,
        "delivery": delivery,
        "methods": methods,
        "can_choose": application.status in (A.PUBLISHED, A.ISSUED) and not on_way,
        "can_confirm": (
            application.status == A.ISSUED
            and delivery is not None
            and delivery.method == "express"
            and delivery.state == "shipped"
        ),
        "today": today(),
        "issue_days": conf.issue_days(),
    }


def official_panel(*, user, application: Application) -> dict | None:
    """What an official's page of the application shows of the results (None: nothing to show)."""
    certificates = _certificates(application)
    if not certificates or not permissions.can_download(user, application):
        return None
    clerk = permissions.can_issue(user, application)
    delivery = Delivery.objects.filter(application=application).first()
    clock = _issue_clock(application)
    return {
        "certificates": certificates,
        "delivery": delivery,
        "clock": clock,
        "days_left": days_left(clock.due_date, clock.state) if clock else None,
        "is_clerk": clerk,
        "can_issue": clerk and application.status == A.PUBLISHED,
        "can_ready": clerk
        and application.status == A.ISSUED
        and (delivery is None or (delivery.method == "pickup" and delivery.state == "chosen"))
        and (delivery is not None or "pickup" in services.allowed_methods(application)),
        "can_ship": clerk
        and application.status == A.ISSUED
        and delivery is not None
        and delivery.method == "express"
        and delivery.state == "chosen",
        "can_confirm": clerk
        and application.status == A.ISSUED
        and delivery is not None
        and delivery.state in ("ready", "shipped"),
        "publication": Publication.objects.filter(application=application).first(),
        "today": today(),
        "issue_days": conf.issue_days(),
    }


# -- the clerks' queue ------------------------------------------------------------------------------------


def work_queue(*, user, show: str = "open") -> list[Application]:
    """Applications of the clerk's lead departments whose certificate is to be issued or delivered
    (or, with show="done", delivered), oldest decision first, each with the issue clock as
    `issue_signal/_due/_state` and `issue_days_left`/`issue_overdue`, and its delivery."""
    states = [A.DELIVERED] if show == "done" else [A.PUBLISHED, A.ISSUED]
    clocks = Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(Application),
        subject_id=Cast(OuterRef("pk"), output_field=CharField()),
        purpose=services.ISSUE_CLOCK,
    )
    queryset = (
        Application.objects.filter(
            lead_department_id__in=unit_ids(user, "window_clerk"),
            status__in=states,
            publication__isnull=False,
        )
        .select_related("applicant", "item", "package", "lead_department", "delivery", "publication")
        .annotate(
            issue_signal=Subquery(clocks.values("signal")[:1]),
            issue_due=Subquery(clocks.values("due_date")[:1]),
            issue_state=Subquery(clocks.values("state")[:1]),
        )
        .order_by("decided_on", "pk")
    )
    rows = list(queryset[:200])
    current = today()
    for row in rows:
        left = days_left(row.issue_due, row.issue_state, current)
        row.issue_days_left = left if left is not None and left >= 0 else None
        row.issue_overdue = -left if left is not None and left < 0 else None
        row.holder = (
            row.publication.holder
            if row.publication.holder_is_organisation
            else row.applicant.get_full_name()
        )
    return rows


def is_clerk_anywhere(user) -> bool:
    return unit_ids(user, "window_clerk").exists()


# -- files ------------------------------------------------------------------------------------------------


def downloadable_certificate(*, user, public_id) -> Certificate:
    """An issued certificate's PDF for its applicant or an official who may see the application."""
    certificate = (
        Certificate.objects.select_related("application").filter(public_id=public_id).exclude(pdf="").first()
    )
    if certificate is None or not permissions.can_download(user, certificate.application):
        raise Http404
    return certificate


def application_for_action(*, user, uuid) -> Application:
    """An application the user may see (applicant or official), for a results action; else 404.
    Whether the user may do the action is the service's decision (403)."""
    application = Application.objects.filter(uuid=uuid).select_related("lead_department").first()
    if application is None or not permissions.can_download(user, application):
        raise Http404
    return application
