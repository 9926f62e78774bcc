"""Matters react to their own platform clocks (portal.clocks.signals.signal_changed).

A matter's clock (purpose "matter") turning red escalates the matter to its leading group, once
per level and due date. Yellow and red reminders themselves come from the clock (deadline_signal
notifications to Matter.clock_recipients). Receivers run inside the transaction that changed the
clock.
"""

from django.dispatch import receiver

from portal.clocks.models import Clock, Signal
from portal.clocks.signals import signal_changed

from . import conf


@receiver(signal_changed, sender=Clock, dispatch_uid="matters.on_clock_signal")
def on_clock_signal(sender, clock, old, new, **kwargs):
    if (clock.subject_type.app_label, clock.subject_type.model) != ("matters", "matter"):
        return
    if clock.purpose == conf.CLOCK_PURPOSE and new == Signal.RED:
        from . import services

        services.escalate(clock)
