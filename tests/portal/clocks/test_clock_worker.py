"""End to end: an admin changes the calendar; a real Celery worker recomputes the open deadlines
and the responsible person is told — with real PostgreSQL and Redis."""

import pytest
from django.utils import timezone

from portal.clocks import services
from portal.clocks.models import Clock, DigestItem, RecomputeRequest
from portal.notifications.models import Notification
from portal.workcal import days
from portal.workcal import services as calendar
from tests.factories import AdminFactory, OfficialFactory, UserFactory
from tests.portal.notifications.helpers import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_calendar_change_is_recomputed_by_the_worker(start_worker, settings):
    # No calendar caching anywhere, so the recomputation is queued without its cache-expiry delay.
    settings.WORKCAL_CACHE_SECONDS = 0
    worker = start_worker("clocks", WORKCAL_CACHE_SECONDS="0")
    owner = OfficialFactory(username="owner", email="owner@example.gov.cn")
    today = timezone.localdate()
    clock = services.clock_start(subject=UserFactory(), limit_days=20, owner=owner, label="事项 A")
    old_due = clock.due_date
    day_off = days.add_working_days(today, 5)
    admin = AdminFactory()
    if days.year_status(day_off.year) == "confirmed":
        calendar.calendar_year_reopen(actor=admin, year=day_off.year, reason="临时调整")
    calendar.calendar_day_set(
        actor=admin, day=day_off, is_workday=False, name="临时休假", reference="测试通知〔2026〕1号"
    )

    wait_until(
        lambda: Clock.objects.get(pk=clock.pk).due_date != old_due,
        timeout=30,
        message=f"the worker did not recompute:\n{worker.output()[-2000:]}",
    )
    clock.refresh_from_db()
    assert clock.due_date == days.add_working_days(today, 20) > old_due
    assert days.working_days_between(today, clock.due_date) == 20
    note = wait_until(
        lambda: Notification.objects.filter(recipient=owner, kind="deadline_digest").first(),
        timeout=10,
        message="no deadline digest",
    )
    item = DigestItem.objects.get(user=owner, clock=clock)
    assert (item.old_due, item.due_date, item.digest) == (old_due, clock.due_date, note.url.split("/")[-2])
    # Reopening and editing the year each asked for a recomputation; the worker did both.
    wait_until(
        lambda: not RecomputeRequest.objects.filter(done_at__isnull=True).exists(),
        timeout=10,
        message="a recomputation was left undone",
    )
    assert RecomputeRequest.objects.count() == 2


def test_two_simultaneous_starts_of_one_clock_leave_one_clock_and_a_clear_refusal():
    import threading

    from django.db import connection

    from portal.errors import TransitionNotAllowed

    subject = UserFactory()
    owner = OfficialFactory(username="owner2")
    barrier = threading.Barrier(2)
    outcomes = []

    def start_it():
        try:
            barrier.wait(timeout=10)
            services.clock_start(subject=subject, limit_days=5, owner=owner, label="并发")
            outcomes.append("started")
        except TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=start_it) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "started"]
    assert Clock.objects.filter(subject_id=str(subject.pk)).count() == 1
