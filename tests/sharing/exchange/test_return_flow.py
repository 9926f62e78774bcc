"""Return flow (数据回流): a downward agreement's records reach the city's store (only approved
items, only changes), each run recorded; the beat task runs it through a real Celery worker."""

import pytest

from sharing import services as sharing_services
from sharing.exchange import services
from sharing.exchange.models import ReturnedRecord, ReturnFlowRun, RunStatus
from sharing.exchange.tasks import return_flow_all_task
from tests.portal.notifications.helpers import wait_until

from .conftest import APPROVED, ROWS

pytestmark = pytest.mark.django_db


def test_sync_copies_approved_items_and_only_changes(world, resource, agreement):
    assert agreement.direction == "down"
    run = services.return_flow_sync(agreement_id=agreement.pk, trigger="manual", actor=world.consumer)
    assert (run.status, run.rows) == (RunStatus.SUCCEEDED, 7)
    assert run.finished_at >= run.started_at
    copy = ReturnedRecord.objects.get(agreement=agreement, key=ROWS[0]["id_number"])
    assert set(copy.data) == set(APPROVED) and copy.source_version == 1

    assert services.return_flow_sync(agreement_id=agreement.pk).rows == 0
    services.records_load(actor=world.provider, resource=resource, rows=[{**ROWS[0], "name": "改名"}])
    run = services.return_flow_sync(agreement_id=agreement.pk)
    assert run.rows == 1
    copy.refresh_from_db()
    assert (copy.data["name"], copy.source_version, copy.run) == ("改名", 2, run)
    assert ReturnedRecord.objects.count() == 7


def test_sync_fails_visibly_for_a_suspended_agreement(world, agreement):
    sharing_services.agreement_suspend(actor=world.provider, agreement=agreement, reason="核查")
    run = services.return_flow_sync(agreement_id=agreement.pk)
    assert run.status == RunStatus.FAILED and "not usable" in run.error
    assert not ReturnedRecord.objects.exists()


def test_page_shows_runs_and_sync_now(client, world, agreement):
    client.force_login(world.consumer)
    response = client.post(f"/data/exchange/return-flow/{agreement.uuid}/sync/")
    assert response.status_code == 302
    # Without a broker reachable in this test the run happens in the request, or is queued.
    page = client.get(f"/data/exchange/return-flow/?agreement={agreement.uuid}")
    assert page.status_code == 200
    assert agreement.number in page.content.decode()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_beat_task_runs_in_a_real_worker(world, resource, agreement, start_worker):
    start_worker("exchange-returnflow")
    return_flow_all_task.delay()
    wait_until(lambda: ReturnFlowRun.objects.filter(status=RunStatus.SUCCEEDED).exists(), timeout=30)
    run = ReturnFlowRun.objects.get()
    assert (run.agreement_id, run.rows, run.trigger) == (agreement.pk, 7, "schedule")
    assert ReturnedRecord.objects.filter(agreement=agreement).count() == 7
