"""Officials' work pages: the window clerk's intake, the reviewers' inbox, the heads' extension
requests and the lead department's consolidation.

Thin: approvals.selectors.work reads (scoped to the user's units; outside scope → 404), the
services write and decide who may (their PermissionDenied → 403 with its message, their
DomainError → the form shows it and nothing changes).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals import forms_work as wf
from approvals import permissions, services
from approvals.models import AcceptanceMode
from approvals.selectors import work as sel
from approvals.services.meetings import MEETING_STATES
from approvals.workflow import TERMINAL_TASK_STATES, ApplicationStatus, TaskStatus
from portal.audit.selectors import audit_events_for
from portal.clocks import services as clock_services
from portal.clocks.models import Signal
from portal.errors import DomainError
from portal.pii_reveal import pii_reveal_value, value_response

A = ApplicationStatus
T = TaskStatus


# -- helpers -------------------------------------------------------------------------------------------


def _require_role(request, *roles):
    if not sel.work_roles(request.user) & set(roles):
        raise PermissionDenied


def _denied(request, exc: PermissionDenied):
    message = str(exc) or _("You may not do this.")
    return render(request, "approvals/work/denied.html", {"message": message}, status=403)


def _act(request, form, call, *, success: str, redirect_to: str, rerender):
    """Validate the form, call the service; on a refusal show its message and change nothing."""
    if not form.is_valid():
        return rerender(form, 400)
    try:
        call(form.cleaned_data)
    except PermissionDenied as exc:
        return _denied(request, exc)
    except DomainError as exc:
        if exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        else:  # about the object's state, not the input: shown above the page
            messages.error(request, exc.message)
        return rerender(form, exc.status_code)
    messages.success(request, success)
    return redirect(redirect_to)


def _act_plain(request, call, *, success: str, redirect_to: str):
    """An action without input (claim, resume, record supplied materials)."""
    try:
        call()
    except PermissionDenied as exc:
        return _denied(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(redirect_to)
    messages.success(request, success)
    return redirect(redirect_to)


def _gantt(rows, today: datetime.date) -> dict | None:
    """Bars from start to due date on one calendar-day scale, with today's position (percent)."""
    dated = [r for r in rows if r["start"] and r["due"]]
    if not dated:
        return None
    first = min(r["start"] for r in dated)
    last = max(max(r["due"] for r in dated), today)
    span = max((last - first).days + 1, 1)

    def pos(day):
        return round(100 * (day - first).days / span, 2)

    bars = []
    for r in dated:
        left = pos(r["start"])
        width = max(round(100 * ((r["due"] - r["start"]).days + 1) / span, 2), 1)
        bars.append({**r, "left": left, "width": min(width, 100 - left)})
    return {"bars": bars, "first": first, "last": last, "today": pos(today), "today_date": today}


# -- landing -------------------------------------------------------------------------------------------


@login_required
def work_home(request):
    counts = sel.work_counts(user=request.user)
    return render(request, "approvals/work/home.html", {"counts": counts})


# -- window clerk --------------------------------------------------------------------------------------


@login_required
def intake(request):
    _require_role(request, sel.CLERK)
    applications = sel.intake_queue(user=request.user)
    return render(request, "approvals/work/intake.html", {"applications": applications})


def _application_page(request, application, status=200, **bound):
    user = request.user
    is_clerk = permissions.can_accept(user, application)
    is_lead = permissions.can_consolidate(user, application)
    tasks = sel.application_tasks(application, user=user, all_tasks=is_clerk or is_lead)
    today = clock_services.local_today()
    clocks = sel.application_clocks(application)
    gantt = None
    if is_lead and tasks:
        promised = next((c for c in clocks if c.purpose == "promised"), None)
        rows = []
        if promised:
            rows.append(
                {
                    "label": _("Whole application"),
                    "start": promised.started_on,
                    "due": promised.due_date,
                    "signal": promised.signal,
                    "overall": True,
                }
            )
        rows += [
            {
                "label": f"{t.department} · {t.item.name}",
                "start": t.review_started,
                "due": t.review_due,
                "signal": t.review_signal,
                "status": t.get_status_display(),
            }
            for t in tasks
        ]
        gantt = _gantt(rows, today)
    context = {
        "application": application,
        "form_rows": sel.form_rows(application),
        "required_materials": sel.required_materials(application),
        "submitted_materials": sel.submitted_materials(application),
        "history": sel.status_history(application),
        "clocks": clocks,
        "events": audit_events_for(obj=application),
        "tasks": tasks,
        "gantt": gantt,
        "is_clerk": is_clerk,
        "is_lead": is_lead,
        "can_check": is_clerk and application.status == A.SUBMITTED,
        "can_request_correction": is_clerk
        and application.status == A.SUBMITTED
        and not any(h.to_status == A.CORRECTION_REQUESTED for h in sel.status_history(application)),
        "can_record_supplement": is_clerk
        and application.acceptance_mode == AcceptanceMode.PLEDGE
        and not application.supplement_received_on
        and application.status in (A.IN_REVIEW, A.CONSOLIDATING, A.AWAITING_SUPPLEMENT),
        "can_consolidate": is_lead and application.status == A.CONSOLIDATING,
        "correction_form": bound.get("correction_form") or wf.CorrectionForm(),
        "not_accept_form": bound.get("not_accept_form") or wf.NotAcceptForm(),
        "accept_form": bound.get("accept_form") or wf.AcceptForm(),
        "consolidate_form": bound.get("consolidate_form") or wf.ConsolidateForm(),
        # Joint-review meetings: listed for everyone who may open the page, recorded by the lead.
        "meetings": application.meetings.select_related("recorded_by")
        .prefetch_related("departments")
        .order_by("-held_on", "-id"),
        "can_record_meeting": is_lead and application.status in MEETING_STATES,
        "meeting_form": bound.get("meeting_form")
        or wf.MeetingForm(application=application, initial={"held_on": today}),
    }
    return render(request, "approvals/work/application.html", context, status=status)


