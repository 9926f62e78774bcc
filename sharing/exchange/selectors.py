"""Every exchange read that depends on who is asking; scoped in SQL.

A unit's data stewards see what their unit is party to (as provider or consumer); the data
authority (and superusers) see everything; nobody else sees anything.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from portal.clocks.models import Clock, ClockState
from sharing import selectors as sharing_selectors
from sharing.models import Agreement, AgreementStatus, DataRequest, DataResource, Direction

from . import permissions
from .models import (
    AccessLog,
    ApiCredential,
    DataRecord,
    Objection,
    ObjectionState,
    ReturnedRecord,
    ReturnFlowRun,
)


def _party(user, consumer: str = "consumer_id", provider: str = "provider_id") -> Q | None:
    if permissions.sees_everything(user):
        return Q()
    units = permissions.steward_units(user)
    if not units:
        return None
    return Q(**{f"{consumer}__in": units}) | Q(**{f"{provider}__in": units})


def access_log_list(*, user, side: str = "") -> QuerySet:
    """Calls the user may see; `side` "provider" or "consumer" narrows a steward's view."""
    scope = _party(user)
    if scope is None:
        return AccessLog.objects.none()
    qs = AccessLog.objects.filter(scope)
    units = permissions.steward_units(user)
    if side == "provider":
        qs = qs.filter(provider_id__in=units)
    elif side == "consumer":
        qs = qs.filter(consumer_id__in=units)
    return qs.select_related("consumer", "provider", "resource", "credential", "agreement").order_by(
        "-sequence"
    )


def provider_resources(*, user) -> QuerySet:
    units = permissions.steward_units(user)
    return (
        DataResource.objects.filter(provider_id__in=units)
        .annotate(record_count=Count("records"))
        .select_related("provider")
        .order_by("code")
    )


def resource_for_loading(*, user, code: str) -> DataResource:
    resource = DataResource.objects.filter(code=code).select_related("provider").first()
    if resource is None or not permissions.can_load_records(user, resource):
        raise Http404
    return resource


def records_of(*, resource: DataResource) -> QuerySet:
    return DataRecord.objects.filter(resource=resource).order_by("id")


def consumer_agreements(*, user) -> QuerySet:
    units = permissions.steward_units(user)
    return (
        Agreement.objects.filter(
            consumer_id__in=units, status__in=[AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED]
        )
        .select_related("resource", "provider")
        .annotate(credential_count=Count("credentials", filter=Q(credentials__revoked_at__isnull=True)))
        .order_by("-created_at")
    )


def agreement_get(*, user, uuid) -> Agreement:
    return sharing_selectors.agreement_get(user=user, uuid=uuid)


def credentials_of(*, agreement: Agreement) -> QuerySet:
    return ApiCredential.objects.filter(agreement=agreement).select_related("issued_by", "revoked_by")


def credential_get(*, user, pk: int) -> ApiCredential:
    credential = ApiCredential.objects.select_related("agreement").filter(pk=pk).first()
    if credential is None or not permissions.can_revoke_credential(user, credential):
        raise Http404
    return credential


def objection_list(*, user, open_only: bool = False) -> QuerySet:
    scope = _party(user, "agreement__consumer_id", "agreement__provider_id")
    if scope is None:
        return Objection.objects.none()
    qs = Objection.objects.filter(scope)
    if open_only:
        qs = qs.exclude(state=ObjectionState.MARK_REVOKED)
    return qs.select_related(
        "record", "record__resource", "agreement", "agreement__consumer", "agreement__provider"
    )


def objection_get(*, user, uuid) -> Objection:
    objection = objection_list(user=user).filter(uuid=uuid).first()
    if objection is None:
        raise Http404
    return objection


def objection_clocks(objection: Objection) -> QuerySet:
    return Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(Objection), subject_id=str(objection.pk)
    ).order_by("id")


def return_flow_agreements(*, user) -> QuerySet:
    scope = _party(user)
    if scope is None:
        return Agreement.objects.none()
    return (
        Agreement.objects.filter(scope, direction=Direction.DOWN)
        .exclude(status=AgreementStatus.SUPERSEDED)
        .select_related("resource", "provider", "consumer")
        .annotate(returned=Count("returned_records", distinct=True))
        .order_by("-created_at")
    )


def return_flow_runs(*, user, limit: int = 50) -> QuerySet:
    scope = _party(user, "agreement__consumer_id", "agreement__provider_id")
    if scope is None:
        return ReturnFlowRun.objects.none()
    return ReturnFlowRun.objects.filter(scope).select_related("agreement", "agreement__resource")[:limit]


def returned_records(*, agreement: Agreement, limit: int = 50) -> QuerySet:
    return ReturnedRecord.objects.filter(agreement=agreement).order_by("-received_at", "key")[:limit]


# -- statistics ------------------------------------------------------------------------------------


def dashboard(*, user, days: int = 30, today: datetime.date | None = None) -> dict:
    """Everything the statistics page draws, within the user's scope."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=days - 1)
    scope = _party(user)
    if scope is None:
        return {}
    agreements = Agreement.objects.filter(scope)
    live = agreements.filter(status=AgreementStatus.ACTIVE)
    resources = sharing_selectors.resource_list(user=user)
    units = set(live.values_list("consumer_id", flat=True)) | set(live.values_list("provider_id", flat=True))

    calls = (
        access_log_list(user=user)
        .filter(time_in__date__gte=since)
        .annotate(day=TruncDate("time_in", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(calls=Count("id"), refused=Count("id", filter=Q(status__gte=400)), records=Sum("records"))
        .order_by("day")
    )
    by_day = {row["day"]: row for row in calls}
    day_list = [since + datetime.timedelta(days=n) for n in range(days)]

    request_ids = sharing_selectors.request_list(user=user).values_list("pk", flat=True)
    reply_clocks = Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(DataRequest),
        subject_id__in=[str(pk) for pk in request_ids],
        state=ClockState.STOPPED,
    )
    replied = reply_clocks.count()
    on_time = reply_clocks.filter(finished_late=False).count()

    runs = ReturnFlowRun.objects.filter(
        _party(user, "agreement__consumer_id", "agreement__provider_id"), started_at__date__gte=since
    )
    flow = {
        row["day"]: row["rows"]
        for row in runs.annotate(day=TruncDate("started_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(rows=Sum("rows"))
    }

    matrix = list(
        live.values("provider__name", "consumer__name")
        .annotate(n=Count("id"))
        .order_by("provider__name", "consumer__name")
    )
    return {
        "units_connected": len(units),
        "agreements_active": live.count(),
        "topics": list(
            resources.exclude(topics=None)
            .values("topics__name")
            .annotate(n=Count("id", distinct=True))
            .order_by("-n")[:20]
        ),
        "by_sharing_type": list(
            resources.values("sharing_type").annotate(n=Count("id")).order_by("sharing_type")
        ),
        "by_level": list(
            resources.values("provider__level").annotate(n=Count("id")).order_by("provider__level")
        ),
        "days": [d.isoformat() for d in day_list],
        "calls": [by_day.get(d, {}).get("calls", 0) for d in day_list],
        "refused": [by_day.get(d, {}).get("refused", 0) for d in day_list],
        "records": [by_day.get(d, {}).get("records") or 0 for d in day_list],
        "return_flow": [flow.get(d) or 0 for d in day_list],
        "replies": replied,
        "replies_on_time": on_time,
        "on_time_rate": round(100 * on_time / replied, 1) if replied else None,
        "open_objections": objection_list(user=user, open_only=True).count(),
        "matrix": matrix,
    }
