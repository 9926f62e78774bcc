"""Pages of coordination matters and meetings. Thin: selectors read (outside scope → 404),
services write and decide who may (PermissionDenied → 403, DomainError → the form shows it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coordination.models import LeadingGroupMember, OrgUnit
from portal.clocks import selectors as clock_selectors
from portal.clocks.models import Signal
from portal.errors import DomainError
from portal.uploads import attachment_response

from . import forms, permissions, selectors, services
from .models import Milestone
from .workflow import ACTIVE_STATES, FINAL_STATES, MatterStatus, allowed_actions


def _require_scope(user):
    if not selectors.has_scope(user):
        raise Http404


def _require_manager(user):
    if not permissions.can_manage(user):
        raise PermissionDenied(_("This is for the smart-city office."))


def _attempt(request, form, call, *, success: str):
    """Run a service; a DomainError lands on the form (on its field when the form has it)."""
    try:
        result = call()
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None
    messages.success(request, success)
    return result or True


# -- matters -------------------------------------------------------------------------------------------


@login_required
def matter_list(request):
    _require_scope(request.user)
    filters = selectors.MatterFilters.from_query(request.GET)
    page = Paginator(selectors.matter_list(user=request.user, filters=filters), 25).get_page(
        request.GET.get("page")
    )
    whole = permissions.sees_whole_programme(request.user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "matters/list.html",
        {
            "page": page,
            "filters": filters,
            "whole": whole,
            "can_manage": permissions.can_manage(request.user),
            "statuses": MatterStatus.choices,
            "signals": [(s, Signal(s).label) for s in (Signal.GREEN, Signal.YELLOW, Signal.RED, Signal.DONE)],
            "units": OrgUnit.objects.filter(led_matters__isnull=False).distinct().order_by("path")
            if whole
            else [],
            "leaders": LeadingGroupMember.objects.filter(matters__isnull=False).distinct() if whole else [],
            "query": query.urlencode(),
        },
    )


def _detail_context(request, matter, **forms_):
    user = request.user
    can_manage = permissions.can_manage(user)
    active = matter.status in ACTIVE_STATES
    actions = allowed_actions(matter.status)
    open_ms = Milestone.objects.filter(matter=matter, done=False)
    context = {
        "matter": matter,
        "tree": selectors.subtree(matter),
        "clocks": clock_selectors.clocks_for(subject=matter),
        "can_manage": can_manage,
        "can_report": active and permissions.can_report(user, matter),
        "can_report_completion": "report_completion" in actions
        and permissions.can_report_completion(user, matter),
        "can_accept": "accept" in actions and permissions.can_accept(user, matter),
        "can_end": can_manage and matter.status not in FINAL_STATES,
        "can_open": can_manage and "open" in actions,
        "can_rate": can_manage and matter.status != MatterStatus.DRAFT,
        "can_milestone": matter.status not in FINAL_STATES
        and (can_manage or permissions.can_report_completion(user, matter)),
        "report_form": forms.ReportForm(milestones=open_ms),
        "milestone_form": forms.MilestoneForm(),
        "completion_form": forms.TextForm(),
        "reason_form": forms.ReasonForm(),
        "rate_form": forms.RateForm(matter=matter),
    }
    context.update(forms_)
    return context


@login_required
def matter_detail(request, pk):
    matter = selectors.matter_detail(user=request.user, pk=pk)
    return render(request, "matters/detail.html", _detail_context(request, matter))


def _rerender(request, pk, **forms_):
    matter = selectors.matter_detail(user=request.user, pk=pk)
    return render(request, "matters/detail.html", _detail_context(request, matter, **forms_), status=400)


@login_required
def matter_create(request):
    _require_manager(request.user)
    parents = selectors.matters_for(request.user).filter(status__in=ACTIVE_STATES | {MatterStatus.DRAFT})
    initial = {}
    if request.GET.get("parent", "").isdigit():
        initial["parent"] = request.GET["parent"]
    form = forms.MatterForm(request.POST or None, parents=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        matter = _attempt(
            request,
            form,
            lambda: services.matter_create(
                actor=request.user,
                title=d["title"],
                description=d["description"],
                raised_by=d["raised_by"],
                lead_unit=d["lead_unit"],
                cooperating_units=list(d["cooperating_units"]),
                limit_days=d["limit_days"],
                responsible_leader=d["responsible_leader"],
                parent=d["parent"],
                weight=d["weight"] or 1,
                open_now=d["open_now"],
            ),
            success=_("The matter has been created."),
        )
        if matter:
            return redirect(matter)
    return render(
        request,
        "matters/form.html",
        {"form": form, "title": _("New coordination matter")},
        status=400 if form.errors else 200,
    )


@login_required
def matter_edit(request, pk):
    _require_manager(request.user)
    matter = selectors.matter_detail(user=request.user, pk=pk)
    initial = {
        "title": matter.title,
        "description": matter.description,
        "cooperating_units": list(matter.cooperating_units.all()),
        "responsible_leader": matter.responsible_leader,
    }
    form = forms.MatterEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _attempt(
            request,
            form,
            lambda: services.matter_update(
                actor=request.user,
                matter=matter,
                title=d["title"],
                description=d["description"],
                cooperating_units=list(d["cooperating_units"]),
                responsible_leader=d["responsible_leader"],
            ),
            success=_("The matter has been saved."),
        ):
            return redirect(matter)
    return render(
        request,
        "matters/form.html",
        {"form": form, "matter": matter, "title": _("Edit the matter")},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def matter_report(request, pk):
    matter = selectors.matter_detail(user=request.user, pk=pk)
    form = forms.ReportForm(
        request.POST, request.FILES, milestones=Milestone.objects.filter(matter=matter, done=False)
    )
    if form.is_valid():
        d = form.cleaned_data
        if _attempt(
            request,
            form,
            lambda: services.progress_report_submit(
                actor=request.user,
                matter=matter,
                text=d["text"],
                percent=d["percent"],
                milestones=[m.pk for m in d["milestones"]],
                files=d["files"],
            ),
            success=_("Your progress report has been recorded."),
        ):
            return redirect(matter)
    return _rerender(request, pk, report_form=form)


@login_required
@require_POST
def milestone_add(request, pk):
    matter = selectors.matter_detail(user=request.user, pk=pk)
    form = forms.MilestoneForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        if _attempt(
            request,
            form,
            lambda: services.milestone_add(
                actor=request.user,
                matter=matter,
                title=d["title"],
                weight=d["weight"],
                due_date=d["due_date"],
                due_days=d["due_days"],
            ),
            success=_("The milestone has been added."),
        ):
            return redirect(matter)
    return _rerender(request, pk, milestone_form=form)


@login_required
@require_POST
def matter_transition(request, pk, action):
    matter = selectors.matter_detail(user=request.user, pk=pk)
    if action == "report-completion":
        form = forms.TextForm(request.POST)
        name, call = (
            "completion_form",
            lambda d: services.matter_report_completion(actor=request.user, matter=matter, text=d["text"]),
        )
    elif action in ("return", "cancel", "close"):
        form = forms.ReasonForm(request.POST)
        fn = {
            "return": services.matter_return,
            "cancel": services.matter_cancel,
            "close": services.matter_close,
        }[action]
        name, call = "reason_form", lambda d: fn(actor=request.user, matter=matter, reason=d["reason"])
    elif action == "accept":
        form = forms.ReasonForm({"reason": "-"})
        name, call = "reason_form", lambda d: services.matter_accept(actor=request.user, matter=matter)
    elif action == "open":
        form = forms.ReasonForm({"reason": "-"})
        name, call = "reason_form", lambda d: services.matter_open(actor=request.user, matter=matter)
    else:
        raise Http404
    if form.is_valid() and _attempt(request, form, lambda: call(form.cleaned_data), success=_("Done.")):
        return redirect(matter)
    return _rerender(request, pk, **{name: form})


@login_required
@require_POST
def matter_rate(request, pk):
    matter = selectors.matter_detail(user=request.user, pk=pk)
    form = forms.RateForm(request.POST, matter=matter)
    if form.is_valid():
        d = form.cleaned_data
        if _attempt(
            request,
            form,
            lambda: services.matter_rate(
                actor=request.user, matter=matter, unit=d["unit"], grade=d["grade"], comment=d["comment"]
            ),
            success=_("The rating has been saved."),
        ):
            return redirect(matter)
    return _rerender(request, pk, rate_form=form)


@login_required
def attachment_download(request, pk):
    """A report's attachment, for those who may see the matter; else 404. Always as attachment."""
    row = selectors.viewable_attachment(user=request.user, pk=pk)
    return attachment_response(row.file, filename=row.original_name, content_type=row.content_type)


