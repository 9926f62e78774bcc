"""Supervision reacts to the approval clocks and to its own notices' clocks.

- a review (task) or promised (application) clock turns red: the system issues a notice unless
  one is open;
- such a clock stops (signal done): its open notices close;
- a notice's own clock turns red while the notice is not closed: the notice is escalated.

Receivers run inside the transaction that changed the clock (portal.clocks.signals).
"""

from django.dispatch import receiver

from portal.clocks.models import Clock, Signal
from portal.clocks.signals import signal_changed

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
