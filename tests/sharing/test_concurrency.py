"""Two stewards deciding the same request at the same moment: one agreement, one clear refusal."""

import threading

import pytest
from django.db import connection

from portal.errors import TransitionNotAllowed
from sharing import services
from sharing.models import Agreement, RequestStatus
from tests.factories import staff
from tests.sharing.conftest import drafted, items_of, published


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_provider_decisions_create_exactly_one_agreement(world):
    second = staff(world.police, "data_steward", "police-steward-2")
    resource = published(world)
    request = drafted(world, resource)
    services.request_submit(actor=world.consumer, request=request)
    services.request_authority_check(actor=world.authority, request=request, passed=True)
    items = items_of(resource, "id_number", "name")
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(actor):
        try:
            barrier.wait(timeout=10)
            services.request_provider_decide(actor=actor, request=request, decision="approve", items=items)
            outcomes.append("approved")
        except TransitionNotAllowed:
            outcomes.append("refused")
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(u,)) for u in (world.provider, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["approved", "refused"]
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert Agreement.objects.filter(request=request).count() == 1
