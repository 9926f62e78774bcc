"""Data requests: routing by sharing type, every transition and illegal transition, approved ⊆ requested."""

import datetime

import pytest

from portal.clocks.models import Clock
from portal.errors import DomainError, TransitionNotAllowed
from sharing import services
from sharing.models import Agreement, AgreementStatus, DataRequest, RequestStatus, SharingType
from tests.sharing.conftest import drafted, items_of, published, request_data

pytestmark = pytest.mark.django_db
S = RequestStatus


def clocks(subject):
    return {
        c.purpose: c
        for c in Clock.objects.filter(
            subject_id=str(subject.pk), subject_type__model=subject._meta.model_name
        )
    }


def test_draft_needs_at_least_one_item_and_a_purpose(world):
    resource = published(world)
    with pytest.raises(DomainError) as err:
        drafted(world, resource, codes=())
    assert err.value.field == "items"
    with pytest.raises(DomainError) as err:
        drafted(world, resource, purpose=" ")
    assert err.value.field == "purpose"
    with pytest.raises(DomainError) as err:
        drafted(world, resource, period_until=datetime.date(2025, 1, 1))
    assert err.value.field == "period_until"
    assert not DataRequest.objects.exists()


def test_only_the_consumers_stewards_request(world):
    resource = published(world)
    with pytest.raises(DomainError):
        services.request_create(
            actor=world.other,
            consumer=world.civil,
            resource=resource,
            items=items_of(resource, "name"),
            data=request_data(),
        )


def test_direction_follows_the_levels(world):
    resource = published(world)
    request = drafted(world, resource)
    assert request.direction == "down", "a provincial provider returning data to the city is 回流"


def test_items_of_another_resource_are_refused(world):
    resource = published(world)
    other = published(world, code="A01-01-01-0002")
    with pytest.raises(DomainError, match="not part of the published resource"):
        services.request_create(
            actor=world.consumer,
            consumer=world.civil,
            resource=resource,
            items=items_of(other, "name"),
            data=request_data(),
        )


def test_unconditional_route_is_approved_by_the_data_authority(world):
    resource = published(world, sharing_type=SharingType.UNCONDITIONAL, sharing_condition="")
    request = drafted(world, resource, codes=("id_number", "name"))
    services.request_submit(actor=world.consumer, request=request)
    request.refresh_from_db()
    assert request.status == S.SUBMITTED
    assert request.route == SharingType.UNCONDITIONAL
    assert request.number.startswith("SJ-")
    assert clocks(request)["authority"].limit_days == 1
    services.request_authority_check(actor=world.authority, request=request, passed=True)
    request.refresh_from_db()
    assert request.status == S.APPROVED
    agreement = Agreement.objects.get(request=request)
    assert sorted(agreement.approved_item_codes()) == ["id_number", "name"]
    assert agreement.status == AgreementStatus.ACTIVE
    assert all(c.state == "stopped" for c in clocks(request).values())


def test_conditional_route_goes_to_the_provider_who_approves_a_subset(world):
    """The issue's scenario: five items of provincial population data requested, three approved."""
    resource = published(world)
    request = drafted(world, resource)
    services.request_submit(actor=world.consumer, request=request)
    services.request_receive(actor=world.authority, request=request)
    request.refresh_from_db()
    assert request.status == S.AUTHORITY_REVIEW
    services.request_authority_check(actor=world.authority, request=request, passed=True, opinion="符合职责")
    request.refresh_from_db()
    assert request.status == S.PROVIDER_REVIEW
    provider_clock = clocks(request)["provider"]
    assert provider_clock.limit_days == 10
    with pytest.raises(DomainError):
        services.request_provider_decide(
            actor=world.consumer, request=request, decision="approve", items=items_of(resource, "name")
        )
    services.request_provider_decide(
        actor=world.provider,
        request=request,
        decision="approve",
        items=items_of(resource, "id_number", "name", "address"),
        opinion="同意共享三项",
    )
    request.refresh_from_db()
    assert request.status == S.APPROVED
    agreement = request.agreements.get()
    assert agreement.approved_item_codes() == ["id_number", "name", "address"]
    assert agreement.purpose == request.purpose
    assert agreement.provider == world.police and agreement.consumer == world.civil
    assert agreement.resource_version == resource.current_version


