"""The batched sweep over approval clocks does what recomputing each clock on its own does: the
same clock fields, audit events, supervision notices on red, and the same people told (through
the bulk recipients hook of applications and department tasks)."""

import datetime

from approvals import services as approvals
from approvals.models import AcceptanceMode, DepartmentTask
from approvals.supervision.models import SupervisionNotice
from portal.audit.models import AuditEvent
from portal.clocks import digest, services, tasks
from portal.clocks.models import Clock, DigestItem
from portal.notifications.models import Notification

from .conftest import MONDAY, accepted, task_of

RED_DAY = datetime.date(2026, 11, 10)  # the tasks (5 days) are overdue, the package (7) due soon


def clocks_of(app) -> dict:
    """The application's and its tasks' clocks by (purpose, item code or "")."""
    found = {}
    for clock in Clock.objects.filter(subject_id=str(app.pk), subject_type__model="application"):
        found[(clock.purpose, "")] = clock
    for task in DepartmentTask.objects.filter(application=app).select_related("item"):
        for clock in Clock.objects.filter(subject_id=str(task.pk), subject_type__model="departmenttask"):
            found[(clock.purpose, task.item.code)] = clock
    return found


def test_batch_and_per_clock_paths_write_and_tell_the_same(city, today):
    one_by_one, batched = accepted(city), accepted(city)
    for app in (one_by_one, batched):  # one claimed task (its reviewer), one unclaimed (the department's)
        approvals.task_claim(actor=city["bureau_reviewer"], task=task_of(app, "FOOD"))
    today(RED_DAY)
    ids = {app.pk: sorted(c.pk for c in clocks_of(app).values()) for app in (one_by_one, batched)}
    stale = {pk: services.stale_clock_ids(clock_ids, today=RED_DAY) for pk, clock_ids in ids.items()}
    assert len(stale[one_by_one.pk]) == len(stale[batched.pk]) == 3
    for clock_id in stale[one_by_one.pk]:
        assert services.clock_recompute(clock_id=clock_id, today=RED_DAY)
    assert services.clocks_recompute_batch(stale[batched.pk], today=RED_DAY) == 3

    a, b = clocks_of(one_by_one), clocks_of(batched)
    assert a.keys() == b.keys()
    for key in a:
        left, right = Clock.objects.get(pk=a[key].pk), Clock.objects.get(pk=b[key].pk)
        for name in [*services.DERIVED, "signal_since"]:
            assert getattr(left, name) == getattr(right, name), (key, name)

        def actions(clock):
            return list(
                AuditEvent.objects.filter(object_id=str(clock.pk), content_type__model="clock")
                .order_by("sequence")
                .values_list("action", flat=True)
            )

        assert actions(left) == actions(right), key
        told = set(
            Notification.objects.filter(kind="deadline_signal", subject_id=str(left.pk)).values_list(
                "recipient__username", flat=True
            )
        )
        listed = set(DigestItem.objects.filter(clock=right).values_list("user__username", flat=True))
        assert told == listed, key
    # A supervision notice for each red task, either way.
    for app in (one_by_one, batched):
        notices = SupervisionNotice.objects.filter(application=app)
        assert sorted(n.task.item.code for n in notices) == ["FIRE", "FOOD"]
    assert set(DigestItem.objects.filter(clock=b[("review", "FOOD")]).values_list("user", flat=True)) == {
        city["bureau_reviewer"].pk
    }
    assert set(DigestItem.objects.filter(clock=b[("review", "FIRE")]).values_list("user", flat=True)) == {
        city["fire_reviewer"].pk
    }


def test_the_bulk_recipients_hook_names_who_clock_recipients_names(city, today):
    claimed = accepted(city)
    accepted(city)
    approvals.task_claim(actor=city["fire_reviewer"], task=task_of(claimed, "FIRE"))
    submitted = approvals.application_create(actor=city["applicant"], item=city["items"]["FOOD"])
    approvals.application_submit(actor=city["applicant"], application=submitted, form_data={})
    # A pledge (容缺) acceptance: a supplement clock that also tells the applicant.
    for item in city["items"].values():
        item.pledge_acceptance_allowed = True
        item.save(update_fields=["pledge_acceptance_allowed"])
    on_pledge = approvals.application_create(actor=city["applicant"], package=city["package"])
    on_pledge = approvals.application_submit(actor=city["applicant"], application=on_pledge, form_data={})
    approvals.application_accept(
        actor=city["clerk"],
        application=on_pledge,
        mode=AcceptanceMode.PLEDGE,
        supplement_due=MONDAY + datetime.timedelta(days=4),
    )
    clocks = list(Clock.objects.exclude(subject_type__model="supervisionnotice"))
    purposes = {c.purpose for c in clocks}
    assert {"review", "promised", "completeness", "supplement"} <= purposes
    one_by_one = {c.pk: sorted(u.username for u in services.recipients(c)) for c in clocks}
    fresh = list(Clock.objects.filter(pk__in=[c.pk for c in clocks]))
    in_bulk = {pk: sorted(u.username for u in users) for pk, users in digest.recipients_bulk(fresh).items()}
    assert in_bulk == one_by_one
    assert any("zhang" in names for names in in_bulk.values())  # the applicant, for the supplement


def test_the_sweep_tells_each_official_once_about_all_their_cases(city, today):
    apps = [accepted(city) for _ in range(3)]
    today(RED_DAY)
    tasks.sweep(RED_DAY, force=True)
    assert SupervisionNotice.objects.filter(application__in=apps).count() == 6
    [note] = Notification.objects.filter(recipient=city["fire_reviewer"], kind="deadline_digest")
    for app in apps:
        assert app.number in note.body
    assert not Notification.objects.filter(kind="deadline_signal").exists()


def test_the_bulk_recipients_of_a_batch_take_the_same_queries_for_one_case_or_four(city, today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        clocks = list(Clock.objects.exclude(subject_type__model="supervisionnotice"))
        with CaptureQueriesContext(connection) as ctx:
            people = digest.recipients_bulk(clocks)
        assert all(people.values())
        return len(ctx.captured_queries), len(clocks)

    accepted(city)
    one, few_clocks = queries()
    for _ in range(3):
        approvals.task_claim(actor=city["fire_reviewer"], task=task_of(accepted(city), "FIRE"))
    four, many_clocks = queries()
    assert many_clocks == 4 * few_clocks
    assert four == one


def test_each_person_is_sent_to_a_page_they_can_open(city, today, client):
    from django.urls import reverse

    app = accepted(city)
    today(RED_DAY)
    tasks.sweep(RED_DAY, force=True)
    task = task_of(app, "FIRE")
    item = DigestItem.objects.get(clock__subject_id=str(task.pk), user=city["fire_reviewer"])
    assert item.url == reverse("work:task", args=[task.pk])
    client.force_login(city["fire_reviewer"])
    assert client.get(item.url).status_code == 200
    # One application, two pages: the officials' case page, the applicant's own page.
    promised = Clock.objects.get(
        subject_type__model="application", subject_id=str(app.pk), purpose="promised"
    )
    assert services.subject_url(promised, city["clerk"]) == reverse("work:application", args=[app.uuid])
    assert services.subject_url(promised, city["applicant"]) == reverse("apply:detail", args=[app.uuid])
    client.force_login(city["applicant"])
    assert client.get(services.subject_url(promised, city["applicant"])).status_code == 200
