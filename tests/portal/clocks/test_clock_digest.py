"""The batched sweep: one transaction per batch of changing clocks, one digest per person, nothing
lost after a crash, nothing sent twice, a per-clock fallback when a batch fails."""

import datetime

import pytest
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import formats, translation

from portal.audit.models import AuditEvent
from portal.clocks import digest, services, tasks
from portal.clocks.models import Clock, DigestItem, Signal
from portal.notifications.models import Delivery, Notification
from tests.factories import OfficialFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
START = D(2026, 11, 2)  # a Monday; November 2026 has no public holiday


@pytest.fixture
def today(monkeypatch):
    state = {"today": START}
    monkeypatch.setattr(services, "local_today", lambda: state["today"])
    return lambda day: state.update(today=day)


def start(owner, label, limit=5):
    return services.clock_start(
        subject=UserFactory(), limit_days=limit, start_on=START, owner=owner, label=label
    )


def digests(user):
    return Notification.objects.filter(recipient=user, kind="deadline_digest")


def test_each_person_gets_one_digest_listing_all_their_changes(today, client):
    wang, li = OfficialFactory(username="wang"), OfficialFactory(username="li")
    mine = [start(wang, f"王的事项 {n}") for n in range(3)]
    theirs = start(li, "李的事项")
    day = mine[0].next_check_on
    assert tasks.sweep(day)["changed"] == 4
    assert not Notification.objects.filter(kind="deadline_signal").exists()  # no message per clock
    [note] = digests(wang)
    assert all(c.label in note.body for c in mine) and theirs.label not in note.body
    assert "3" in note.title
    assert note.deliveries.count() >= 1  # in-app at least, e-mail as the person chose
    [single] = digests(li)
    with translation.override(li.language):
        assert theirs.label in single.title
        assert formats.date_format(Clock.objects.get(pk=theirs.pk).due_date) in single.body
    items = DigestItem.objects.filter(user=wang)
    assert items.count() == 3 and not items.filter(sent_at__isnull=True).exists()
    assert {i.level for i in items} == {Signal.YELLOW}
    # The digest's page lists every change with its case; nobody else's digest can be opened.
    client.force_login(wang)
    page = client.get(note.url)
    assert page.status_code == 200
    assert all(c.label in page.content.decode() for c in mine)
    client.force_login(li)
    assert client.get(note.url).status_code == 404


def test_running_the_sweep_again_sends_nothing_twice(today):
    owner = OfficialFactory()
    clock = start(owner, "事项")
    day = clock.next_check_on
    tasks.sweep(day)
    counts = (Notification.objects.count(), Delivery.objects.count(), DigestItem.objects.count())
    assert tasks.sweep(day) == {"skipped": False, "changed": 0}
    # Even a clock set back and recomputed to the same level and due date is not listed again.
    Clock.objects.filter(pk=clock.pk).update(signal=Signal.GREEN, next_check_on=day)
    assert tasks.sweep(day)["changed"] == 1
    assert digest.digests_send() == 0
    assert (Notification.objects.count(), Delivery.objects.count(), DigestItem.objects.count()) == counts


def test_a_crash_before_the_digest_is_made_good_by_the_next_run(today):
    owner = OfficialFactory()
    clocks = [start(owner, f"事项 {n}") for n in range(2)]
    day = clocks[0].next_check_on
    # The batch step alone, as if the worker died right after it committed.
    changed = services.clocks_recompute_batch([c.pk for c in clocks], today=day)
    assert changed == 2
    assert DigestItem.objects.filter(user=owner, sent_at__isnull=True).count() == 2
    assert not digests(owner).exists()
    # The next sweep has nothing to recompute, and sends what was left.
    assert tasks.sweep(day)["changed"] == 0
    [note] = digests(owner)
    assert all(c.label in note.body for c in clocks)
    assert not DigestItem.objects.filter(sent_at__isnull=True).exists()
    # A sweep on a day off recomputes nothing but still sends what a crash left behind.
    Clock.objects.filter(pk=clocks[0].pk).update(signal=Signal.GREEN)
    services.clocks_recompute_batch([clocks[0].pk], today=day)
    DigestItem.objects.filter(clock=clocks[0]).delete()
    Clock.objects.filter(pk=clocks[0].pk).update(signal=Signal.GREEN)
    services.clocks_recompute_batch([clocks[0].pk], today=day)
    assert tasks.sweep(D(2026, 11, 7)) == {"skipped": True, "changed": 0}  # a Saturday
    assert digests(owner).count() == 2


def test_the_batch_writes_what_the_per_clock_path_writes(today):
    """Clock fields and audit events (count, actions, before/after) are the same either way."""
    owner = OfficialFactory()
    one_by_one = [start(owner, f"逐个 {n}", limit=5 + n % 2) for n in range(4)]
    batched = [start(owner, f"批量 {n}", limit=5 + n % 2) for n in range(4)]
    day = D(2026, 11, 10)  # limits 5 and 6: red and yellow
    for clock in one_by_one:
        assert services.clock_recompute(clock_id=clock.pk, today=day)
    assert services.clocks_recompute_batch([c.pk for c in batched], today=day) == 4

    def state(clock):
        row = Clock.objects.get(pk=clock.pk)
        fields = {name: getattr(row, name) for name in [*services.DERIVED, "signal_since"]}
        events = [
            (e.action, e.before, e.after)
            for e in AuditEvent.objects.filter(object_id=str(clock.pk)).order_by("sequence")
        ]
        return fields, events

    for a, b in zip(one_by_one, batched, strict=True):
        assert state(a) == state(b)
    assert {c.signal for c in Clock.objects.filter(pk__in=[c.pk for c in batched])} == {
        Signal.RED,
        Signal.YELLOW,
    }

    # The same events are announced: per clock and person immediately, or as digest items.
    def event(key):
        return tuple(key.split(":")[2:])  # the clock's id left out

    told = {event(n.key) for n in Notification.objects.filter(kind="deadline_signal")}
    listed = {event(i.key) for i in DigestItem.objects.all()}
    assert told == listed and len(listed) == 2


