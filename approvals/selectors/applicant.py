"""Reads for applicants: their own applications, one application in full, the public tracking answer.

Applicants reach an application by its UUID and see it only if it is theirs; anything else is
404 (never 403), so nobody learns that an application exists. Files are readable by the
applicant and by officials who may see the application (approvals.permissions).
"""

from __future__ import annotations

import hmac

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404

from approvals import permissions
from approvals.models import Application, ApplicationMaterial, DepartmentTask, StatusChange
from approvals.services.applicant import (
    EDITABLE_STATES,
    SUPPLY_STATES,
    form_specs,
    material_slots,
)
from approvals.workflow import OPEN_APPLICATION_STATES, TERMINAL_TASK_STATES, ApplicationStatus
from portal.clocks.selectors import clocks_for

A = ApplicationStatus
MINE_PAGE_SIZE = 20

# Bootstrap badge colour per status, for lists and headers.
STATUS_BADGES = {
    A.DRAFT: "text-bg-secondary",
    A.SUBMITTED: "text-bg-info",
    A.CORRECTION_REQUESTED: "text-bg-warning",
    A.NOT_ACCEPTED: "text-bg-danger",
    A.ACCEPTED: "text-bg-primary",
    A.IN_REVIEW: "text-bg-primary",
    A.CONSOLIDATING: "text-bg-primary",
    A.AWAITING_SUPPLEMENT: "text-bg-warning",
    A.GRANTED: "text-bg-success",
    A.REFUSED: "text-bg-danger",
    A.PUBLISHED: "text-bg-success",
    A.ISSUED: "text-bg-success",
    A.DELIVERED: "text-bg-success",
    A.ARCHIVED: "text-bg-light",
    A.WITHDRAWN: "text-bg-light",
    A.TERMINATED: "text-bg-dark",
    A.REVOKED: "text-bg-dark",
}
TASK_BADGES = {
    "pending": "text-bg-secondary",
    "in_review": "text-bg-primary",
    "suspended": "text-bg-dark",
    "extension_pending": "text-bg-warning",
    "approved": "text-bg-success",
    "approved_conditions": "text-bg-success",
    "rejected": "text-bg-danger",
    "cancelled": "text-bg-light border",
}
DECIDED_STATES = frozenset(
    {A.GRANTED, A.REFUSED, A.PUBLISHED, A.ISSUED, A.DELIVERED, A.ARCHIVED, A.REVOKED, A.AWAITING_SUPPLEMENT}
)


def badge(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-secondary")


def my_applications(*, user) -> QuerySet[Application]:
    """The user's own applications, newest first (index application_by_applicant)."""
    return (
        Application.objects.filter(applicant_id=user.pk)
        .select_related("item", "package")
        .order_by("-created_at", "-pk")
    )


def my_applications_page(*, user, page=1):
    """One page of the user's applications; a fixed number of queries whatever their number."""
    page_obj = Paginator(my_applications(user=user), MINE_PAGE_SIZE).get_page(page)
    for application in page_obj.object_list:
        application.badge = badge(application.status)
    return page_obj


def viewable_material(*, user, uuid, pk) -> ApplicationMaterial:
    """A stored file of an application the user may see (applicant or concerned official), else 404."""
    try:
        application = Application.objects.get(uuid=uuid)
    except (Application.DoesNotExist, ValueError):
        raise Http404 from None
    if not permissions.can_view_application(user, application):
        raise Http404
    try:
        row = ApplicationMaterial.objects.get(application=application, pk=pk)
    except (ApplicationMaterial.DoesNotExist, ValueError):
        raise Http404 from None
    if not row.file:
        raise Http404
    row.application = application
    return row


def _task_rows(application: Application, decided: bool) -> list[dict]:
    tasks = DepartmentTask.objects.filter(application=application).select_related("item", "department")
    rows = []
    for task in tasks.order_by("pk"):
        clocks = clocks_for(subject=task)
        rows.append(
            {
                "task": task,
                "department": task.department,
                "item": task.item,
                "status": task.get_status_display(),
                "terminal": task.status in TERMINAL_TASK_STATES,
                # Officials' opinions stay internal until the application is decided.
                "conditions": task.conditions if decided else "",
                "opinion": task.opinion if decided and task.status == "rejected" else "",
                "clock": clocks[0] if clocks else None,
            }
        )
    return rows


def application_detail(*, application: Application) -> dict:
    """Everything the applicant's detail page shows. The caller has checked who is asking."""
    history = list(
        StatusChange.objects.filter(application=application).select_related("actor").order_by("at", "pk")
    )
    correction = next(
        (h for h in reversed(history) if h.to_status == A.CORRECTION_REQUESTED and h.reason), None
    )
    rows = list(
        ApplicationMaterial.objects.filter(application=application).select_related("material").order_by("pk")
    )
    slots, extras = material_slots(application, rows)
    specs = form_specs(application)
    data = application.form_data or {}
    decided = application.status in DECIDED_STATES
    clocks = clocks_for(subject=application)
    return {
        "application": application,
        "badge": badge(application.status),
        "history": history,
        "correction": correction,
        "correction_lines": [line for line in correction.reason.splitlines() if line.strip()]
        if correction
        else [],
        "clocks": clocks,
        "tasks": _task_rows(application, decided),
        "decided": decided,
        "answers": [{"label": s.label, "value": data.get(s.key, ""), "kind": s.kind} for s in specs],
        "slots": slots,
        "extras": extras,
        "pledges_outstanding": [s for s in slots if s.pledged],
        "can_edit": application.status in EDITABLE_STATES,
        "can_withdraw": application.status in OPEN_APPLICATION_STATES,
        "can_supply": (
            application.status in SUPPLY_STATES
            and application.acceptance_mode == "pledge"
            and not application.supplement_received_on
            and any(s.pledged for s in slots)
        ),
    }


def tracking_lookup(*, number: str, query_code: str) -> dict | None:
    """The public tracking answer: minimal data, no personal data; None when the pair is wrong."""
    if not number or not query_code:
        return None
    application = (
        Application.objects.filter(number=number)
        .select_related("item", "package")
        .only(
            "number",
            "query_code",
            "status",
            "received_on",
            "accepted_on",
            "decided_on",
            "item__name",
            "package__name",
        )
        .first()
    )
    if application is None or not application.query_code:
        return None
    if not hmac.compare_digest(application.query_code, query_code):
        return None
    return {
        "number": application.number,
        "subject": application.subject_name,
        "status": application.get_status_display(),
        "badge": badge(application.status),
        "received_on": application.received_on,
        "accepted_on": application.accepted_on,
        "decided_on": application.decided_on,
    }


__all__ = [
    "application_detail",
    "badge",
    "my_applications",
    "my_applications_page",
    "tracking_lookup",
    "viewable_material",
]
