"""Every write to a data request: one function per use case (DESIGN.md §4.1).

Routing (DOMAIN.md §5): a submitted request is checked by the data authority. Its route is the
most restrictive sharing type among the items wanted (an item's override, else the resource's),
as frozen in the resource version requested:

- unconditional → the authority's check approves it (reply within SHARING_UNCONDITIONAL_REPLY_DAYS);
- conditional → the provider reviews it within SHARING_CONDITIONAL_REPLY_DAYS; a refusal needs reasons;
- not shared → only through negotiation with the provider, then coordination by the data authority.

Every step runs a platform clock (purpose = the step) whose reminders go to whoever must act.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import audit_record, snapshot
from portal.clocks.models import Clock, ClockState
from portal.clocks.services import clock_start, clock_stop
from portal.errors import DomainError, TransitionNotAllowed
from portal.notifications.services import notify
from portal.numbering import next_number

from .. import conf, permissions, signals, workflow
from ..models import (
    OPEN_REQUEST_STATES,
    SHARING_STRICTNESS,
    DataRequest,
    DataResource,
    Direction,
    Frequency,
    RequestStatus,
    SharingMethod,
    SharingType,
)
from .agreements import agreement_create_for

S = RequestStatus
REQUEST_FIELDS = [
    "purpose",
    "scenario",
    "duty_basis",
    "method",
    "frequency",
    "period_from",
    "period_until",
    "direction",
]
AUDIT_FIELDS = ["status", "route", "items", "number", "reasons", "version"]

# Clock purposes, one per step.
AUTHORITY, PROVIDER, NEGOTIATION, COORDINATION = "authority", "provider", "negotiation", "coordination"


def infer_direction(consumer, provider) -> str:
    """Up when the consumer sits above the provider, down (回流) when below, else horizontal."""
    if consumer.level and provider.level and consumer.level != provider.level:
        return Direction.UP if consumer.level < provider.level else Direction.DOWN
    return Direction.HORIZONTAL


def route_for(version, item_codes) -> str:
    types = {i["code"]: i["sharing_type"] for i in version.items}
    wanted = [types[c] for c in item_codes if c in types]
    return max(wanted, key=lambda t: SHARING_STRICTNESS[SharingType(t)]) if wanted else version.sharing_type


def _lock(request: DataRequest) -> DataRequest:
    return DataRequest.objects.select_for_update().select_related("resource").get(pk=request.pk)


def _check_items(resource: DataResource, version, items) -> list:
    items = list(items)
    if not items:
        raise DomainError(
            _("Choose at least one data item (ask only for what the duty needs)."), field="items"
        )
    codes = set(version.item_codes())
    foreign = [i for i in items if i.resource_id != resource.pk or i.code not in codes]
    if foreign:
        raise DomainError(
            _("These items are not part of the published resource: %(items)s.")
            % {"items": ", ".join(i.code for i in foreign)},
            field="items",
        )
    return items


def _check_data(data: dict) -> dict:
    clean = {k: data.get(k) for k in REQUEST_FIELDS}
    for field, message in (
        ("purpose", _("State the purpose the data is needed for.")),
        ("duty_basis", _("State the duty or law the data is needed for.")),
    ):
        if not (clean[field] or "").strip():
            raise DomainError(message, field=field)
    if clean["method"] not in SharingMethod.values:
        raise DomainError(_("Choose a sharing method."), field="method")
    if clean["frequency"] not in Frequency.values:
        raise DomainError(_("Choose how often the data is needed."), field="frequency")
    if not isinstance(clean["period_from"], datetime.date) or not isinstance(
        clean["period_until"], datetime.date
    ):
        raise DomainError(_("Give the period the data is needed for."), field="period_from")
    if clean["period_until"] < clean["period_from"]:
        raise DomainError(_("The end of the period is before its start."), field="period_until")
    clean["scenario"] = clean["scenario"] or ""
    return clean


@transaction.atomic
def request_create(*, actor, consumer, resource: DataResource, items, data: dict) -> DataRequest:
    """A data steward of the consumer drafts a request for items of a published resource."""
    if not permissions.can_request_for(actor, consumer):
        raise DomainError(_("Only the unit's data stewards may request data for it."), field="consumer")
    resource = DataResource.objects.select_related("current_version", "provider").get(pk=resource.pk)
    if not resource.is_available:
        raise DomainError(_("This resource is not published."), field="resource")
    if resource.provider_id == consumer.pk:
        raise DomainError(_("A unit does not request its own data."), field="consumer")
    clean = _check_data(data)
    if clean["direction"] not in Direction.values:
        clean["direction"] = infer_direction(consumer, resource.provider)
    items = _check_items(resource, resource.current_version, items)
    request = DataRequest.objects.create(
        consumer=consumer, requested_by=actor, resource=resource, version=resource.current_version, **clean
    )
    request.items.set(items)
    audit_record(
        actor=actor, action="data_request.create", obj=request, after=snapshot(request, AUDIT_FIELDS)
    )
    return request


@transaction.atomic
def request_update(*, actor, request: DataRequest, items, data: dict) -> DataRequest:
    request = _lock(request)
    if not permissions.can_edit_request(actor, request):
        raise DomainError(_("Only the consumer's data stewards may change this request."))
    if request.status != S.DRAFT:
        raise TransitionNotAllowed(_("Only a draft request can be changed."))
    before = snapshot(request, [*REQUEST_FIELDS, "items"])
    clean = _check_data(data)
    if clean["direction"] not in Direction.values:
        clean["direction"] = request.direction
    for key, value in clean.items():
        setattr(request, key, value)
    request.save()
    request.items.set(_check_items(request.resource, request.version, items))
    audit_record(
        actor=actor,
        action="data_request.update",
        obj=request,
        before=before,
        after=snapshot(request, [*REQUEST_FIELDS, "items"]),
    )
    return request


# -- clocks and notices -----------------------------------------------------------------------------


def _clock(request: DataRequest, purpose: str) -> Clock | None:
    return (
        Clock.objects.select_for_update()
        .filter(
            subject_type=ContentType.objects.get_for_model(DataRequest),
            subject_id=str(request.pk),
            purpose=purpose,
        )
        .first()
    )


def _start(request: DataRequest, purpose: str, limit: int, actor, on: datetime.date, label: str) -> Clock:
    return clock_start(
        subject=request, limit_days=limit, actor=actor, purpose=purpose, label=label, start_on=on, owner=None
    )


def _stop_open(request: DataRequest, actor, on: datetime.date, reason: str = "") -> None:
    clocks = Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(DataRequest),
        subject_id=str(request.pk),
        state__in=[ClockState.RUNNING, ClockState.PAUSED],
    )
    for clock in clocks:
        clock_stop(clock=clock, actor=actor, on=max(on, clock.started_on), reason=reason)


def _tell(request: DataRequest, recipients, event: str, reason: str = "") -> None:
    notify(
        recipients=recipients,
        kind="sharing_request",
        key=f"sharing-request:{request.pk}:{event}",
        url=request.get_absolute_url(),
        subject=request,
        context={
            "event": event,
            "number": request.number or "",
            "resource": request.resource.name,
            "consumer": request.consumer.name,
            "reason": reason,
        },
    )


def _move(
    *, actor, request: DataRequest, target: str, action: str, reason: str = "", before=None
) -> DataRequest:
    before = before or snapshot(request, AUDIT_FIELDS)
    workflow.check("request", request.status, target)
    old = request.status
    request.status = target
    if target in (S.REJECTED, S.WITHDRAWN):
        request.reasons = reason
    request.save()
    signals.request_status_changed.send(sender=DataRequest, request=request, old=old, new=target)
    audit_record(
        actor=actor,
        action=action,
        obj=request,
        before=before,
        after=snapshot(request, AUDIT_FIELDS),
        reason=reason,
    )
    return request


def _today(on):
    return on or timezone.localdate()


# -- transitions ------------------------------------------------------------------------------------


@transaction.atomic
def request_submit(*, actor, request: DataRequest, on: datetime.date | None = None) -> DataRequest:
    """Submit to the data authority; the route is fixed here and the authority's clock starts."""
    request = _lock(request)
    on = _today(on)
    if not permissions.can_edit_request(actor, request):
        raise DomainError(_("Only the consumer's data stewards may submit this request."))
    workflow.check("request", request.status, S.SUBMITTED)
    resource = request.resource
    if not resource.is_available:
        raise DomainError(_("This resource is no longer published."))
    version = resource.current_version
    codes = list(request.items.values_list("code", flat=True))
    _check_items(resource, version, request.items.all())
    before = snapshot(request, AUDIT_FIELDS)
    request.version = version
    request.route = route_for(version, codes)
    request.number = next_number(f"SJ-{on:%Y%m%d}")
    request.submitted_on = on
    request.save()
    _start(
        request,
        AUTHORITY,
        conf.unconditional_reply_days(),
        actor,
        on,
        _("Data authority check of %(n)s") % {"n": request.number},
    )
    _tell(request, permissions.authority_stewards(), "submitted")
    return _move(
        actor=actor, request=request, target=S.SUBMITTED, action="data_request.submit", before=before
    )