# -- meetings ------------------------------------------------------------------------------------------


@login_required
def meeting_list(request):
    _require_scope(request.user)
    page = Paginator(selectors.meeting_list(user=request.user), 25).get_page(request.GET.get("page"))
    return render(
        request, "matters/meetings.html", {"page": page, "can_manage": permissions.can_manage(request.user)}
    )


@login_required
def meeting_create(request):
    _require_manager(request.user)
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        meeting = _attempt(
            request,
            form,
            lambda: services.meeting_create(
                actor=request.user,
                title=d["title"],
                date=d["date"],
                place=d["place"],
                convened_by=d["convened_by"],
            ),
            success=_("The meeting has been planned."),
        )
        if meeting:
            return redirect(meeting)
    return render(
        request,
        "matters/form.html",
        {"form": form, "title": _("New meeting")},
        status=400 if form.errors else 200,
    )


def _meeting_context(request, meeting, **forms_):
    can_manage = permissions.can_manage(request.user)
    context = {
        "meeting": meeting,
        "can_manage": can_manage and meeting.status != "published",
        "can_publish": can_manage and meeting.status == "held",
        "agenda_form": forms.AgendaForm(
            matters=selectors.matters_for(request.user).filter(status__in=ACTIVE_STATES)
        ),
        "attendance_form": forms.AttendanceForm(),
        "minutes_form": forms.MinutesForm(initial={"minutes": meeting.minutes}),
        "decision_form": forms.DecisionForm(),
    }
    context.update(forms_)
    return context


