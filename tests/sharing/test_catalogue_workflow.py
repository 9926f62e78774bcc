"""Catalogue entries: codes, constraints, DRAFT → SUBMITTED → APPROVED → PUBLISHED → WITHDRAWN, versions."""

import pytest
from django.db import IntegrityError, transaction

from portal.audit.models import AuditEvent
from portal.errors import DomainError, TransitionNotAllowed
from sharing import services
from sharing.models import (
    DataItem,
    DataResource,
    ResourceStatus,
    SharingType,
    check_resource_code,
)
from tests.sharing.conftest import ITEMS, published, resource_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("A01-02-03-0001", True),
        ("C12-00-00-9999", True),
        ("D01-02-03-0001", False),
        ("A1-02-03-0001", False),
        ("A01-02-03-001", False),
        ("A01-02-03-0000", False),
        ("a01-02-03-0001", False),
        ("A01020300001", False),
    ],
)
def test_resource_code_format(code, ok):
    assert (check_resource_code(code) == []) is ok


def test_bad_code_is_refused_with_a_clear_message(world):
    with pytest.raises(DomainError) as err:
        services.resource_create(actor=world.provider, data=resource_data(world.police, code="A01-01-0001"))
    assert "four-digit sequence" in err.value.message
    assert err.value.field == "code"
    assert not DataResource.objects.exists()


def test_code_must_start_with_its_classification(world):
    with pytest.raises(DomainError) as err:
        services.resource_create(
            actor=world.provider, data=resource_data(world.police, code="A02-01-01-0001")
        )
    assert "classification code A01-01-01" in err.value.message


def test_conditional_needs_condition_and_not_shared_needs_basis_in_the_service(world):
    with pytest.raises(DomainError) as err:
        services.resource_create(actor=world.provider, data=resource_data(world.police, sharing_condition=""))
    assert err.value.field == "sharing_condition"
    with pytest.raises(DomainError) as err:
        services.resource_create(
            actor=world.provider, data=resource_data(world.police, sharing_type=SharingType.NOT_SHARED)
        )
    assert err.value.field == "legal_basis"


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"sharing_type": "conditional", "sharing_condition": ""}, "dataresource_conditional_has_condition"),
        ({"sharing_type": "not_shared", "legal_basis": ""}, "dataresource_not_shared_has_basis"),
    ],
)
def test_database_enforces_condition_and_legal_basis(world, fields, constraint):
    data = resource_data(world.police, **fields)
    with pytest.raises(IntegrityError) as err, transaction.atomic():
        DataResource.objects.create(**data)
    assert constraint in str(err.value)