@transaction.atomic
def request_receive(*, actor, request: DataRequest) -> DataRequest:
    """The data authority takes up a submitted request (its clock keeps running)."""
    request = _lock(request)
    if not permissions.is_data_authority(actor):
        raise DomainError(_("Only the data authority checks requests."))
    return _move(actor=actor, request=request, target=S.AUTHORITY_REVIEW, action="data_request.receive")


@transaction.atomic
def request_authority_check(
    *, actor, request: DataRequest, passed: bool, opinion: str = "", terms: dict | None = None, on=None
) -> DataRequest:
    """The data authority's check routes the request by its sharing type, or refuses it with reasons."""
    request = _lock(request)
    on = _today(on)
    if not permissions.is_data_authority(actor):
        raise DomainError(_("Only the data authority checks requests."))
    if request.status == S.SUBMITTED:
        request = _move(
            actor=actor, request=request, target=S.AUTHORITY_REVIEW, action="data_request.receive"
        )
    if request.status != S.AUTHORITY_REVIEW:
        raise TransitionNotAllowed(_("The request is not waiting for the data authority's check."))
    request.authority_opinion = opinion or ""
    if not passed:
        if not (opinion or "").strip():
            raise DomainError(_("A refusal needs reasons."), field="opinion")
        _stop_open(request, actor, on)
        request.decided_on = on
        _tell(request, permissions.stewards_of([request.consumer_id]), "rejected", opinion)
        return _move(
            actor=actor, request=request, target=S.REJECTED, action="data_request.reject", reason=opinion
        )
    _stop_open(request, actor, on)
    provider = [request.resource.provider_id]
    if request.route == SharingType.UNCONDITIONAL:
        request.decided_on = on
        before = snapshot(request, AUDIT_FIELDS)
        workflow.check("request", request.status, S.APPROVED)
        agreement_create_for(actor=actor, request=request, items=request.items.all(), terms=terms, on=on)
        _tell(request, permissions.stewards_of([request.consumer_id, *provider]), "approved")
        return _move(
            actor=actor, request=request, target=S.APPROVED, action="data_request.approve", before=before
        )
    if request.route == SharingType.CONDITIONAL:
        _start(
            request,
            PROVIDER,
            conf.conditional_reply_days(),
            actor,
            on,
            _("Provider reply to %(n)s") % {"n": request.number},
        )
        _tell(request, permissions.stewards_of(provider), "provider_review")
        return _move(actor=actor, request=request, target=S.PROVIDER_REVIEW, action="data_request.forward")
    _start(
        request,
        NEGOTIATION,
        conf.negotiation_days(),
        actor,
        on,
        _("Negotiation of %(n)s") % {"n": request.number},
    )
    _tell(request, permissions.stewards_of([request.consumer_id, *provider]), "negotiation")
    return _move(actor=actor, request=request, target=S.NEGOTIATION, action="data_request.negotiate")


