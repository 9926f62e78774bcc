"""The state machines of an application and of a department task (DOMAIN.md §3), as plain tables.

Services ask `check_application(current, target)` / `check_task(current, target)` before they
move a status; nothing else assigns a status field. Who may fire a transition is decided by the
service with approvals.permissions (the clerk accepts, the reviewer decides, the lead
consolidates, the applicant submits and withdraws).
"""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.errors import TransitionNotAllowed


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CORRECTION_REQUESTED = "correction", _("Correction requested")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    ACCEPTED = "accepted", _("Accepted")
    IN_REVIEW = "in_review", _("In review")
    CONSOLIDATING = "consolidating", _("Consolidating")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Awaiting pledged materials")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    PUBLISHED = "published", _("Published")
    ISSUED = "issued", _("Certificate issued")
    DELIVERED = "delivered", _("Delivered")
    ARCHIVED = "archived", _("Archived")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    TERMINATED = "terminated", _("Terminated")
    REVOKED = "revoked", _("Revoked")


class TaskStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    IN_REVIEW = "in_review", _("In review")
    SUSPENDED = "suspended", _("Suspended")
    EXTENSION_PENDING = "extension_pending", _("Extension requested")
    APPROVED = "approved", _("Approved")
    APPROVED_WITH_CONDITIONS = "approved_conditions", _("Approved with conditions")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


A = ApplicationStatus
T = TaskStatus

# States from which the applicant may withdraw (any open state, DOMAIN §3).
OPEN_APPLICATION_STATES = frozenset(
    {
        A.DRAFT,
        A.SUBMITTED,
        A.CORRECTION_REQUESTED,
        A.ACCEPTED,
        A.IN_REVIEW,
        A.CONSOLIDATING,
        A.AWAITING_SUPPLEMENT,
    }
)

APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    A.DRAFT: frozenset({A.SUBMITTED}),
    A.SUBMITTED: frozenset({A.CORRECTION_REQUESTED, A.NOT_ACCEPTED, A.ACCEPTED}),
    A.CORRECTION_REQUESTED: frozenset({A.SUBMITTED}),
    # TERMINATED: pledged (容缺) materials not supplied in time, at any point after acceptance.
    A.ACCEPTED: frozenset({A.IN_REVIEW, A.TERMINATED}),
    A.IN_REVIEW: frozenset({A.CONSOLIDATING, A.TERMINATED}),
    A.CONSOLIDATING: frozenset({A.AWAITING_SUPPLEMENT, A.GRANTED, A.REFUSED, A.TERMINATED}),
    A.AWAITING_SUPPLEMENT: frozenset({A.GRANTED, A.REFUSED, A.TERMINATED}),
    A.GRANTED: frozenset({A.PUBLISHED, A.REVOKED}),
    A.PUBLISHED: frozenset({A.ISSUED, A.REVOKED}),
    A.ISSUED: frozenset({A.DELIVERED, A.REVOKED}),
    A.DELIVERED: frozenset({A.ARCHIVED, A.REVOKED}),
    A.REFUSED: frozenset({A.ARCHIVED}),
    A.NOT_ACCEPTED: frozenset({A.ARCHIVED}),
    A.WITHDRAWN: frozenset({A.ARCHIVED}),
    A.TERMINATED: frozenset({A.ARCHIVED}),
    A.REVOKED: frozenset({A.ARCHIVED}),
    A.ARCHIVED: frozenset(),
}
for _state in OPEN_APPLICATION_STATES:
    APPLICATION_TRANSITIONS[_state] = APPLICATION_TRANSITIONS[_state] | {A.WITHDRAWN}

TERMINAL_TASK_STATES = frozenset({T.APPROVED, T.APPROVED_WITH_CONDITIONS, T.REJECTED, T.CANCELLED})
DECISIONS = (T.APPROVED, T.APPROVED_WITH_CONDITIONS, T.REJECTED)
OPEN_TASK_STATES = tuple(s for s in T.values if s not in TERMINAL_TASK_STATES)

TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    T.PENDING: frozenset({T.IN_REVIEW, T.CANCELLED}),
    T.IN_REVIEW: frozenset({T.SUSPENDED, T.EXTENSION_PENDING, *DECISIONS, T.CANCELLED}),
    T.SUSPENDED: frozenset({T.IN_REVIEW, T.CANCELLED}),
    T.EXTENSION_PENDING: frozenset({T.IN_REVIEW, T.CANCELLED}),
    T.APPROVED: frozenset(),
    T.APPROVED_WITH_CONDITIONS: frozenset(),
    T.REJECTED: frozenset(),
    T.CANCELLED: frozenset(),
}


def _refuse(kind: str, current, target, labels) -> None:
    raise TransitionNotAllowed(
        gettext("%(kind)s cannot go from “%(current)s” to “%(target)s”.")
        % {"kind": kind, "current": labels(current).label, "target": labels(target).label}
    )


def check_application(current: str, target: str) -> None:
    if target not in APPLICATION_TRANSITIONS[current]:
        _refuse(gettext("An application"), current, target, ApplicationStatus)


def check_task(current: str, target: str) -> None:
    if target not in TASK_TRANSITIONS[current]:
        _refuse(gettext("A department task"), current, target, TaskStatus)