@login_required
def application_detail(request, uuid):
    application = sel.work_application(user=request.user, uuid=uuid)
    return _application_page(request, application)


def _application_action(request, uuid, form_class, form_name, call, success):
    application = sel.work_application(user=request.user, uuid=uuid)
    form = form_class(request.POST)
    return _act(
        request,
        form,
        lambda data: call(application, data),
        success=success,
        redirect_to=reverse("work:application", args=[application.uuid]),
        rerender=lambda f, status: _application_page(request, application, status, **{form_name: f}),
    )


@login_required
@require_POST
def application_correction(request, uuid):
    return _application_action(
        request,
        uuid,
        wf.CorrectionForm,
        "correction_form",
        lambda app, data: services.application_request_correction(
            actor=request.user, application=app, missing=data["missing"].splitlines()
        ),
        _("The correction notice was sent to the applicant."),
    )


@login_required
@require_POST
def application_not_accept(request, uuid):
    return _application_action(
        request,
        uuid,
        wf.NotAcceptForm,
        "not_accept_form",
        lambda app, data: services.application_not_accept(
            actor=request.user, application=app, reasons=data["reasons"]
        ),
        _("The application was not accepted; the applicant is told the reasons."),
    )


@login_required
@require_POST
def application_accept(request, uuid):
    return _application_action(
        request,
        uuid,
        wf.AcceptForm,
        "accept_form",
        lambda app, data: services.application_accept(
            actor=request.user, application=app, mode=data["mode"], supplement_due=data["supplement_due"]
        ),
        _("The application was accepted and sent to the departments for review."),
    )


@login_required
@require_POST
def application_supplement(request, uuid):
    application = sel.work_application(user=request.user, uuid=uuid)
    return _act_plain(
        request,
        lambda: services.application_supplement_received(actor=request.user, application=application),
        success=_("The pledged materials were recorded as supplied."),
        redirect_to=reverse("work:application", args=[application.uuid]),
    )


@login_required
@require_POST
def application_decide(request, uuid):
    return _application_action(
        request,
        uuid,
        wf.ConsolidateForm,
        "consolidate_form",
        lambda app, data: services.application_decide(
            actor=request.user, application=app, grant=data["grant"], reasons=data["reasons"]
        ),
        _("The decision on the application was recorded."),
    )


@login_required
@require_POST
def application_form_value(request, uuid, key):
    """One ID number or phone number of the form in full, for an official working on the
    application (others: 404); the view is recorded in the audit trail."""
    application, row = sel.form_value(user=request.user, uuid=uuid, key=key)
    value = pii_reveal_value(
        actor=request.user,
        obj=application,
        field=f"form_data.{key}",
        value=row.value,
        purpose="application review",
    )
    back = reverse("work:application", args=[application.uuid])
    return value_response(request, value=value, label=row.label, back_url=back)


@login_required
@require_POST
def application_meeting(request, uuid):
    application = sel.work_application(user=request.user, uuid=uuid)
    form = wf.MeetingForm(request.POST, application=application)
    return _act(
        request,
        form,
        lambda data: services.review_meeting_record(
            actor=request.user,
            application=application,
            held_on=data["held_on"],
            place=data["place"],
            departments=data["departments"],
            attendees=data["attendees"],
            minutes=data["minutes"],
            conclusions=data["conclusions"],
        ),
        success=_("The joint-review meeting was recorded; the departments' reviewers are told."),
        redirect_to=reverse("work:application", args=[application.uuid]),
        rerender=lambda f, status: _application_page(request, application, status, meeting_form=f),
    )


# -- reviewers -----------------------------------------------------------------------------------------


@login_required
def inbox(request):
    _require_role(request, sel.REVIEWER)
    filters = sel.InboxFilters.from_query(request.GET)
    page = sel.inbox_page(user=request.user, filters=filters)
    return render(
        request,
        "approvals/work/inbox.html",
        {
            "page": page,
            "filters": filters,
            "statuses": T.choices,
            "signals": Signal.choices,
        },
    )


