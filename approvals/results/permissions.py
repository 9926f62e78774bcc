"""Who may see and do what with certificates, publication and delivery. The one place that says so.

The public register and the verify page are open to everyone (no login) and show only the masked,
frozen snapshots. Everything else follows the application: its applicant, and the window clerks
of its lead department, who issue certificates and record their delivery (行政许可法 art. 44).
"""

from __future__ import annotations

from approvals import permissions as approvals_permissions


def is_applicant(user, application) -> bool:
    return bool(user and user.is_authenticated and user.is_active and application.applicant_id == user.pk)


def can_issue(user, application) -> bool:
    """Window clerks of the lead department issue the certificates and hand them over."""
    return approvals_permissions.holds_role(user, application.lead_department_id, "window_clerk")


def can_record_delivery(user, application) -> bool:
    return can_issue(user, application)


def can_see_delivery_phone(user, application) -> bool:
    """The delivery phone in full: the applicant (their own) and the window clerk who arranges
    the express delivery. Everyone else sees it masked."""
    return is_applicant(user, application) or can_record_delivery(user, application)


def can_download(user, application) -> bool:
    """The applicant, and officials who may see the application (lead or reviewing departments)."""
    return approvals_permissions.can_view_application(user, application)


def can_confirm_receipt(user, application, delivery) -> bool:
    """An express parcel's receipt is confirmed by the applicant or a clerk; a pickup, by the clerk
    who hands it over."""
    if delivery.method == "express" and is_applicant(user, application):
        return True
    return can_record_delivery(user, application)
