"""The approvals app reacts to its own clocks (portal.clocks.signals.signal_changed) and to its own
status changes (approvals.signals.application_status_changed)."""

from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver

from approvals.models import Application, DepartmentTask
from approvals.signals import application_status_changed
from portal.clocks.models import Clock, Signal
from portal.clocks.signals import clock_saved, signal_changed


def _copy_of(clock: Clock, prefix: str) -> dict:
    """A subject's copy of one of its clocks: the fields `<prefix>_state`, `_signal`, `_started`,
    `_due` and `_provisional` (KeepsClockCopy.CLOCK_COPY)."""
    return {
        f"{prefix}_state": clock.state,
        f"{prefix}_signal": clock.signal,
        f"{prefix}_started": clock.started_on,
        f"{prefix}_due": clock.due_date,
        f"{prefix}_provisional": clock.due_provisional,
    }


def review_fields(clock: Clock) -> dict:
    """The department task's copy of its review clock (DepartmentTask.review_*)."""
    return _copy_of(clock, "review")


def promised_fields(clock: Clock) -> dict:
    """The application's copy of its promised clock (Application.promise_*)."""
    return _copy_of(clock, "promise")


def _copies():
    """(content type id, clock purpose, subject model, fields of the copy) of every copied clock."""
    return (
        (ContentType.objects.get_for_model(DepartmentTask).pk, "review", DepartmentTask, review_fields),
        (ContentType.objects.get_for_model(Application).pk, "promised", Application, promised_fields),
    )


def copy_review_clocks(clocks) -> int:
    """Copy review and promised clocks written in bulk (bulk_create sends no signal) onto their
    tasks and applications; returns how many subjects were updated."""
    clocks = list(clocks)
    updated = 0
    for type_id, purpose, model, fields in _copies():
        by_subject = {
            int(c.subject_id): c for c in clocks if c.purpose == purpose and c.subject_type_id == type_id
        }
        if not by_subject:
            continue
        subjects = list(model.objects.filter(pk__in=by_subject))
        for subject in subjects:
            for name, value in fields(by_subject[subject.pk]).items():
                setattr(subject, name, value)
        updated += model.objects.bulk_update(subjects, list(fields(Clock()).keys()), batch_size=1000)
    return updated


@receiver(clock_saved, sender=Clock)
def on_clock_saved(sender, clock, **kwargs):
    """Keep a task's review_* columns equal to its review clock, and an application's promise_*
    columns equal to its promised clock, in the clock's transaction."""
    for type_id, purpose, model, fields in _copies():
        if clock.purpose == purpose and clock.subject_type_id == type_id:
            model.objects.filter(pk=int(clock.subject_id)).update(**fields(clock))
            return


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
