"""Reply deadlines in working days, across the 2026 National Day holiday and its make-up days.

2026: Oct 1–7 are holidays, Sun Sep 20 and Sat Oct 10 are make-up working days (调休); the start
day does not count.
"""

import datetime

import pytest
from django.test import override_settings

from portal.clocks.models import Clock
from sharing import services
from sharing.models import SharingType
from tests.sharing.conftest import drafted, items_of, published

pytestmark = pytest.mark.django_db
D = datetime.date


def clock(request, purpose):
    return Clock.objects.get(subject_type__model="datarequest", subject_id=str(request.pk), purpose=purpose)


def test_unconditional_reply_across_national_day(world):
    resource = published(world, sharing_type=SharingType.UNCONDITIONAL, sharing_condition="")
    request = drafted(world, resource)
    services.request_submit(actor=world.consumer, request=request, on=D(2026, 9, 30))
    assert clock(request, "authority").due_date == D(2026, 10, 8)


def test_unconditional_reply_lands_on_a_make_up_sunday(world):
    resource = published(world, sharing_type=SharingType.UNCONDITIONAL, sharing_condition="")
    request = drafted(world, resource)
    services.request_submit(actor=world.consumer, request=request, on=D(2026, 9, 18))
    assert clock(request, "authority").due_date == D(2026, 9, 20)


def test_conditional_reply_counts_the_make_up_saturday(world):
    resource = published(world)
    request = drafted(world, resource)
    services.request_submit(actor=world.consumer, request=request, on=D(2026, 9, 30))
    services.request_authority_check(actor=world.authority, request=request, passed=True, on=D(2026, 9, 30))
    # Oct 8, 9, 10 (make-up Saturday), 12, 13, 14, 15, 16, 19, 20.
    assert clock(request, "provider").due_date == D(2026, 10, 20)
    assert clock(request, "authority").state == "stopped"


@override_settings(SHARING_CONDITIONAL_REPLY_DAYS=3, SHARING_DELIVERY_DAYS=5)
def test_limits_are_configuration(world):
    resource = published(world)
    request = drafted(world, resource)
    services.request_submit(actor=world.consumer, request=request, on=D(2026, 9, 30))
    services.request_authority_check(actor=world.authority, request=request, passed=True, on=D(2026, 9, 30))
    assert clock(request, "provider").due_date == D(2026, 10, 10)
    services.request_provider_decide(
        actor=world.provider,
        request=request,
        decision="approve",
        items=items_of(resource, "name"),
        on=D(2026, 10, 9),
    )
    agreement = request.agreements.get()
    # Delivery: Oct 10 (make-up), 12, 13, 14, 15.
    assert agreement.delivery_due == D(2026, 10, 15)


def test_delivery_deadline_is_twenty_working_days_after_approval(world):
    resource = published(world, sharing_type=SharingType.UNCONDITIONAL, sharing_condition="")
    request = drafted(world, resource)
    services.request_submit(actor=world.consumer, request=request, on=D(2026, 9, 30))
    services.request_authority_check(actor=world.authority, request=request, passed=True, on=D(2026, 9, 30))
    agreement = request.agreements.get()
    # Oct 8, 9, 10, 12–16, 19–23, 26–30 = 18, then Nov 2, 3.
    assert agreement.delivery_due == D(2026, 11, 3)
    services.agreement_mark_delivered(actor=world.provider, agreement=agreement, on=D(2026, 10, 20))
    delivery = Clock.objects.get(subject_type__model="agreement", subject_id=str(agreement.pk))
    assert delivery.state == "stopped"
    assert delivery.finished_late is False


def test_clock_reminders_go_to_whoever_must_act(world):
    resource = published(world)
    request = drafted(world, resource)
    services.request_submit(actor=world.consumer, request=request, on=D(2026, 9, 30))
    from portal.clocks.services import recipients

    assert recipients(clock(request, "authority")) == [world.authority]
    services.request_authority_check(actor=world.authority, request=request, passed=True, on=D(2026, 9, 30))
    request.refresh_from_db()
    assert recipients(clock(request, "provider")) == [world.provider]
