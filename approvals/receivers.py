"""The approvals app reacts to its own clocks (portal.clocks.signals.signal_changed) and to its own
status changes (approvals.signals.application_status_changed)."""

from django.dispatch import receiver

from approvals.models import Application
from approvals.signals import application_status_changed
from portal.clocks.models import Clock, Signal
from portal.clocks.signals import signal_changed


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
