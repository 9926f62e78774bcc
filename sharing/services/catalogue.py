"""Every write to the catalogue: one function per use case (DESIGN.md §4.1)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import audit_record, snapshot
from portal.errors import Conflict, DomainError, TransitionNotAllowed
from portal.notifications.services import notify

from .. import permissions, workflow
from ..models import DataItem, DataResource, ResourceStatus, ResourceVersion, SharingType, Topic

RESOURCE_FIELDS = [
    "code",
    "name",
    "resource_class",
    "classification",
    "provider",
    "summary",
    "format",
    "update_cycle",
    "sharing_type",
    "sharing_condition",
    "legal_basis",
    "sharing_methods",
    "open_attribute",
]
AUDIT_FIELDS = [*RESOURCE_FIELDS, "status", "topics", "related", "current_version"]
EDITABLE = (ResourceStatus.DRAFT,)


def _denied():
    return DomainError(_("You may not do this with this resource."))


def _validation_to_domain(exc: ValidationError) -> DomainError:
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        return DomainError(" ".join(str(m) for e in errors for m in e.messages), field=field)
    return DomainError(" ".join(exc.messages))


def _full_clean(resource: DataResource) -> None:
    try:
        resource.full_clean(exclude=["topics", "related", "current_version", "created_by", "approved_by"])
    except ValidationError as exc:
        raise _validation_to_domain(exc) from exc


def _lock(resource: DataResource) -> DataResource:
    return DataResource.objects.select_for_update().get(pk=resource.pk)


def _save_checked(resource: DataResource, **kwargs) -> None:
    try:
        with transaction.atomic():
            resource.save(**kwargs)
    except IntegrityError as exc:
        raise DomainError(
            _("The resource could not be saved: its code is taken or a required field is missing.")
        ) from exc


@transaction.atomic
def resource_create(*, actor, data: dict, topics=(), related=()) -> DataResource:
    """A provider's steward drafts a catalogue entry for the provider."""
    provider = data.get("provider")
    if provider is None or not permissions.can_create_resource(actor, provider):
        raise DomainError(
            _("Only the provider's data stewards may describe its resources."), field="provider"
        )
    resource = DataResource(**{k: v for k, v in data.items() if k in RESOURCE_FIELDS})
    resource.code = (resource.code or "").strip().upper()
    resource.classification = (resource.classification or "").strip().upper()
    resource.status = ResourceStatus.DRAFT
    resource.created_by = actor
    _full_clean(resource)
    _save_checked(resource, force_insert=True)
    resource.topics.set(topics)
    resource.related.set([r for r in related if r.pk != resource.pk])
    audit_record(
        actor=actor, action="data_resource.create", obj=resource, after=snapshot(resource, AUDIT_FIELDS)
    )
    return resource


@transaction.atomic
def resource_update(*, actor, resource: DataResource, data: dict, topics=None, related=None) -> DataResource:
    resource = _lock(resource)
    if not permissions.can_maintain(actor, resource):
        raise _denied()
    if resource.status not in EDITABLE:
        raise TransitionNotAllowed(_("Only a draft can be edited; revise the published resource first."))
    before = snapshot(resource, AUDIT_FIELDS)
    for key, value in data.items():
        if key in RESOURCE_FIELDS and key != "provider":
            setattr(resource, key, value)
    resource.code = resource.code.strip().upper()
    _full_clean(resource)
    _save_checked(resource)
    if topics is not None:
        resource.topics.set(topics)
    if related is not None:
        resource.related.set([r for r in related if r.pk != resource.pk])
    audit_record(
        actor=actor,
        action="data_resource.update",
        obj=resource,
        before=before,
        after=snapshot(resource, AUDIT_FIELDS),
    )
    return resource


ITEM_FIELDS = ["code", "name", "data_type", "is_key", "sharing_type", "order"]


