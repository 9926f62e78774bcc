"""Supervision reacts to the approval clocks and to its own notices' clocks.

- a review (task) or promised (application) clock turns red: the system issues a notice unless
  one is open;
- such a clock stops (signal done): its open notices close;
- a notice's own clock turns red while the notice is not closed: the notice is escalated;
- an application leaves the open states (approvals.signals.application_status_changed): every
  notice about it closes.

Receivers run inside the transaction that changed the clock (portal.clocks.signals).
"""

from django.dispatch import receiver

from approvals.signals import application_status_changed
from approvals.workflow import ApplicationStatus
from portal.clocks.models import Clock, Signal
from portal.clocks.signals import signal_changed

A = ApplicationStatus
SUPERVISED_STATES = {A.SUBMITTED, A.CORRECTION_REQUESTED, A.ACCEPTED, A.IN_REVIEW, A.CONSOLIDATING}
SUPERVISED_STATES |= {A.AWAITING_SUPPLEMENT}
SUBJECT_PURPOSES = {("approvals", "departmenttask"): "review", ("approvals", "application"): "promised"}


@receiver(signal_changed, sender=Clock, dispatch_uid="supervision.on_clock_signal")
def on_clock_signal(sender, clock, old, new, **kwargs):
    from . import services

    key = (clock.subject_type.app_label, clock.subject_type.model)
    if key == ("supervision", "supervisionnotice"):
        if clock.purpose == services.NOTICE_PURPOSE and new == Signal.RED:
            services.escalate(clock)
        return
    if SUBJECT_PURPOSES.get(key) != clock.purpose:
        return
    if new == Signal.RED:
        services.issue_if_none_open(clock)
    elif new == Signal.DONE:
        services.close_for_subject(clock)


@receiver(application_status_changed, dispatch_uid="supervision.on_application_status")
def on_application_status(sender, application, old, new, **kwargs):
    if new not in SUPERVISED_STATES:
        from . import services

        services.close_for_application(application)