def _approve(*, actor, request, items, terms, on, action) -> DataRequest:
    items = list(items)
    requested = set(request.items.values_list("pk", flat=True))
    if not items:
        raise DomainError(_("Approve at least one item, or refuse the request with reasons."), field="items")
    extra = [i for i in items if i.pk not in requested]
    if extra:
        raise DomainError(
            _("Only requested items can be approved; not requested: %(items)s.")
            % {"items": ", ".join(i.code for i in extra)},
            field="items",
        )
    before = snapshot(request, AUDIT_FIELDS)
    workflow.check("request", request.status, S.APPROVED)
    _stop_open(request, actor, on)
    request.decided_on = on
    agreement_create_for(actor=actor, request=request, items=items, terms=terms, on=on)
    _tell(request, permissions.stewards_of([request.consumer_id, request.resource.provider_id]), "approved")
    return _move(actor=actor, request=request, target=S.APPROVED, action=action, before=before)


@transaction.atomic
def request_provider_decide(
    *,
    actor,
    request: DataRequest,
    decision: str,
    items=(),
    opinion: str = "",
    terms: dict | None = None,
    on=None,
) -> DataRequest:
    """The provider approves (some or all items), refuses with reasons, or asks to negotiate."""
    request = _lock(request)
    on = _today(on)
    if not permissions.can_review_as_provider(actor, request):
        raise DomainError(_("Only the provider's data stewards review this request."))
    if request.status != S.PROVIDER_REVIEW:
        raise TransitionNotAllowed(_("The request is not waiting for the provider."))
    request.provider_opinion = opinion or ""
    if decision == "approve":
        return _approve(
            actor=actor, request=request, items=items, terms=terms, on=on, action="data_request.approve"
        )
    if not (opinion or "").strip():
        raise DomainError(_("A refusal or a call to negotiate needs reasons."), field="opinion")
    if decision == "reject":
        _stop_open(request, actor, on)
        request.decided_on = on
        _tell(request, permissions.stewards_of([request.consumer_id]), "rejected", opinion)
        return _move(
            actor=actor, request=request, target=S.REJECTED, action="data_request.reject", reason=opinion
        )
    if decision == "negotiate":
        workflow.check("request", request.status, S.NEGOTIATION)
        _stop_open(request, actor, on)
        _start(
            request,
            NEGOTIATION,
            conf.negotiation_days(),
            actor,
            on,
            _("Negotiation of %(n)s") % {"n": request.number},
        )
        _tell(request, permissions.stewards_of([request.consumer_id]), "negotiation", opinion)
        return _move(actor=actor, request=request, target=S.NEGOTIATION, action="data_request.negotiate")
    raise DomainError(_("Choose approve, refuse or negotiate."), field="decision")


