"""notify(): outbox rows in the caller's transaction, idempotent, per preferences and language."""

import logging
import time
from datetime import date

import pytest
from django.db import transaction
from django.utils import translation

from portal.notifications.models import (
    Channel,
    ChannelPreference,
    Delivery,
    DeliveryStatus,
    Notification,
)
from portal.notifications.outbox import idempotency_key
from portal.notifications.services import notify
from tests.factories import OrgUnitFactory, UserFactory
from tests.portal.notifications.helpers import UNREACHABLE_BROKER, use_broker

SIGNAL = {
    "subject_label": "SP-20261126-000123",
    "level": "YELLOW",
    "due_date": date(2026, 12, 1),
    "remaining_days": 2,
}


def _notify(users, key="event-1", kind="deadline_signal", context=None, **kwargs):
    return notify(recipients=users, kind=kind, context=context or SIGNAL, key=key, **kwargs)


def channels_of(notification):
    return {d.channel: d.status for d in notification.deliveries.all()}


def test_notify_writes_a_notification_and_one_delivery_per_default_channel(person, no_phone):
    created = _notify([person, no_phone], url="/approvals/1/")
    assert [n.recipient for n in created] == [person, no_phone]
    first, second = created
    assert first.kind == "deadline_signal" and first.key == "event-1" and first.url == "/approvals/1/"
    # In-app counts as sent; e-mail always, SMS only for someone with a phone number.
    assert channels_of(first) == {
        Channel.INAPP: DeliveryStatus.SENT,
        Channel.EMAIL: DeliveryStatus.PENDING,
        Channel.SMS: DeliveryStatus.PENDING,
    }
    assert channels_of(second) == {Channel.INAPP: DeliveryStatus.SENT, Channel.EMAIL: DeliveryStatus.PENDING}
    assert Delivery.objects.count() == 5


def test_notify_twice_with_the_same_key_notifies_nobody_twice(person, no_phone):
    assert len(_notify([person])) == 1
    assert _notify([person]) == []
    created = _notify([person, no_phone])  # only the new recipient
    assert [n.recipient for n in created] == [no_phone]
    assert Notification.objects.filter(key="event-1").count() == 2
    assert Delivery.objects.count() == 5
    assert len(_notify([person], key="event-2")) == 1


def test_notify_skips_repeated_and_inactive_recipients(person):
    inactive = UserFactory(is_active=False, email="gone@example.gov.cn")
    created = _notify([person, person, inactive, None])
    assert [n.recipient for n in created] == [person]


def test_idempotency_keys_are_stable_and_distinct_per_channel(person):
    (notification,) = _notify([person])
    keys = {d.channel: d.idempotency_key for d in notification.deliveries.all()}
    assert keys == {
        channel: idempotency_key(key="event-1", recipient_id=person.pk, channel=channel) for channel in keys
    }
    assert len(set(keys.values())) == 3
    assert all(len(k) == 64 for k in keys.values())


def test_preferences_are_honoured(person, no_phone):
    ChannelPreference.objects.create(user=person, channel=Channel.EMAIL, enabled=False)
    ChannelPreference.objects.create(user=person, channel=Channel.SMS, enabled=True)
    ChannelPreference.objects.create(user=no_phone, channel=Channel.SMS, enabled=False)
    ChannelPreference.objects.create(user=no_phone, channel=Channel.INAPP, enabled=False)  # ignored
    first, second = _notify([person, no_phone])
    assert set(channels_of(first)) == {Channel.INAPP, Channel.SMS}
    assert set(channels_of(second)) == {Channel.INAPP, Channel.EMAIL}


def test_sms_is_off_by_default_without_a_phone_and_can_be_switched_off_with_one(person, no_phone):
    ChannelPreference.objects.create(user=person, channel=Channel.SMS, enabled=False)
    first, second = _notify([person, no_phone])
    assert Channel.SMS not in channels_of(first)
    assert Channel.SMS not in channels_of(second)


def test_rendering_uses_each_recipients_language(person, no_phone):
    translation.activate("en")
    english, chinese = _notify([person, no_phone], url="/approvals/1/")
    assert english.title == "Deadline approaching: SP-20261126-000123"
    assert english.body.splitlines() == [
        "SP-20261126-000123 is due on Dec. 1, 2026: 2 working days left.",
        "Please plan to complete it before the due date.",
    ]
    assert "Dec. 1, 2026" in english.body_html and "<p>" in english.body_html
    assert "http://127.0.0.1:8000/approvals/1/" in english.body_html
    # Django's own zh-hans date format, whatever our catalogue holds for the sentence around it.
    assert "2026年12月1日" in chinese.body
    assert "Dec. 1" not in chinese.body
    assert 'lang="zh-hans"' in chinese.body_html
    assert translation.get_language() == "en"  # the caller's language is restored


def test_recipient_without_a_language_gets_the_site_language(person, settings):
    person.language = ""
    person.save()
    (notification,) = _notify([person])
    assert "2026年12月1日" in notification.body