def test_approved_items_must_be_requested_ones(world):
    resource = published(world)
    request = drafted(world, resource, codes=("id_number", "name"))
    services.request_submit(actor=world.consumer, request=request)
    services.request_authority_check(actor=world.authority, request=request, passed=True)
    with pytest.raises(DomainError, match="Only requested items"):
        services.request_provider_decide(
            actor=world.provider,
            request=request,
            decision="approve",
            items=items_of(resource, "id_number", "household"),
        )
    with pytest.raises(DomainError):
        services.request_provider_decide(actor=world.provider, request=request, decision="approve", items=[])
    request.refresh_from_db()
    assert request.status == S.PROVIDER_REVIEW
    assert not Agreement.objects.exists()


def test_provider_refusal_needs_reasons(world):
    resource = published(world)
    request = drafted(world, resource)
    services.request_submit(actor=world.consumer, request=request)
    services.request_authority_check(actor=world.authority, request=request, passed=True)
    with pytest.raises(DomainError) as err:
        services.request_provider_decide(actor=world.provider, request=request, decision="reject", opinion="")
    assert err.value.field == "opinion"
    services.request_provider_decide(
        actor=world.provider, request=request, decision="reject", opinion="超出职责范围"
    )
    request.refresh_from_db()
    assert request.status == S.REJECTED
    assert request.reasons == "超出职责范围"
    assert not Agreement.objects.exists()


def test_authority_refusal_needs_reasons(world):
    resource = published(world)
    request = drafted(world, resource)
    services.request_submit(actor=world.consumer, request=request)
    with pytest.raises(DomainError):
        services.request_authority_check(actor=world.authority, request=request, passed=False, opinion="")
    services.request_authority_check(
        actor=world.authority, request=request, passed=False, opinion="用途不明确"
    )
    request.refresh_from_db()
    assert request.status == S.REJECTED


def test_not_shared_goes_only_through_negotiation_then_coordination(world):
    resource = published(
        world, sharing_type=SharingType.NOT_SHARED, sharing_condition="", legal_basis="国家秘密"
    )
    request = drafted(world, resource, codes=("id_number", "name"))
    services.request_submit(actor=world.consumer, request=request)
    services.request_authority_check(actor=world.authority, request=request, passed=True)
    request.refresh_from_db()
    assert request.status == S.NEGOTIATION
    with pytest.raises(TransitionNotAllowed):
        services.request_provider_decide(actor=world.provider, request=request, decision="approve", items=[])
    with pytest.raises(DomainError):
        services.request_escalate(actor=world.other, request=request, reason="x")
    services.request_escalate(actor=world.consumer, request=request, reason="双方对用途有分歧")
    request.refresh_from_db()
    assert request.status == S.COORDINATION
    assert clocks(request)["coordination"].state == "running"
    assert clocks(request)["negotiation"].state == "stopped"
    with pytest.raises(DomainError):
        services.request_coordinate(
            actor=world.provider,
            request=request,
            approve=True,
            decision="x",
            items=items_of(resource, "name"),
        )
    services.request_coordinate(
        actor=world.authority,
        request=request,
        approve=True,
        decision="经协调同意共享姓名",
        items=items_of(resource, "name"),
    )
    request.refresh_from_db()
    assert request.status == S.APPROVED
    assert request.agreements.get().approved_item_codes() == ["name"]


def test_negotiation_can_end_in_agreement_by_the_provider(world):
    resource = published(world)
    request = drafted(world, resource)
    services.request_submit(actor=world.consumer, request=request)
    services.request_authority_check(actor=world.authority, request=request, passed=True)
    services.request_provider_decide(
        actor=world.provider, request=request, decision="negotiate", opinion="需说明场景"
    )
    request.refresh_from_db()
    assert request.status == S.NEGOTIATION
    services.request_negotiation_agree(
        actor=world.provider, request=request, items=items_of(resource, "id_number"), notes="限定核验场景"
    )
    request.refresh_from_db()
    assert request.status == S.APPROVED