@transaction.atomic
def item_save(*, actor, resource: DataResource, data: dict, item: DataItem | None = None) -> DataItem:
    """Add or change one data item of a draft resource (including its sharing override)."""
    resource = _lock(resource)
    if not permissions.can_maintain(actor, resource):
        raise _denied()
    if resource.status not in EDITABLE:
        raise TransitionNotAllowed(_("Only a draft can be edited; revise the published resource first."))
    if item is not None and item.resource_id != resource.pk:
        raise DomainError(_("This item belongs to another resource."))
    before = snapshot(item, ITEM_FIELDS) if item else None
    item = item or DataItem(resource=resource)
    for key in ITEM_FIELDS:
        if key in data:
            setattr(item, key, data[key])
    if item.is_key:
        DataItem.objects.filter(resource=resource, is_key=True).exclude(pk=item.pk).update(is_key=False)
    try:
        item.full_clean(exclude=["resource"], validate_unique=False)
    except ValidationError as exc:
        raise _validation_to_domain(exc) from exc
    if DataItem.objects.filter(resource=resource, code=item.code).exclude(pk=item.pk).exists():
        raise DomainError(
            _("This resource already has an item with the code %(c)s.") % {"c": item.code}, field="code"
        )
    item.save()
    audit_record(
        actor=actor, action="data_item.save", obj=item, before=before, after=snapshot(item, ITEM_FIELDS)
    )
    return item


@transaction.atomic
def item_delete(*, actor, item: DataItem) -> None:
    resource = _lock(item.resource)
    if not permissions.can_maintain(actor, resource):
        raise _denied()
    if resource.status not in EDITABLE:
        raise TransitionNotAllowed(_("Only a draft can be edited; revise the published resource first."))
    if item.requests.exists():
        raise Conflict(
            _("This item has been requested; it can no longer be removed (change its sharing type instead).")
        )
    before = snapshot(item, ITEM_FIELDS)
    pk = item.pk
    item.delete()
    item.pk = pk
    audit_record(actor=actor, action="data_item.delete", obj=resource, before=before)


def check_publishable(resource: DataResource) -> None:
    items = list(resource.items.all())
    if not items:
        raise DomainError(_("A resource needs at least one data item."))
    keys = [i for i in items if i.is_key]
    if len(keys) != 1:
        raise DomainError(_("Exactly one data item must be the natural key of a record."))
    if resource.sharing_type == SharingType.CONDITIONAL and not resource.sharing_condition.strip():
        raise DomainError(_("A conditionally shared resource needs its sharing condition."))


def _move(*, actor, resource: DataResource, target: str, action: str, reason: str = "", **changes):
    before = snapshot(resource, ["status", "status_reason", "current_version", "published_on"])
    workflow.check("resource", resource.status, target)
    resource.status = target
    resource.status_reason = reason
    for key, value in changes.items():
        setattr(resource, key, value)
    resource.save()
    audit_record(
        actor=actor,
        action=action,
        obj=resource,
        before=before,
        after=snapshot(resource, ["status", "status_reason", "current_version", "published_on"]),
        reason=reason,
    )
    return resource


def _tell(resource: DataResource, recipients, event: str, reason: str = "") -> None:
    notify(
        recipients=recipients,
        kind="sharing_resource",
        key=f"sharing-resource:{resource.pk}:{event}:{resource.updated_at.isoformat()}",
        url=resource.get_absolute_url(),
        subject=resource,
        context={"event": event, "code": resource.code, "name": resource.name, "reason": reason},
    )


@transaction.atomic
def resource_submit(*, actor, resource: DataResource) -> DataResource:
    resource = _lock(resource)
    if not permissions.can_maintain(actor, resource):
        raise _denied()
    workflow.check("resource", resource.status, ResourceStatus.SUBMITTED)
    check_publishable(resource)
    _tell(resource, permissions.authority_stewards(), "submitted")
    return _move(
        actor=actor, resource=resource, target=ResourceStatus.SUBMITTED, action="data_resource.submit"
    )