@transaction.atomic
def request_negotiation_agree(
    *, actor, request: DataRequest, items, notes: str = "", terms: dict | None = None, on=None
) -> DataRequest:
    """The provider agrees in negotiation to share (some of) the items."""
    request = _lock(request)
    on = _today(on)
    if not permissions.can_review_as_provider(actor, request):
        raise DomainError(_("Only the provider's data stewards agree in negotiation."))
    if request.status != S.NEGOTIATION:
        raise TransitionNotAllowed(_("The request is not in negotiation."))
    request.negotiation_notes = notes or ""
    return _approve(
        actor=actor, request=request, items=items, terms=terms, on=on, action="data_request.agree"
    )


@transaction.atomic
def request_escalate(*, actor, request: DataRequest, reason: str, on=None) -> DataRequest:
    """Either party takes a failed negotiation to the data authority for coordination."""
    request = _lock(request)
    on = _today(on)
    units = permissions.steward_unit_ids(actor)
    if not ({request.consumer_id, request.resource.provider_id} & units):
        raise DomainError(_("Only the parties' data stewards may ask for coordination."))
    if not (reason or "").strip():
        raise DomainError(_("Say what the parties disagree about."), field="reason")
    workflow.check("request", request.status, S.COORDINATION)
    request.negotiation_notes = reason
    _stop_open(request, actor, on)
    _start(
        request,
        COORDINATION,
        conf.coordination_days(),
        actor,
        on,
        _("Coordination of %(n)s") % {"n": request.number},
    )
    _tell(request, permissions.authority_stewards(), "coordination", reason)
    return _move(
        actor=actor, request=request, target=S.COORDINATION, action="data_request.escalate", reason=reason
    )


@transaction.atomic
def request_coordinate(
    *, actor, request: DataRequest, approve: bool, decision: str, items=(), terms: dict | None = None, on=None
) -> DataRequest:
    """The data authority decides a dispute: share (some of) the items, or refuse with reasons."""
    request = _lock(request)
    on = _today(on)
    if not permissions.is_data_authority(actor):
        raise DomainError(_("Only the data authority coordinates disputes."))
    if request.status != S.COORDINATION:
        raise TransitionNotAllowed(_("The request is not in coordination."))
    if not (decision or "").strip():
        raise DomainError(_("Record the coordination decision."), field="decision")
    request.coordination_decision = decision
    if approve:
        return _approve(
            actor=actor, request=request, items=items, terms=terms, on=on, action="data_request.coordinate"
        )
    _stop_open(request, actor, on)
    request.decided_on = on
    _tell(request, permissions.stewards_of([request.consumer_id]), "rejected", decision)
    return _move(
        actor=actor, request=request, target=S.REJECTED, action="data_request.reject", reason=decision
    )


@transaction.atomic
def request_withdraw(*, actor, request: DataRequest, reason: str, on=None) -> DataRequest:
    request = _lock(request)
    on = _today(on)
    if not permissions.can_edit_request(actor, request):
        raise DomainError(_("Only the consumer's data stewards may withdraw this request."))
    if request.status not in (S.DRAFT, *OPEN_REQUEST_STATES):
        workflow.check("request", request.status, S.WITHDRAWN)
    if not (reason or "").strip():
        raise DomainError(_("Say why the request is withdrawn."), field="reason")
    _stop_open(request, actor, on, reason)
    return _move(
        actor=actor, request=request, target=S.WITHDRAWN, action="data_request.withdraw", reason=reason
    )
