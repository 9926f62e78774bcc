"""Signals of the working-day calendar.

``calendar_changed`` is sent once per service call that changed the calendar (a day set or
cleared, a year created, confirmed, reopened, deleted or re-seeded), after the transaction commits
(an admin save that changes five rows sends it five times; receivers should be idempotent),
with ``sender=CalendarYear`` and ``years``: the sorted list of the calendar years (ints) whose
working days or status changed. It is never sent for a change that is rolled back.

Receivers (the clocks app) recompute the open deadlines that depend on those years and tell the
people responsible. The process that made the change has already cleared its in-process calendar
cache when the signal is sent; other processes (Celery workers) keep theirs for up to
WORKCAL_CACHE_SECONDS. A task that recomputes deadlines because of this signal must therefore
call ``portal.workcal.days.clear_cache(years)`` before it computes anything.
"""

from django.dispatch import Signal

calendar_changed = Signal()

# Sent inside the transaction that changes the calendar (same arguments). Receivers write what
# must happen because of the change (an outbox row) so that it commits or rolls back with it.
calendar_changing = Signal()