@login_required
def meeting_detail(request, pk):
    meeting = selectors.meeting_detail(user=request.user, pk=pk)
    return render(request, "matters/meeting.html", _meeting_context(request, meeting))


@login_required
@require_POST
def meeting_action(request, pk, action):
    meeting = selectors.meeting_detail(user=request.user, pk=pk)
    user = request.user
    if action == "agenda":
        form = forms.AgendaForm(
            request.POST, matters=selectors.matters_for(user).filter(status__in=ACTIVE_STATES)
        )
        name = "agenda_form"

        def call(d):
            return services.meeting_add_agenda_item(
                actor=user, meeting=meeting, title=d["title"], matters=d["matters"]
            )
    elif action == "attendance":
        form, name = forms.AttendanceForm(request.POST), "attendance_form"

        def call(d):
            return services.meeting_record_attendance(
                actor=user, meeting=meeting, unit=d["unit"], status=d["status"], person=d["person"]
            )
    elif action == "minutes":
        form, name = forms.MinutesForm(request.POST), "minutes_form"
        call = lambda d: services.meeting_record_minutes(actor=user, meeting=meeting, minutes=d["minutes"])  # noqa: E731
    elif action == "publish":
        form, name = forms.MinutesForm({"minutes": "-"}), "minutes_form"
        call = lambda d: services.meeting_publish_minutes(actor=user, meeting=meeting)  # noqa: E731
    elif action == "decision":
        form, name = forms.DecisionForm(request.POST), "decision_form"

        def call(d):
            return services.decision_record(
                actor=user, meeting=meeting, text=d["text"], matters=form.matter_specs()
            )
    else:
        raise Http404
    if form.is_valid() and _attempt(request, form, lambda: call(form.cleaned_data), success=_("Saved.")):
        return redirect(meeting)
    meeting = selectors.meeting_detail(user=user, pk=pk)
    return render(
        request, "matters/meeting.html", _meeting_context(request, meeting, **{name: form}), status=400
    )
