"""Every write to an agreement: one function per use case (DESIGN.md §4.1).

An agreement is never edited in place. Suspending, resuming, revoking and expiring change only
its status (with reasons); a renewal writes a new row with the next version number and marks the
previous one superseded. The purpose is the request's, frozen.
"""

from __future__ import annotations

import calendar
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
from ..models import Agreement, AgreementItem, AgreementStatus

G = AgreementStatus
AUDIT_FIELDS = [
    "number",
    "version",
    "status",
    "status_reason",
    "valid_from",
    "valid_until",
    "review_on",
    "retention_days",
    "onward_sharing",
    "delivery_due",
    "delivered_on",
]
DELIVERY = "delivery"


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _check_terms(terms: dict, *, on: datetime.date, request=None) -> dict:
    valid_from = terms.get("valid_from") or on
    default_until = add_months(valid_from, conf.agreement_default_months()) - datetime.timedelta(days=1)
    if request is not None and request.period_until and request.period_until >= valid_from:
        default_until = request.period_until
    valid_until = terms.get("valid_until") or default_until
    if valid_until < valid_from:
        raise DomainError(_("An agreement cannot end before it starts."), field="valid_until")
    review_on = terms.get("review_on")
    if review_on is None:
        review_on = max(valid_from, valid_until - datetime.timedelta(days=30))
    if not valid_from <= review_on <= valid_until:
        raise DomainError(_("The review date must fall within the agreement's validity."), field="review_on")
    retention = terms.get("retention_days")
    retention = conf.default_retention_days() if retention in (None, "") else int(retention)
    if retention < 1:
        raise DomainError(_("The retention period must be at least one day."), field="retention_days")
    return {
        "valid_from": valid_from,
        "valid_until": valid_until,
        "review_on": review_on,
        "retention_days": retention,
        "onward_sharing": bool(terms.get("onward_sharing", False)),
    }


def _tell(agreement: Agreement, event: str, reason: str = "", key_suffix: str = "") -> None:
    notify(
        recipients=permissions.stewards_of([agreement.provider_id, agreement.consumer_id]),
        kind="sharing_agreement",
        key=f"sharing-agreement:{agreement.pk}:{event}{key_suffix}",
        url=agreement.get_absolute_url(),
        subject=agreement,
        context={
            "event": event,
            "number": agreement.number,
            "version": agreement.version,
            "resource": agreement.resource.name,
            "valid_until": agreement.valid_until,
            "reason": reason,
        },
    )


def agreement_create_for(*, actor, request, items, terms: dict | None, on: datetime.date) -> Agreement:
    """Create the agreement of an approved request (inside the approving service's transaction).

    The approved items must be a subset of the requested ones (checked by the caller too); the
    agreement points at the resource version the request was approved on. The provider's
    delivery deadline is a clock of SHARING_DELIVERY_DAYS working days.
    """
    items = list(items)
    requested = set(request.items.values_list("pk", flat=True))
    if not items or any(i.pk not in requested for i in items):
        raise DomainError(_("The approved items must be some of the requested ones."), field="items")
    clean = _check_terms(terms or {}, on=on, request=request)
    agreement = Agreement.objects.create(
        number=next_number(f"XY-{on:%Y%m%d}"),
        version=1,
        request=request,
        provider_id=request.resource.provider_id,
        consumer_id=request.consumer_id,
        resource_id=request.resource_id,
        resource_version_id=request.version_id,
        direction=request.direction,
        purpose=request.purpose,
        method=request.method,
        frequency=request.frequency,
        approved_by=actor,
        **clean,
    )
    AgreementItem.objects.bulk_create([AgreementItem(agreement=agreement, item=i) for i in items])
    clock = clock_start(
        subject=agreement,
        limit_days=conf.delivery_days(),
        actor=actor,
        purpose=DELIVERY,
        label=_("Data delivery under %(n)s") % {"n": agreement.number},
        start_on=on,
    )
    agreement.delivery_due = clock.due_date
    agreement.save(update_fields=["delivery_due"])
    signals.agreement_status_changed.send(
        sender=Agreement, agreement=agreement, old=None, new=agreement.status
    )
    audit_record(
        actor=actor,
        action="agreement.create",
        obj=agreement,
        after={**snapshot(agreement, AUDIT_FIELDS), "items": sorted(i.code for i in items)},
    )
    return agreement


