"""The state machines of a catalogue resource, a data request and an agreement, as plain tables.

Services ask `check(kind, current, target)` before they move a status; nothing else assigns a
status field. Who may fire each transition is decided by the service with sharing.permissions.
"""

from django.utils.translation import gettext

from portal.errors import TransitionNotAllowed

from .models import AgreementStatus, RequestStatus, ResourceStatus

R = ResourceStatus
Q = RequestStatus
G = AgreementStatus

RESOURCE_TRANSITIONS = {
    R.DRAFT: {R.SUBMITTED, R.WITHDRAWN},
    R.SUBMITTED: {R.APPROVED, R.DRAFT},  # the data authority approves or sends back
    R.APPROVED: {R.PUBLISHED, R.DRAFT},
    # A published resource may be revised (back to draft while its current version stays valid).
    R.PUBLISHED: {R.WITHDRAWN, R.DRAFT},
    R.WITHDRAWN: {R.DRAFT},
}

REQUEST_TRANSITIONS = {
    Q.DRAFT: {Q.SUBMITTED, Q.WITHDRAWN},
    Q.SUBMITTED: {Q.AUTHORITY_REVIEW, Q.WITHDRAWN},
    Q.AUTHORITY_REVIEW: {Q.APPROVED, Q.PROVIDER_REVIEW, Q.NEGOTIATION, Q.REJECTED, Q.WITHDRAWN},
    Q.PROVIDER_REVIEW: {Q.APPROVED, Q.REJECTED, Q.NEGOTIATION, Q.WITHDRAWN},
    Q.NEGOTIATION: {Q.APPROVED, Q.COORDINATION, Q.WITHDRAWN},
    Q.COORDINATION: {Q.APPROVED, Q.REJECTED, Q.WITHDRAWN},
    Q.APPROVED: set(),
    Q.REJECTED: set(),
    Q.WITHDRAWN: set(),
}

AGREEMENT_TRANSITIONS = {
    G.ACTIVE: {G.SUSPENDED, G.REVOKED, G.EXPIRED, G.SUPERSEDED},
    G.SUSPENDED: {G.ACTIVE, G.REVOKED, G.EXPIRED, G.SUPERSEDED},
    G.REVOKED: set(),
    G.EXPIRED: set(),
    G.SUPERSEDED: set(),
}

TABLES = {
    "resource": RESOURCE_TRANSITIONS,
    "request": REQUEST_TRANSITIONS,
    "agreement": AGREEMENT_TRANSITIONS,
}
LABELS = {"resource": ResourceStatus, "request": RequestStatus, "agreement": AgreementStatus}


def allowed(kind: str, current: str, target: str) -> bool:
    return target in TABLES[kind].get(current, set())


def check(kind: str, current: str, target: str) -> None:
    if not allowed(kind, current, target):
        labels = LABELS[kind]
        raise TransitionNotAllowed(
            gettext("This cannot move from “%(current)s” to “%(target)s”.")
            % {"current": labels(current).label, "target": labels(target).label}
        )