def _task_page(request, task, status=200, **bound):
    user = request.user
    application = task.application
    is_reviewer = permissions.can_review(user, task)
    is_head = permissions.can_approve_extension(user, task)
    mine_or_free = not task.assignee_id or task.assignee_id == user.pk
    open_ = task.status not in TERMINAL_TASK_STATES
    context = {
        "task": task,
        "application": application,
        "form_rows": sel.form_rows(application),
        "required_materials": sel.required_materials(application),
        "submitted_materials": sel.submitted_materials(application),
        "clock": sel.task_clock(task),
        "events": audit_events_for(obj=task),
        "is_reviewer": is_reviewer,
        "is_head": is_head,
        "can_claim": is_reviewer and task.status == T.PENDING,
        "can_work": is_reviewer and task.status == T.IN_REVIEW and mine_or_free,
        "can_resume": is_reviewer and task.status == T.SUSPENDED,
        "can_decide_extension": is_head and task.status == T.EXTENSION_PENDING,
        "is_open": open_,
        "procedures_allowed": bool(task.item.clock_stop_procedures),
        "suspend_form": bound.get("suspend_form") or wf.SuspendForm(item=task.item),
        "extension_form": bound.get("extension_form") or wf.ExtensionRequestForm(item=task.item),
        "decide_form": bound.get("decide_form") or wf.DecideForm(),
        "extension_decision_form": bound.get("extension_decision_form") or wf.ExtensionDecisionForm(),
    }
    return render(request, "approvals/work/task.html", context, status=status)


@login_required
def task_detail(request, pk):
    task = sel.work_task(user=request.user, pk=pk)
    return _task_page(request, task)


def _task_action(request, pk, form_name, make_form, call, success, redirect_name="work:task"):
    task = sel.work_task(user=request.user, pk=pk)
    form = make_form(task)
    args = [task.pk] if redirect_name == "work:task" else []
    return _act(
        request,
        form,
        lambda data: call(task, data),
        success=success,
        redirect_to=reverse(redirect_name, args=args),
        rerender=lambda f, status: _task_page(request, task, status, **{form_name: f}),
    )


@login_required
@require_POST
def task_claim(request, pk):
    task = sel.work_task(user=request.user, pk=pk)
    return _act_plain(
        request,
        lambda: services.task_claim(actor=request.user, task=task),
        success=_("You have claimed this task."),
        redirect_to=reverse("work:task", args=[task.pk]),
    )


@login_required
@require_POST
def task_resume(request, pk):
    task = sel.work_task(user=request.user, pk=pk)
    return _act_plain(
        request,
        lambda: services.task_resume(actor=request.user, task=task),
        success=_("The review resumed; its clock runs again."),
        redirect_to=reverse("work:task", args=[task.pk]),
    )


@login_required
@require_POST
def task_suspend(request, pk):
    return _task_action(
        request,
        pk,
        "suspend_form",
        lambda task: wf.SuspendForm(request.POST, item=task.item),
        lambda task, data: services.task_suspend(
            actor=request.user,
            task=task,
            procedure=data["procedure"],
            reason=data["reason"],
            expected_days=data["expected_days"],
        ),
        _("The review is suspended for the special procedure; its clock is paused."),
    )


@login_required
@require_POST
def task_extension(request, pk):
    return _task_action(
        request,
        pk,
        "extension_form",
        lambda task: wf.ExtensionRequestForm(request.POST, item=task.item),
        lambda task, data: services.task_request_extension(
            actor=request.user, task=task, days=data["days"], reason=data["reason"]
        ),
        _("The extension was requested from the head of the department."),
    )


@login_required
@require_POST
def task_decide(request, pk):
    return _task_action(
        request,
        pk,
        "decide_form",
        lambda task: wf.DecideForm(request.POST),
        lambda task, data: services.task_decide(
            actor=request.user,
            task=task,
            decision=data["decision"],
            opinion=data["opinion"],
            conditions=data["conditions"],
        ),
        _("Your decision was recorded."),
    )


# -- heads ---------------------------------------------------------------------------------------------


@login_required
def extensions(request):
    _require_role(request, sel.HEAD)
    return render(
        request,
        "approvals/work/extensions.html",
        {"tasks": sel.extension_queue(user=request.user), "form": wf.ExtensionDecisionForm()},
    )


@login_required
@require_POST
def task_extension_decide(request, pk):
    next_url = request.POST.get("next") == "extensions"
    return _task_action(
        request,
        pk,
        "extension_decision_form",
        lambda task: wf.ExtensionDecisionForm(request.POST),
        lambda task, data: services.task_extension_decide(
            actor=request.user,
            task=task,
            approve=data["approve"],
            days=data["days"] or 0,
            reason=data["reason"],
        ),
        _("The decision on the extension was recorded."),
        redirect_name="work:extensions" if next_url else "work:task",
    )


# -- lead department -----------------------------------------------------------------------------------


@login_required
def lead(request):
    _require_role(request, sel.LEAD)
    page = sel.lead_queue(user=request.user, page=request.GET.get("page"))
    return render(request, "approvals/work/lead.html", {"page": page})
