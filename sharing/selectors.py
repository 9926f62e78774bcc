"""Every read that depends on who is asking (DESIGN.md §4.2). Scoping happens in SQL.

- Catalogue: officials see every available resource (published at least once, not withdrawn);
  a provider's stewards and the data authority also see the provider's drafts; the public sees
  available resources whose open attribute is "open".
- Requests and agreements: a unit's stewards see those their unit is party to (as consumer or
  provider); the data authority sees all; nobody else sees any.
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from . import permissions
from .models import (
    Agreement,
    AgreementItem,
    DataItem,
    DataRequest,
    DataResource,
    OpenAttribute,
    ResourceStatus,
)

AVAILABLE = Q(current_version__isnull=False) & ~Q(status=ResourceStatus.WITHDRAWN)


def _resources_base() -> QuerySet:
    return DataResource.objects.select_related(
        "provider", "provider__line", "current_version"
    ).prefetch_related("topics")


def resource_scope(user) -> Q | None:
    """The filter of resources the user may see (None: none at all)."""
    if not permissions.is_official(user):
        return None
    if permissions.is_data_authority(user) or user.is_superuser:
        return Q()
    units = permissions.steward_unit_ids(user)
    return AVAILABLE | Q(provider_id__in=units) if units else AVAILABLE


def resource_list(*, user, filters: dict | None = None) -> QuerySet:
    scope = resource_scope(user)
    if scope is None:
        return DataResource.objects.none()
    qs = _resources_base().filter(scope)
    return apply_filters(qs, filters or {}).order_by("code")


def apply_filters(qs: QuerySet, f: dict) -> QuerySet:
    if f.get("q"):
        q = f["q"].strip()
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(summary__icontains=q))
    if f.get("topic"):
        qs = qs.filter(topics__code=f["topic"])
    if f.get("provider"):
        qs = qs.filter(provider__code=f["provider"])
    if f.get("level"):
        qs = qs.filter(provider__level=f["level"])
    if f.get("line"):
        qs = qs.filter(provider__line__code=f["line"])
    if f.get("sharing_type"):
        qs = qs.filter(sharing_type=f["sharing_type"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    return qs.distinct() if f.get("topic") else qs


def resource_get(*, user, code: str) -> DataResource:
    scope = resource_scope(user)
    resource = None
    if scope is not None:
        resource = (
            _resources_base()
            .filter(scope, code=code)
            .prefetch_related(
                Prefetch("items", queryset=DataItem.objects.order_by("order", "id")),
                "versions",
                "related",
            )
            .first()
        )
    if resource is None:
        raise Http404
    return resource


def open_resources(*, filters: dict | None = None) -> QuerySet:
    """Resources listed on the public site (no login)."""
    qs = _resources_base().filter(AVAILABLE, open_attribute=OpenAttribute.OPEN)
    return apply_filters(qs, filters or {}).order_by("code")


def open_resource_get(*, code: str) -> DataResource:
    resource = (
        open_resources()
        .filter(code=code)
        .prefetch_related(Prefetch("items", queryset=DataItem.objects.order_by("order", "id")))
        .first()
    )
    if resource is None:
        raise Http404
    return resource


# -- Requests ---------------------------------------------------------------------------------------


def _party_scope(user) -> Q | None:
    if permissions.is_data_authority(user):
        return Q()
    units = permissions.steward_unit_ids(user)
    if not units:
        return None
    return Q(consumer_id__in=units) | Q(resource__provider_id__in=units)


def request_list(*, user, filters: dict | None = None) -> QuerySet:
    scope = _party_scope(user)
    if scope is None:
        return DataRequest.objects.none()
    qs = DataRequest.objects.filter(scope).select_related(
        "consumer", "resource", "resource__provider", "version"
    )
    f = filters or {}
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("role") == "consumer":
        qs = qs.filter(consumer_id__in=permissions.steward_unit_ids(user))
    elif f.get("role") == "provider":
        qs = qs.filter(resource__provider_id__in=permissions.steward_unit_ids(user))
    return qs.order_by("-created_at", "-id")


def request_get(*, user, uuid) -> DataRequest:
    scope = _party_scope(user)
    request = None
    if scope is not None:
        request = (
            DataRequest.objects.filter(scope, uuid=uuid)
            .select_related("consumer", "resource", "resource__provider", "version", "requested_by")
            .prefetch_related(
                Prefetch("items", queryset=DataItem.objects.order_by("order", "id")), "agreements"
            )
            .first()
        )
    if request is None:
        raise Http404
    return request


# -- Agreements -------------------------------------------------------------------------------------


def _agreement_scope(user) -> Q | None:
    if permissions.is_data_authority(user):
        return Q()
    units = permissions.steward_unit_ids(user)
    if not units:
        return None
    return Q(consumer_id__in=units) | Q(provider_id__in=units)


def agreement_list(*, user, filters: dict | None = None, today: datetime.date | None = None) -> QuerySet:
    scope = _agreement_scope(user)
    if scope is None:
        return Agreement.objects.none()
    qs = Agreement.objects.filter(scope).select_related(
        "provider", "consumer", "resource", "resource_version"
    )
    f = filters or {}
    for key in ("provider", "consumer"):
        if f.get(key):
            qs = qs.filter(**{f"{key}__code": f[key]})
    if f.get("resource"):
        qs = qs.filter(resource__code=f["resource"])
    if f.get("direction"):
        qs = qs.filter(direction=f["direction"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("expiring_within") not in (None, ""):
        today = today or datetime.date.today()
        days = int(f["expiring_within"])
        qs = qs.filter(
            status__in=["active", "suspended"],
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=days),
        )
    return qs.order_by("-created_at", "-id")


def agreement_get(*, user, uuid) -> Agreement:
    scope = _agreement_scope(user)
    agreement = None
    if scope is not None:
        agreement = (
            Agreement.objects.filter(scope, uuid=uuid)
            .select_related("provider", "consumer", "resource", "resource_version", "request", "previous")
            .prefetch_related(
                Prefetch(
                    "agreement_items",
                    queryset=AgreementItem.objects.select_related("item").order_by("item__order", "item_id"),
                )
            )
            .first()
        )
    if agreement is None:
        raise Http404
    return agreement


def agreement_versions(agreement: Agreement) -> list[Agreement]:
    return list(Agreement.objects.filter(number=agreement.number).order_by("version"))