@pytest.mark.parametrize(
    ("level", "remaining", "title", "sentence"),
    [
        ("GREEN", 5, "On schedule: X", "X is due on Dec. 1, 2026: 5 working days left."),
        ("YELLOW", 1, "Deadline approaching: X", "X is due on Dec. 1, 2026: 1 working day left."),
        ("YELLOW", 0, "Deadline approaching: X", "X is due today (Dec. 1, 2026)."),
        ("RED", -3, "Overdue: X", "X was due on Dec. 1, 2026 and is 3 working days overdue."),
        ("PAUSED", 4, "Clock paused: X", "The clock of X is paused."),
    ],
)
def test_deadline_signal_texts(person, level, remaining, title, sentence):
    context = {**SIGNAL, "subject_label": "X", "level": level, "remaining_days": remaining}
    (notification,) = _notify([person], context=context)
    assert notification.title == title
    assert notification.body.startswith(sentence)


def test_deadline_changed_and_generic_kinds(person):
    (changed,) = _notify(
        [person],
        kind="deadline_changed",
        key="changed",
        context={
            "subject_label": "X",
            "old_due": date(2026, 12, 1),
            "new_due": date(2026, 12, 8),
            "reason": "Expert review <b>paused</b> the clock",
        },
    )
    assert changed.title == "Due date changed: X"
    assert changed.body.splitlines() == [
        "The due date of X changed from Dec. 1, 2026 to Dec. 8, 2026.",
        "Reason: Expert review <b>paused</b> the clock",  # plain text: not escaped
    ]
    assert "&lt;b&gt;paused&lt;/b&gt;" in changed.body_html  # HTML: escaped
    (generic,) = _notify([person], kind="generic", key="g", context={"title": "Hello & welcome", "text": "A"})
    assert (generic.title, generic.body) == ("Hello & welcome", "A")


def test_unknown_kind_is_refused(person):
    with pytest.raises(ValueError, match="unknown notification kind"):
        _notify([person], kind="no_such_kind")
    with pytest.raises(ValueError):
        _notify([person], kind="../base")
    with pytest.raises(ValueError):
        _notify([person], key="")
    assert not Notification.objects.exists()


def test_subject_is_recorded(person):
    unit = OrgUnitFactory()
    (notification,) = _notify([person], subject=unit)
    assert notification.subject == unit


def test_rows_roll_back_with_the_change_and_nothing_is_dispatched(
    person, broker_queue, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify([person])
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert not Notification.objects.exists() and not Delivery.objects.exists()
    assert broker_queue.messages() == []


def test_pending_deliveries_are_dispatched_on_commit(
    person, no_phone, broker_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        _notify([person, no_phone])
        assert broker_queue.messages() == []  # not before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    pending = Delivery.objects.filter(status=DeliveryStatus.PENDING).values_list("pk", flat=True)
    assert len(pending) == 3
    assert sorted(broker_queue.delivery_ids()) == sorted(pending)


def test_dispatch_with_an_unreachable_broker_does_not_raise(
    person, no_phone, broker_queue, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.WARNING, logger="portal.notifications")
    started = time.monotonic()
    with (
        use_broker(UNREACHABLE_BROKER, {"socket_connect_timeout": 2, "socket_timeout": 5}),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        created = _notify([person, no_phone])
    assert len(callbacks) == 1
    assert len(created) == 2
    # The rows stay pending for the sweeper; one warning, and no waiting per delivery.
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == 3
    assert "broker unreachable" in caplog.text
    assert "3 portal.notifications.tasks.deliver task(s) left" in caplog.text
    assert time.monotonic() - started < 10
    assert broker_queue.messages() == []


def test_many_recipients_cost_a_fixed_number_of_queries(person, no_phone, django_assert_max_num_queries):
    """One notify to 30 people: rendered once per language and inserted in one statement each for
    notifications and deliveries, not a handful of queries per person."""
    people = [UserFactory(language="zh-hans", phone="") for _ in range(30)]
    with django_assert_max_num_queries(8):
        created = notify(recipients=people, kind="generic", context={"title": "T", "text": "x"}, key="bulk:1")
    assert len(created) == 30
    assert Delivery.objects.filter(notification__key="bulk:1").count() == 60  # in-app + e-mail each


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_notify_of_the_same_event_keeps_one_row_per_person():
    """Another transaction writes the same event for one person after this notify has checked for
    it: the bulk insert waits on the unique index, fails when the other commits, and falls back to
    one row at a time, so every other person is told once and nobody twice."""
    import threading

    from django.db import connection as main_connection

    others = [UserFactory(phone="") for _ in range(3)]
    inserted, release = threading.Event(), threading.Event()

    def rival():
        from django.db import connection

        with transaction.atomic():
            Notification.objects.create(recipient=others[1], key="race:1", kind="generic", title="earlier")
            inserted.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=rival)
    thread.start()
    assert inserted.wait(10)
    # Commit the rival's row once this notify is waiting on it (after its de-duplicating read).
    timer = threading.Timer(1.0, release.set)
    timer.start()
    created = notify(recipients=others, kind="generic", context={"title": "T", "text": "x"}, key="race:1")
    thread.join(10)
    assert main_connection.vendor == "postgresql"
    assert sorted(n.recipient_id for n in created) == sorted([others[0].pk, others[2].pk])
    assert Notification.objects.filter(key="race:1").count() == 3
    assert Notification.objects.get(key="race:1", recipient=others[1]).title == "earlier"


def test_no_notification_template_names_its_reader():
    """notify() renders once per language: a template that used `recipient` would show every
    reader the same (empty) name."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR) / "templates" / "notifications"
    offending = [p for p in root.rglob("*.*") if p.parent != root and "recipient" in p.read_text()]
    assert offending == []