@transaction.atomic
def resource_approve(*, actor, resource: DataResource) -> DataResource:
    resource = _lock(resource)
    if not permissions.can_approve_resource(actor, resource):
        raise DomainError(_("Only the data authority approves catalogue entries."))
    workflow.check("resource", resource.status, ResourceStatus.APPROVED)
    resource.approved_by = actor
    _tell(resource, permissions.stewards_of([resource.provider_id]), "approved")
    return _move(
        actor=actor, resource=resource, target=ResourceStatus.APPROVED, action="data_resource.approve"
    )


@transaction.atomic
def resource_return(*, actor, resource: DataResource, reason: str) -> DataResource:
    """The data authority sends a submitted or approved entry back to its provider, with reasons."""
    resource = _lock(resource)
    if not permissions.can_approve_resource(actor, resource):
        raise DomainError(_("Only the data authority approves catalogue entries."))
    if resource.status not in (ResourceStatus.SUBMITTED, ResourceStatus.APPROVED):
        raise TransitionNotAllowed(_("Only a submitted or approved entry can be sent back."))
    if not (reason or "").strip():
        raise DomainError(_("Say why the entry is sent back."), field="reason")
    _tell(resource, permissions.stewards_of([resource.provider_id]), "returned", reason)
    return _move(
        actor=actor,
        resource=resource,
        target=ResourceStatus.DRAFT,
        action="data_resource.return",
        reason=reason,
    )


@transaction.atomic
def resource_publish(*, actor, resource: DataResource) -> DataResource:
    """Publish an approved resource: freeze its items in a new version and make it current."""
    resource = _lock(resource)
    if not permissions.can_maintain(actor, resource):
        raise _denied()
    workflow.check("resource", resource.status, ResourceStatus.PUBLISHED)
    check_publishable(resource)
    last = resource.versions.order_by("-number").values_list("number", flat=True).first() or 0
    items = list(resource.items.order_by("order", "id"))
    version = ResourceVersion.objects.create(
        resource=resource,
        number=last + 1,
        items=[i.as_snapshot(resource) for i in items],
        sharing_type=resource.sharing_type,
        published_at=timezone.now(),
        published_by=actor,
    )
    return _move(
        actor=actor,
        resource=resource,
        target=ResourceStatus.PUBLISHED,
        action="data_resource.publish",
        current_version=version,
        published_on=timezone.localdate(),
    )


@transaction.atomic
def resource_revise(*, actor, resource: DataResource) -> DataResource:
    """Reopen a published (or withdrawn) resource as a draft; its current version stays valid."""
    resource = _lock(resource)
    if not permissions.can_maintain(actor, resource):
        raise _denied()
    if resource.status not in (ResourceStatus.PUBLISHED, ResourceStatus.WITHDRAWN):
        raise TransitionNotAllowed(_("Only a published or withdrawn resource can be revised."))
    return _move(actor=actor, resource=resource, target=ResourceStatus.DRAFT, action="data_resource.revise")


@transaction.atomic
def resource_withdraw(*, actor, resource: DataResource, reason: str) -> DataResource:
    resource = _lock(resource)
    if not (permissions.can_maintain(actor, resource) or permissions.can_approve_resource(actor, resource)):
        raise _denied()
    if not (reason or "").strip():
        raise DomainError(_("Say why the resource is withdrawn."), field="reason")
    return _move(
        actor=actor,
        resource=resource,
        target=ResourceStatus.WITHDRAWN,
        action="data_resource.withdraw",
        reason=reason,
    )


@transaction.atomic
def topic_save(*, actor, data: dict, topic: Topic | None = None) -> Topic:
    if not permissions.is_data_authority(actor) and not getattr(actor, "is_superuser", False):
        raise DomainError(_("Only the data authority maintains topics."))
    before = snapshot(topic, ["code", "name", "description"]) if topic else None
    topic = topic or Topic()
    for key in ("code", "name", "description"):
        if key in data:
            setattr(topic, key, data[key])
    try:
        topic.full_clean()
    except ValidationError as exc:
        raise _validation_to_domain(exc) from exc
    topic.save()
    audit_record(
        actor=actor, action="topic.save", obj=topic, before=before, after=snapshot(topic, ["code", "name"])
    )
    return topic