def test_queries_per_batch_do_not_grow_beyond_each_clocks_own_writes(today):
    """Per changing clock: its UPDATE and its audit event; everything else is per batch."""
    owners = [OfficialFactory() for _ in range(2)]
    day = D(2026, 11, 6)

    def queries(n):
        clocks = [start(owners[i % 2], f"事项 {i}") for i in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            assert services.clocks_recompute_batch([c.pk for c in clocks], today=day) == n
        return len(ctx.captured_queries)

    queries(1)  # warm the caches (content types, calendar)
    two, three, twenty = queries(2), queries(3), queries(20)
    per_clock = three - two
    assert per_clock == 2  # its UPDATE and its audit INSERT (one chain lock and head read per batch)
    assert twenty == two + 18 * per_clock


def test_a_failing_batch_falls_back_to_one_transaction_per_clock(today, monkeypatch):
    owner = OfficialFactory()
    clocks = [start(owner, f"事项 {n}") for n in range(3)]
    day = clocks[0].next_check_on
    real = services.clocks_recompute_batch
    calls = []

    def deadlocking(ids, **kwargs):
        calls.append(list(ids))
        if len(ids) > 1:
            with transaction.atomic():  # does all the work, then loses a race: all rolled back
                real(ids, **kwargs)
                raise OperationalError("deadlock detected")
        return real(ids, **kwargs)

    monkeypatch.setattr(services, "clocks_recompute_batch", deadlocking)
    assert services.clocks_recompute_many([c.pk for c in clocks], today=day) == 3
    assert calls == [[c.pk for c in clocks]] + [[c.pk] for c in clocks]
    for clock in clocks:
        assert Clock.objects.get(pk=clock.pk).signal == Signal.YELLOW
        assert list(
            AuditEvent.objects.filter(object_id=str(clock.pk), action__startswith="clock.")
            .order_by("sequence")
            .values_list("action", flat=True)
        ) == ["clock.start", "clock.recompute"]
    assert DigestItem.objects.filter(user=owner).count() == 3


def test_a_clock_changed_by_an_earlier_clocks_receiver_is_read_again(today):
    """A receiver of one clock may stop another clock of the same batch (e.g. a terminated
    application stops its tasks' clocks): that clock is recomputed from what the receiver left."""
    from portal.clocks import signals

    owner = OfficialFactory()
    first, second = start(owner, "先"), start(owner, "后")
    day = first.next_check_on

    def stop_the_second(sender, clock, old, new, **kwargs):
        if clock.pk == first.pk:
            services.clock_stop(clock=Clock.objects.get(pk=second.pk), actor=None, reason="终止")

    signals.signal_changed.connect(stop_the_second, sender=Clock, dispatch_uid="test.stop_the_second")
    try:
        assert services.clocks_recompute_batch([first.pk, second.pk], today=day) == 1
    finally:
        signals.signal_changed.disconnect(sender=Clock, dispatch_uid="test.stop_the_second")
    assert Clock.objects.get(pk=second.pk).signal == Signal.DONE
    actions = list(
        AuditEvent.objects.filter(object_id=str(second.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["clock.start", "clock.stop"]
    assert set(DigestItem.objects.values_list("clock_id", flat=True)) == {first.pk}


def test_interactive_services_still_tell_at_once(today):
    owner = OfficialFactory()
    clock = start(owner, "暂停的事项", limit=5)
    today(D(2026, 11, 5))  # two working days left: yellow once the pause (of no days) ends
    services.clock_pause(clock=clock, actor=owner, reason="现场勘查", legal_basis="本市事项配置")
    services.clock_resume(clock=clock, actor=owner)
    assert Clock.objects.get(pk=clock.pk).signal == Signal.YELLOW
    assert Notification.objects.filter(recipient=owner, kind="deadline_signal").exists()
    assert not DigestItem.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_deadlock_loses_no_clock(today):
    """Another transaction holds the second clock and then wants the first, which the batch holds
    while it waits for the second: PostgreSQL breaks the deadlock by failing the batch (its
    deadlock_timeout is the shorter one); the per-clock fallback then recomputes both."""
    import threading

    owner = OfficialFactory()
    first, second = start(owner, "先"), start(owner, "后")
    day = first.next_check_on
    holding, done = threading.Event(), []

    def other():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL deadlock_timeout = '20s'")
                list(Clock.objects.select_for_update().filter(pk=second.pk))
                holding.set()
                for _ in range(200):  # until the batch waits for the second clock
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND datname = current_database()"
                    )
                    if cursor.fetchone()[0]:
                        break
                    threading.Event().wait(0.05)
                list(Clock.objects.select_for_update().filter(pk=first.pk))
            done.append("committed")
        finally:
            connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    assert holding.wait(10)
    with connection.cursor() as cursor:
        cursor.execute("SET deadlock_timeout = '200ms'")
    try:
        assert services.clocks_recompute_many([first.pk, second.pk], today=day) == 2
    finally:
        thread.join(30)
        with connection.cursor() as cursor:
            cursor.execute("RESET deadlock_timeout")
    assert done == ["committed"]
    assert {c.signal for c in Clock.objects.filter(pk__in=[first.pk, second.pk])} == {Signal.YELLOW}
    assert AuditEvent.objects.filter(action="clock.recompute").count() == 2
    assert DigestItem.objects.filter(user=owner).count() == 2
