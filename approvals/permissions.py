"""Who may do what with the approval catalogue. The one place that says so.

The public service guide is open to everyone (no login). The catalogue is maintained in Django
admin: superusers, or staff granted the model permissions there.
"""

from __future__ import annotations


def _admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and (user.is_superuser or user.is_staff))


def can_publish_item(user) -> bool:
    return _admin(user) and (user.is_superuser or user.has_perm("approvals.change_item"))


def can_publish_package(user) -> bool:
    return _admin(user) and (user.is_superuser or user.has_perm("approvals.change_package"))
