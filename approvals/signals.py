"""Signals of the approvals app, for the apps built on it (approvals.results, approvals.supervision).

`application_status_changed(application, old, new, actor, reason)` is sent by
approvals.services.applications.application_transition inside the transaction that moves the
status, after the history row and the audit record: a receiver's writes commit or roll back with
the move itself.
"""

from django.dispatch import Signal

application_status_changed = Signal()