def test_database_allows_only_one_key_item(world):
    resource = services.resource_create(actor=world.provider, data=resource_data(world.police))
    DataItem.objects.create(resource=resource, code="a", name="A", data_type="string", is_key=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        DataItem.objects.create(resource=resource, code="b", name="B", data_type="string", is_key=True)


def test_only_the_providers_stewards_describe_its_resources(world):
    with pytest.raises(DomainError):
        services.resource_create(actor=world.consumer, data=resource_data(world.police))
    resource = services.resource_create(actor=world.provider, data=resource_data(world.police))
    with pytest.raises(DomainError):
        services.resource_update(actor=world.consumer, resource=resource, data={"name": "x"})


def test_full_lifecycle_publishes_version_one_and_audits_every_step(world):
    resource = published(world)
    assert resource.status == ResourceStatus.PUBLISHED
    version = resource.current_version
    assert version.number == 1
    assert [i["code"] for i in version.items] == [c for c, *_ in ITEMS]
    assert version.items[0] == {
        "code": "id_number",
        "name": "公民身份号码",
        "data_type": "string",
        "is_key": True,
        "sharing_type": "conditional",
    }
    assert resource.published_on is not None
    actions = list(
        AuditEvent.objects.filter(object_id=str(resource.pk), action__startswith="data_resource.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions[0] == "data_resource.create"
    assert {"data_resource.submit", "data_resource.approve", "data_resource.publish"} <= set(actions)


def test_submit_needs_exactly_one_key_item(world):
    resource = services.resource_create(actor=world.provider, data=resource_data(world.police))
    with pytest.raises(DomainError, match="at least one data item"):
        services.resource_submit(actor=world.provider, resource=resource)
    services.item_save(
        actor=world.provider, resource=resource, data={"code": "name", "name": "姓名", "data_type": "string"}
    )
    with pytest.raises(DomainError, match="natural key"):
        services.resource_submit(actor=world.provider, resource=resource)


def test_only_the_data_authority_approves(world):
    resource = services.resource_create(actor=world.provider, data=resource_data(world.police))
    services.item_save(
        actor=world.provider,
        resource=resource,
        data={"code": "id", "name": "ID", "data_type": "string", "is_key": True},
    )
    services.resource_submit(actor=world.provider, resource=resource)
    for actor in (world.provider, world.consumer, world.official):
        with pytest.raises(DomainError):
            services.resource_approve(actor=actor, resource=resource)
    services.resource_approve(actor=world.authority, resource=resource)


@pytest.mark.parametrize(
    ("status", "service"),
    [
        ("draft", "resource_approve"),
        ("draft", "resource_publish"),
        ("submitted", "resource_publish"),
        ("published", "resource_approve"),
        ("withdrawn", "resource_publish"),
        ("withdrawn", "resource_submit"),
    ],
)
def test_illegal_transitions_are_refused(world, status, service):
    resource = published(world)
    DataResource.objects.filter(pk=resource.pk).update(status=status)
    actor = world.authority if service == "resource_approve" else world.provider
    with pytest.raises(TransitionNotAllowed):
        getattr(services, service)(actor=actor, resource=resource)
    resource.refresh_from_db()
    assert resource.status == status


def test_published_resource_cannot_be_edited_until_revised(world):
    resource = published(world)
    with pytest.raises(TransitionNotAllowed):
        services.resource_update(actor=world.provider, resource=resource, data={"name": "新名称"})
    services.resource_revise(actor=world.provider, resource=resource)
    services.resource_update(actor=world.provider, resource=resource, data={"name": "新名称"})
    resource.refresh_from_db()
    assert resource.name == "新名称"
    assert resource.is_available, "the current version stays valid while the revision is drafted"


def test_republication_creates_version_two_and_keeps_version_one(world):
    resource = published(world)
    services.resource_revise(actor=world.provider, resource=resource)
    services.item_save(
        actor=world.provider,
        resource=resource,
        data={"code": "photo", "name": "照片", "data_type": "string", "order": 9},
    )
    services.resource_submit(actor=world.provider, resource=resource)
    services.resource_approve(actor=world.authority, resource=resource)
    services.resource_publish(actor=world.provider, resource=resource)
    resource.refresh_from_db()
    assert resource.current_version.number == 2
    assert "photo" in resource.current_version.item_codes()
    v1 = resource.versions.get(number=1)
    assert "photo" not in v1.item_codes()


def test_return_needs_reasons_and_withdraw_needs_reasons(world):
    resource = published(world)
    with pytest.raises(DomainError):
        services.resource_withdraw(actor=world.provider, resource=resource, reason=" ")
    services.resource_withdraw(actor=world.provider, resource=resource, reason="数据停止采集")
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.WITHDRAWN
    assert not resource.is_available


def test_item_override_is_frozen_in_the_version(world):
    resource = published(
        world, overrides={"marital": SharingType.NOT_SHARED, "name": SharingType.UNCONDITIONAL}
    )
    types = {i["code"]: i["sharing_type"] for i in resource.current_version.items}
    assert types["marital"] == "not_shared"
    assert types["name"] == "unconditional"
    assert types["address"] == "conditional"
