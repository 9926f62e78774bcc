"""Signals of the sharing app, sent inside the transaction of the change (receivers' writes commit
or roll back with it).

- ``request_status_changed(sender=DataRequest, request, old, new)``
- ``agreement_status_changed(sender=Agreement, agreement, old, new)`` — also for a new agreement
  (``old=None``) and for the new version written by a renewal. The exchange listens here, e.g. to
  revoke the credentials of a suspended, revoked, expired or superseded agreement.
"""

from django.dispatch import Signal

request_status_changed = Signal()
agreement_status_changed = Signal()