def test_coordination_can_refuse(world):
    resource = published(
        world, sharing_type=SharingType.NOT_SHARED, sharing_condition="", legal_basis="国家秘密"
    )
    request = drafted(world, resource)
    services.request_submit(actor=world.consumer, request=request)
    services.request_authority_check(actor=world.authority, request=request, passed=True)
    services.request_escalate(actor=world.provider, request=request, reason="涉密")
    services.request_coordinate(
        actor=world.authority, request=request, approve=False, decision="依法不予共享"
    )
    request.refresh_from_db()
    assert request.status == S.REJECTED
    assert request.reasons == "依法不予共享"


def test_route_follows_the_most_restrictive_item_wanted(world):
    resource = published(
        world,
        sharing_type=SharingType.UNCONDITIONAL,
        sharing_condition="",
        overrides={"marital": SharingType.CONDITIONAL},
    )
    plain = drafted(world, resource, codes=("id_number", "name"))
    services.request_submit(actor=world.consumer, request=plain)
    strict = drafted(world, resource, codes=("id_number", "marital"))
    services.request_submit(actor=world.consumer, request=strict)
    plain.refresh_from_db()
    strict.refresh_from_db()
    assert plain.route == SharingType.UNCONDITIONAL
    assert strict.route == SharingType.CONDITIONAL


def test_withdraw_from_an_open_state_stops_the_clocks(world):
    resource = published(world)
    request = drafted(world, resource)
    services.request_submit(actor=world.consumer, request=request)
    services.request_authority_check(actor=world.authority, request=request, passed=True)
    with pytest.raises(DomainError):
        services.request_withdraw(actor=world.consumer, request=request, reason="")
    services.request_withdraw(actor=world.consumer, request=request, reason="不再需要")
    request.refresh_from_db()
    assert request.status == S.WITHDRAWN
    assert all(c.state == "stopped" for c in clocks(request).values())


@pytest.mark.parametrize("status", [S.APPROVED, S.REJECTED, S.WITHDRAWN])
def test_final_states_refuse_every_move(world, status):
    resource = published(world)
    request = drafted(world, resource)
    DataRequest.objects.filter(pk=request.pk).update(status=status, reasons="x")
    with pytest.raises(TransitionNotAllowed):
        services.request_submit(actor=world.consumer, request=request)
    with pytest.raises(TransitionNotAllowed):
        services.request_withdraw(actor=world.consumer, request=request, reason="x")
    with pytest.raises(TransitionNotAllowed):
        services.request_authority_check(actor=world.authority, request=request, passed=True)
    with pytest.raises(TransitionNotAllowed):
        services.request_escalate(actor=world.consumer, request=request, reason="x")


@pytest.mark.parametrize(
    ("status", "call"),
    [
        (S.DRAFT, "check"),
        (S.SUBMITTED, "provider"),
        (S.PROVIDER_REVIEW, "check"),
        (S.PROVIDER_REVIEW, "escalate"),
        (S.NEGOTIATION, "provider"),
        (S.COORDINATION, "agree"),
        (S.AUTHORITY_REVIEW, "coordinate"),
        (S.SUBMITTED, "update"),
    ],
)
def test_illegal_transitions(world, status, call):
    resource = published(world)
    request = drafted(world, resource)
    DataRequest.objects.filter(pk=request.pk).update(status=status)
    name = items_of(resource, "name")
    calls = {
        "check": lambda: services.request_authority_check(
            actor=world.authority, request=request, passed=True
        ),
        "provider": lambda: services.request_provider_decide(
            actor=world.provider, request=request, decision="approve", items=name
        ),
        "escalate": lambda: services.request_escalate(actor=world.consumer, request=request, reason="x"),
        "agree": lambda: services.request_negotiation_agree(
            actor=world.provider, request=request, items=name
        ),
        "coordinate": lambda: services.request_coordinate(
            actor=world.authority, request=request, approve=True, decision="x", items=name
        ),
        "update": lambda: services.request_update(
            actor=world.consumer, request=request, items=name, data=request_data()
        ),
    }
    with pytest.raises(TransitionNotAllowed):
        calls[call]()
    request.refresh_from_db()
    assert request.status == status
