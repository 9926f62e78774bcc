"""The approvals app reacts to its own clocks (portal.clocks.signals.signal_changed) and to its own
status changes (approvals.signals.application_status_changed)."""

from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver

from approvals.models import Application, DepartmentTask
from approvals.signals import application_status_changed
from portal.clocks.models import Clock, Signal
from portal.clocks.signals import clock_saved, signal_changed


def review_fields(clock: Clock) -> dict:
    """The department task's copy of its review clock (DepartmentTask.review_*)."""
    return {
        "review_state": clock.state,
        "review_signal": clock.signal,
        "review_started": clock.started_on,
        "review_due": clock.due_date,
        "review_provisional": clock.due_provisional,
    }


def copy_review_clocks(clocks) -> int:
    """Copy review clocks written in bulk (bulk_create sends no signal) onto their tasks."""
    task_type = ContentType.objects.get_for_model(DepartmentTask).pk
    by_task = {
        int(c.subject_id): c for c in clocks if c.purpose == "review" and c.subject_type_id == task_type
    }
    tasks = list(DepartmentTask.objects.filter(pk__in=by_task))
    for task in tasks:
        for name, value in review_fields(by_task[task.pk]).items():
            setattr(task, name, value)
    return DepartmentTask.objects.bulk_update(tasks, list(review_fields(Clock()).keys()), batch_size=1000)


@receiver(clock_saved, sender=Clock)
def on_clock_saved(sender, clock, **kwargs):
    """Keep a task's review_* columns equal to its review clock, in the clock's transaction."""
    if clock.purpose != "review":
        return
    if clock.subject_type_id != ContentType.objects.get_for_model(DepartmentTask).pk:
        return
    DepartmentTask.objects.filter(pk=int(clock.subject_id)).update(**review_fields(clock))


@receiver(signal_changed, sender=Clock)
def on_clock_signal(sender, clock, old, new, **kwargs):
    if new != Signal.RED or clock.subject_type.app_label != "approvals":
        return
    if clock.subject_type.model != "application":
        return
    from approvals.services.applications import (
        accept_on_missed_completeness_check,
        terminate_on_missed_supplement,
    )

    if clock.purpose in ("completeness", "completeness-2"):
        accept_on_missed_completeness_check(int(clock.subject_id))
    elif clock.purpose == "supplement":
        terminate_on_missed_supplement(int(clock.subject_id))


@receiver(application_status_changed, sender=Application)
def on_granted(sender, application, old, new, **kwargs):
    """A grant on pledge (告知承诺) opens the verification of the pledge."""
    if new == "granted" and application.acceptance_mode == "commitment":
        from approvals.services.assistance import open_pledge_verification

        open_pledge_verification(application)
