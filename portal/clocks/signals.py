"""Signals of the clocks app.

``signal_changed`` is sent inside the transaction that changed a clock's signal (a service call or
the daily sweep), with ``sender=Clock``, ``clock`` (saved, locked), ``old`` and ``new`` (Signal
values). A subject's app reacts to its own clocks here — e.g. the approvals app accepts an
application whose completeness check ran out (行政许可法 art. 32). Receivers run in the same
transaction: what they write commits or rolls back with the change.

``clock_saved`` is sent every time a clock's derived fields are stored (a start, an event, a
recompute, the sweep), with ``sender=Clock`` and ``clock``, in the same transaction. A subject's
app may keep its own copy of the fields it sorts and filters on (e.g. the review clock's due date
on a department task, so an inbox pages through an index instead of a subquery per row).
"""

from django.dispatch import Signal

signal_changed = Signal()
clock_saved = Signal()
