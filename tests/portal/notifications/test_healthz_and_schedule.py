"""/healthz counts undelivered deliveries; beat runs the sweeper every 60 s; tasks are registered."""

import pytest
from django_celery_beat.models import PeriodicTask

from portal.celery import app as celery_app
from portal.notifications.models import Delivery, DeliveryStatus
from portal.notifications.services import notify


@pytest.mark.django_db
def test_healthz_counts_pending_sending_and_failed_deliveries(client, person):
    assert client.get("/healthz").json()["notifications"] == {"undelivered": 0}
    notify(recipients=[person], kind="generic", context={"title": "T"}, key="a")  # e-mail + SMS pending
    notify(recipients=[person], kind="generic", context={"title": "T"}, key="b")
    notify(recipients=[person], kind="generic", context={"title": "T"}, key="c")
    rows = list(Delivery.objects.exclude(channel="inapp").order_by("pk"))
    Delivery.objects.filter(pk=rows[0].pk).update(status=DeliveryStatus.SENDING)
    Delivery.objects.filter(pk=rows[1].pk).update(status=DeliveryStatus.FAILED)
    Delivery.objects.filter(pk__in=[r.pk for r in rows[2:4]]).update(status=DeliveryStatus.SENT)
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["notifications"] == {"undelivered": 4}  # 6 channels sent out, 2 of them sent


@pytest.mark.django_db
def test_the_sweeper_is_scheduled_every_minute():
    task = PeriodicTask.objects.get(name="notifications: sweep undelivered")
    assert task.enabled
    assert task.task == "portal.notifications.tasks.sweep"
    assert (task.interval.every, task.interval.period) == (60, "seconds")


def test_the_tasks_are_registered_with_the_celery_app():
    celery_app.loader.import_default_modules()
    assert {"portal.notifications.tasks.deliver", "portal.notifications.tasks.sweep"} <= set(celery_app.tasks)
