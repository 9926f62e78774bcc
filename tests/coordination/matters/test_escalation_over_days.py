"""Over simulated days the platform clock reminds the lead unit (yellow, red) and a red clock
escalates the matter to its leading group once: its co-leader and office director seats with an
account and the office coordinators are told; an escalation row is recorded; nothing repeats."""

import datetime

from coordination.matters import services
from coordination.matters.models import MatterEscalation
from portal.audit.models import AuditEvent
from portal.clocks.tasks import sweep
from portal.notifications.models import Notification
from tests.factories.matters import MONDAY, make_matter


def run_days(today, first, last):
    day = first
    while day <= last:
        today(day)
        sweep(today=day)
        day += datetime.timedelta(days=1)


def escalations_to(user):
    return Notification.objects.filter(
        recipient=user, kind="coordination_matter", key__contains=":escalated:"
    )


def test_an_overdue_matter_is_escalated_once(p, today):
    matter = make_matter(p, limit_days=5)  # Monday 2 Nov + 5 working days: due Monday 9 Nov
    assert matter.clock.due_date == datetime.date(2026, 11, 9)
    run_days(today, MONDAY, datetime.date(2026, 11, 6))
    matter.clock.refresh_from_db()
    assert matter.clock.signal == "yellow"
    # The reminder before the deadline comes from the platform clock's sweep, to the lead unit's
    # people, in their deadline digest.
    assert Notification.objects.filter(recipient=p["steward"], kind="deadline_digest").count() == 1
    assert not MatterEscalation.objects.exists()

    run_days(today, datetime.date(2026, 11, 7), datetime.date(2026, 11, 10))
    row = MatterEscalation.objects.get(matter=matter)
    assert (row.level, row.escalated_on, row.group) == ("red", datetime.date(2026, 11, 10), p["group"])
    for person in (p["leader"], p["director"], p["coordinator"]):
        assert escalations_to(person).count() == 1, person
    told = escalations_to(p["leader"]).get()
    assert told.url == f"/matters/{matter.pk}/"
    for person in (p["steward"], p["urban_staff"], p["enterprise"]):
        assert not escalations_to(person).exists()
    assert Notification.objects.filter(recipient=p["steward"], kind="deadline_digest").count() == 2  # red

    run_days(today, datetime.date(2026, 11, 11), datetime.date(2026, 11, 27))
    assert MatterEscalation.objects.filter(matter=matter).count() == 1
    assert escalations_to(p["leader"]).count() == 1
    assert AuditEvent.objects.filter(action="matter.escalate", object_id=str(matter.pk)).count() == 1


def test_a_matter_finished_in_time_is_never_escalated(p, today):
    matter = make_matter(p, limit_days=5)
    services.progress_report_submit(actor=p["steward"], matter=matter, text="完成", percent=100)
    today(datetime.date(2026, 11, 4))
    services.matter_report_completion(actor=p["steward"], matter=matter, text="已上线")
    services.matter_accept(actor=p["coordinator"], matter=matter)
    matter.refresh_from_db()
    assert matter.status == "completed" and matter.clock.state == "stopped" and matter.clock.signal == "done"
    run_days(today, datetime.date(2026, 11, 5), datetime.date(2026, 11, 20))
    assert not MatterEscalation.objects.exists()
    assert not escalations_to(p["leader"]).exists()


def test_a_matter_already_overdue_when_opened_is_escalated_at_once(p, today):
    today(datetime.date(2026, 11, 20))
    matter = make_matter(p, limit_days=3, start_on=MONDAY)
    assert matter.clock.signal == "red"
    assert MatterEscalation.objects.filter(matter=matter, level="red").count() == 1
    run_days(today, datetime.date(2026, 11, 23), datetime.date(2026, 11, 25))
    assert MatterEscalation.objects.filter(matter=matter).count() == 1