def _lock(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update().select_related("resource").get(pk=agreement.pk)


def _move(*, actor, agreement: Agreement, target: str, action: str, reason: str = "") -> Agreement:
    before = snapshot(agreement, AUDIT_FIELDS)
    workflow.check("agreement", agreement.status, target)
    old = agreement.status
    agreement.status = target
    agreement.status_reason = reason
    agreement.save(update_fields=["status", "status_reason"])
    signals.agreement_status_changed.send(sender=Agreement, agreement=agreement, old=old, new=target)
    audit_record(
        actor=actor,
        action=action,
        obj=agreement,
        before=before,
        after=snapshot(agreement, AUDIT_FIELDS),
        reason=reason,
    )
    return agreement


def _managed(actor, agreement) -> None:
    if not permissions.can_manage_agreement(actor, agreement):
        raise DomainError(_("Only the provider's data stewards or the data authority manage this agreement."))


def _reasoned(reason: str) -> str:
    if not (reason or "").strip():
        raise DomainError(_("Give the reasons."), field="reason")
    return reason.strip()


@transaction.atomic
def agreement_suspend(*, actor, agreement: Agreement, reason: str) -> Agreement:
    agreement = _lock(agreement)
    _managed(actor, agreement)
    reason = _reasoned(reason)
    workflow.check("agreement", agreement.status, G.SUSPENDED)
    if agreement.status == G.SUSPENDED:
        raise TransitionNotAllowed(_("The agreement is already suspended."))
    _tell(agreement, "suspended", reason, key_suffix=f":{timezone.now().timestamp()}")
    return _move(
        actor=actor, agreement=agreement, target=G.SUSPENDED, action="agreement.suspend", reason=reason
    )


@transaction.atomic
def agreement_resume(*, actor, agreement: Agreement, reason: str = "") -> Agreement:
    agreement = _lock(agreement)
    _managed(actor, agreement)
    if agreement.status != G.SUSPENDED:
        raise TransitionNotAllowed(_("Only a suspended agreement can be resumed."))
    _tell(agreement, "resumed", reason, key_suffix=f":{timezone.now().timestamp()}")
    return _move(actor=actor, agreement=agreement, target=G.ACTIVE, action="agreement.resume", reason="")


@transaction.atomic
def agreement_revoke(*, actor, agreement: Agreement, reason: str) -> Agreement:
    agreement = _lock(agreement)
    _managed(actor, agreement)
    reason = _reasoned(reason)
    workflow.check("agreement", agreement.status, G.REVOKED)
    _stop_delivery(agreement, actor)
    _tell(agreement, "revoked", reason)
    return _move(actor=actor, agreement=agreement, target=G.REVOKED, action="agreement.revoke", reason=reason)


@transaction.atomic
def agreement_renew(*, actor, agreement: Agreement, terms: dict, items=None) -> Agreement:
    """Write the next version: new validity, the same or fewer items, the same frozen purpose."""
    agreement = _lock(agreement)
    _managed(actor, agreement)
    workflow.check("agreement", agreement.status, G.SUPERSEDED)
    today = timezone.localdate()
    current_items = list(agreement.items.all())
    items = current_items if items is None else list(items)
    allowed = {i.pk for i in current_items}
    if not items or any(i.pk not in allowed for i in items):
        raise DomainError(
            _("A renewal keeps some or all of the approved items, and no others."), field="items"
        )
    clean = _check_terms({"valid_from": terms.get("valid_from") or today, **terms}, on=today)
    was_suspended = agreement.status == G.SUSPENDED
    _move(
        actor=actor,
        agreement=agreement,
        target=G.SUPERSEDED,
        action="agreement.supersede",
        reason=_("Renewed as version %(v)s.") % {"v": agreement.version + 1},
    )
    renewed = Agreement.objects.create(
        number=agreement.number,
        version=agreement.version + 1,
        previous=agreement,
        request_id=agreement.request_id,
        provider_id=agreement.provider_id,
        consumer_id=agreement.consumer_id,
        resource_id=agreement.resource_id,
        resource_version_id=agreement.resource_version_id,
        direction=agreement.direction,
        purpose=agreement.purpose,
        method=agreement.method,
        frequency=agreement.frequency,
        delivery_due=agreement.delivery_due,
        delivered_on=agreement.delivered_on,
        approved_by=actor,
        status=G.SUSPENDED if was_suspended else G.ACTIVE,
        status_reason=agreement.status_reason if was_suspended else "",
        **clean,
    )
    AgreementItem.objects.bulk_create([AgreementItem(agreement=renewed, item=i) for i in items])
    signals.agreement_status_changed.send(sender=Agreement, agreement=renewed, old=None, new=renewed.status)
    _tell(renewed, "renewed")
    audit_record(
        actor=actor,
        action="agreement.renew",
        obj=renewed,
        before={"previous": agreement.pk},
        after={**snapshot(renewed, AUDIT_FIELDS), "items": sorted(i.code for i in items)},
    )
    return renewed


def _delivery_clock(agreement: Agreement):
    return (
        Clock.objects.filter(
            subject_type=ContentType.objects.get_for_model(Agreement),
            subject_id=str(agreement.pk),
            purpose=DELIVERY,
            state__in=[ClockState.RUNNING, ClockState.PAUSED],
        )
        .select_for_update()
        .first()
    )


def _stop_delivery(agreement: Agreement, actor) -> None:
    clock = _delivery_clock(agreement)
    if clock is not None:
        clock_stop(clock=clock, actor=actor)


@transaction.atomic
def agreement_mark_delivered(*, actor, agreement: Agreement, on: datetime.date | None = None) -> Agreement:
    """The provider records that the data is available to the consumer (stops the delivery clock)."""
    agreement = _lock(agreement)
    if agreement.provider_id not in permissions.steward_unit_ids(actor):
        raise DomainError(_("Only the provider's data stewards record delivery."))
    if agreement.status != G.ACTIVE:
        raise TransitionNotAllowed(_("Only an active agreement can be delivered."))
    if agreement.delivered_on:
        raise TransitionNotAllowed(_("Delivery has already been recorded."))
    before = snapshot(agreement, AUDIT_FIELDS)
    agreement.delivered_on = on or timezone.localdate()
    agreement.save(update_fields=["delivered_on"])
    clock = _delivery_clock(agreement)
    if clock is not None:
        clock_stop(clock=clock, actor=actor, on=max(agreement.delivered_on, clock.started_on))
    audit_record(
        actor=actor,
        action="agreement.deliver",
        obj=agreement,
        before=before,
        after=snapshot(agreement, AUDIT_FIELDS),
    )
    return agreement


# -- the daily run: reminders and expiry ------------------------------------------------------------


@transaction.atomic
def agreement_remind_expiry(*, agreement_id: int, today: datetime.date) -> bool:
    """Tell both parties once per threshold (30 and 7 days by default) that the agreement ends soon."""
    agreement = Agreement.objects.select_related("resource").filter(pk=agreement_id).first()
    if agreement is None or agreement.status not in (G.ACTIVE, G.SUSPENDED):
        return False
    left = (agreement.valid_until - today).days
    due = sorted(d for d in conf.expiry_reminder_days() if 0 <= left <= d)
    if not due:
        return False
    threshold = due[0]
    created = notify(
        recipients=permissions.stewards_of([agreement.provider_id, agreement.consumer_id]),
        kind="sharing_agreement",
        key=f"sharing-agreement:{agreement.pk}:expiry:{threshold}:{agreement.valid_until.isoformat()}",
        url=agreement.get_absolute_url(),
        subject=agreement,
        context={
            "event": "expiring",
            "number": agreement.number,
            "version": agreement.version,
            "resource": agreement.resource.name,
            "valid_until": agreement.valid_until,
            "days": left,
            "reason": "",
        },
    )
    return bool(created)


@transaction.atomic
def agreement_expire(*, agreement_id: int, today: datetime.date) -> bool:
    agreement = Agreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None or agreement.status not in (G.ACTIVE, G.SUSPENDED) or agreement.valid_until >= today:
        return False
    _stop_delivery(agreement, None)
    _tell(agreement, "expired")
    _move(actor=None, agreement=agreement, target=G.EXPIRED, action="agreement.expire")
    return True
