"""Agreements: suspend, resume, revoke, renew (versions), version pinning, expiry reminders and expiry."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from portal.errors import DomainError, TransitionNotAllowed
from portal.notifications.models import Notification
from sharing import services
from sharing.models import Agreement, AgreementStatus
from sharing.tasks import agreements_daily
from tests.sharing.conftest import drafted, items_of, published

pytestmark = pytest.mark.django_db
G = AgreementStatus
D = datetime.date


@pytest.fixture
def agreement(world):
    resource = published(world)
    request = drafted(world, resource)
    services.request_submit(actor=world.consumer, request=request)
    services.request_authority_check(actor=world.authority, request=request, passed=True)
    services.request_provider_decide(
        actor=world.provider,
        request=request,
        decision="approve",
        items=items_of(resource, "id_number", "name", "address"),
        terms={"valid_from": D(2026, 1, 1), "valid_until": D(2026, 12, 31), "retention_days": 90},
    )
    return request.agreements.get()


def test_terms_of_a_new_agreement(agreement):
    assert agreement.version == 1 and agreement.previous is None
    assert agreement.valid_from == D(2026, 1, 1) and agreement.valid_until == D(2026, 12, 31)
    assert agreement.review_on == D(2026, 12, 1)
    assert agreement.retention_days == 90
    assert agreement.onward_sharing is False
    assert agreement.number.startswith("XY-")
    assert agreement.is_usable_on(D(2026, 6, 1))
    assert not agreement.is_usable_on(D(2027, 1, 1))


def test_suspend_resume_revoke(world, agreement):
    with pytest.raises(DomainError):
        services.agreement_suspend(actor=world.provider, agreement=agreement, reason="")
    with pytest.raises(DomainError):
        services.agreement_suspend(actor=world.consumer, agreement=agreement, reason="x")
    services.agreement_suspend(actor=world.provider, agreement=agreement, reason="数据质量核查")
    agreement.refresh_from_db()
    assert agreement.status == G.SUSPENDED
    assert not agreement.is_usable_on(D(2026, 6, 1))
    with pytest.raises(TransitionNotAllowed):
        services.agreement_suspend(actor=world.provider, agreement=agreement, reason="again")
    services.agreement_resume(actor=world.authority, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == G.ACTIVE
    services.agreement_revoke(actor=world.provider, agreement=agreement, reason="超范围使用")
    agreement.refresh_from_db()
    assert agreement.status == G.REVOKED
    for call in (
        lambda: services.agreement_resume(actor=world.provider, agreement=agreement),
        lambda: services.agreement_suspend(actor=world.provider, agreement=agreement, reason="x"),
        lambda: services.agreement_renew(actor=world.provider, agreement=agreement, terms={}),
    ):
        with pytest.raises(TransitionNotAllowed):
            call()


def test_renewal_is_a_new_version_and_supersedes_the_old(world, agreement):
    renewed = services.agreement_renew(
        actor=world.provider,
        agreement=agreement,
        terms={"valid_from": D(2027, 1, 1), "valid_until": D(2027, 12, 31)},
        items=items_of(agreement.resource, "id_number", "name"),
    )
    agreement.refresh_from_db()
    assert agreement.status == G.SUPERSEDED
    assert renewed.version == 2 and renewed.previous == agreement and renewed.number == agreement.number
    assert renewed.approved_item_codes() == ["id_number", "name"]
    assert agreement.approved_item_codes() == ["id_number", "name", "address"], "the old row is not edited"
    assert renewed.purpose == agreement.purpose


def test_renewal_cannot_add_items(world, agreement):
    with pytest.raises(DomainError):
        services.agreement_renew(
            actor=world.provider,
            agreement=agreement,
            terms={},
            items=items_of(agreement.resource, "household"),
        )
    agreement.refresh_from_db()
    assert agreement.status == G.ACTIVE


def test_database_allows_one_live_version_per_number(agreement):
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            number=agreement.number,
            version=2,
            request=agreement.request,
            provider=agreement.provider,
            consumer=agreement.consumer,
            resource=agreement.resource,
            resource_version=agreement.resource_version,
            direction=agreement.direction,
            purpose="x",
            method="api",
            valid_from=D(2026, 1, 1),
            valid_until=D(2026, 2, 1),
            retention_days=1,
        )


def test_agreement_keeps_its_version_when_the_provider_publishes_a_new_one(world, agreement):
    resource = agreement.resource
    services.resource_revise(actor=world.provider, resource=resource)
    services.item_save(
        actor=world.provider, resource=resource, data={"code": "photo", "name": "照片", "data_type": "string"}
    )
    services.resource_submit(actor=world.provider, resource=resource)
    services.resource_approve(actor=world.authority, resource=resource)
    services.resource_publish(actor=world.provider, resource=resource)
    resource.refresh_from_db()
    agreement.refresh_from_db()
    assert resource.current_version.number == 2
    assert agreement.resource_version.number == 1
    assert "photo" not in agreement.resource_version.item_codes()
    assert "photo" not in agreement.approved_item_codes()


def expiry_notes(agreement):
    return Notification.objects.filter(key__startswith=f"sharing-agreement:{agreement.pk}:expiry:")


def test_expiry_reminders_30_and_7_days_before_once_each(world, agreement):
    assert agreements_daily(today=D(2026, 11, 30)) == {"reminded": 0, "expired": 0}
    agreements_daily(today=D(2026, 12, 1))
    thirty = expiry_notes(agreement)
    assert {n.recipient for n in thirty} == {world.provider, world.consumer}
    assert all(":expiry:30:" in n.key for n in thirty)
    agreements_daily(today=D(2026, 12, 1))
    agreements_daily(today=D(2026, 12, 2))
    assert expiry_notes(agreement).count() == 2, "running again notifies nobody twice"
    agreements_daily(today=D(2026, 12, 24))
    assert expiry_notes(agreement).filter(key__contains=":expiry:7:").count() == 2
    agreements_daily(today=D(2026, 12, 31))
    assert expiry_notes(agreement).count() == 4
    agreement.refresh_from_db()
    assert agreement.status == G.ACTIVE, "still valid on its last day"


def test_agreements_past_their_end_expire(world, agreement):
    result = agreements_daily(today=D(2027, 1, 1))
    agreement.refresh_from_db()
    assert result["expired"] == 1
    assert agreement.status == G.EXPIRED
    assert agreements_daily(today=D(2027, 1, 2))["expired"] == 0


def test_renewed_agreement_is_not_reminded_about_the_old_end(world, agreement):
    services.agreement_renew(
        actor=world.provider, agreement=agreement, terms={"valid_until": D(2027, 12, 31)}
    )
    agreements_daily(today=D(2026, 12, 1))
    assert not expiry_notes(agreement).exists()


def test_status_signals_reach_the_exchange(world, agreement):
    from sharing.signals import agreement_status_changed

    seen = []

    def receiver(sender, agreement, old, new, **kwargs):
        seen.append((agreement.version, old, new))

    agreement_status_changed.connect(receiver)
    try:
        services.agreement_suspend(actor=world.provider, agreement=agreement, reason="核查")
        services.agreement_renew(
            actor=world.provider, agreement=agreement, terms={"valid_until": D(2027, 12, 31)}
        )
    finally:
        agreement_status_changed.disconnect(receiver)
    assert seen == [(1, "active", "suspended"), (1, "suspended", "superseded"), (2, None, "suspended")]
