"""Pages of electronic supervision. Thin: selectors read (scoped; outside scope → 404), services
write and decide who may (PermissionDenied → 403, DomainError → the form shows it)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals.models import Application
from approvals.selectors.work import unit_ids
from portal.clocks import selectors as clock_selectors
from portal.clocks import services as clock_services
from portal.clocks.models import Clock, Signal
from portal.errors import DomainError

from . import forms, permissions, selectors, services, stats
from .live import live_signal
from .models import NoticeStatus


def _require_supervisor(request) -> list[str]:
    paths = permissions.supervised_paths(request.user)
    if not paths:
        raise PermissionDenied(_("This page is for electronic supervisors."))
    return paths


# -- dashboard -----------------------------------------------------------------------------------------


@login_required
def dashboard(request):
    paths = _require_supervisor(request)
    filters = selectors.DashboardFilters.from_query(request.GET)
    board = selectors.dashboard(user=request.user, filters=filters)
    return render(
        request,
        "supervision/dashboard.html",
        {
            "board": board,
            "page": board.page,
            "filters": filters,
            "signals": [(s, Signal(s).label) for s in selectors.SIGNALS],
            "governments": selectors.government_names(paths),
            **selectors.filter_choices(user=request.user),
        },
    )


@login_required
def clock_ledger(request, pk):
    """One review or promised clock with its ledger, for a supervisor whose scope holds it."""
    _require_supervisor(request)
    clock = Clock.objects.filter(pk=pk, purpose__in=("review", "promised")).first()
    if clock is None:
        raise Http404
    subject = clock.subject
    application = subject if isinstance(subject, Application) else getattr(subject, "application", None)
    unit = (
        subject.lead_department if isinstance(subject, Application) else getattr(subject, "department", None)
    )
    if application is None or unit is None or not permissions.can_supervise_unit(request.user, unit):
        raise Http404
    clock = clock_selectors.clocks_for(subject=subject)
    clock = next(c for c in clock if c.pk == int(pk))
    return render(
        request, "supervision/clock.html", {"clock": clock, "application": application, "subject": subject}
    )


# -- notices -------------------------------------------------------------------------------------------


@login_required
def notice_issue(request):
    _require_supervisor(request)
    source = request.POST if request.method == "POST" else request.GET
    application, task = selectors.subject_for_issue(
        user=request.user, application_uuid=source.get("application"), task_id=source.get("task") or None
    )
    form = forms.IssueForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_issue(
                actor=request.user, application=application, task=task, text=form.cleaned_data["text"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.status_code
        else:
            messages.success(request, _("Supervision notice %(number)s issued.") % {"number": notice.number})
            return redirect("supervision:dashboard")
    elif request.method == "POST":
        status = 400
    clock = services.subject_clock(application, task)
    live = live_signal(clock, clock_services.local_today()) if clock else None
    return render(
        request,
        "supervision/issue.html",
        {"form": form, "application": application, "task": task, "clock": clock, "live": live},
        status=status,
    )


def _can_see_notices(user) -> bool:
    if permissions.overseen_paths(user):
        return True
    return (
        bool(permissions.supervised_paths(user))
        or unit_ids(user, "reviewer", "head", "lead_coordinator").exists()
    )


@login_required
def notice_list(request):
    if not _can_see_notices(request.user):
        raise PermissionDenied(_("This page is for supervisors and the departments they supervise."))
    status = request.GET.get("status", "open")
    try:
        page_number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page_number = 1
    page = selectors.notice_list(user=request.user, status=status, page=page_number)
    task_units = set(unit_ids(request.user, "reviewer", "head").values_list("unit_id", flat=True))
    application_units = set(
        unit_ids(request.user, "lead_coordinator", "head").values_list("unit_id", flat=True)
    )
    for notice in page.object_list:
        units = task_units if notice.task_id else application_units
        notice.answerable = notice.status in (NoticeStatus.OPEN, NoticeStatus.ESCALATED) and (
            notice.department_id in units
        )
    return render(
        request,
        "supervision/notices.html",
        {"page": page, "status": status, "statuses": NoticeStatus.choices},
    )


def _notice_page(request, notice, status=200, **bound):
    user = request.user
    context = {
        "notice": notice,
        "can_respond": notice.status in (NoticeStatus.OPEN, NoticeStatus.ESCALATED)
        and permissions.can_respond(user, notice),
        "can_close": notice.status != NoticeStatus.CLOSED and permissions.can_close(user, notice),
        "respond_form": bound.get("respond_form") or forms.RespondForm(),
        "close_form": bound.get("close_form") or forms.CloseForm(),
        "clock": services.notice_clock(notice),
    }
    return render(request, "supervision/notice.html", context, status=status)


@login_required
def notice_detail(request, pk):
    return _notice_page(request, selectors.notice_get(user=request.user, pk=pk))


def _notice_action(request, pk, form_class, form_name, call, success):
    notice = selectors.notice_get(user=request.user, pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _notice_page(request, notice, 400, **{form_name: form})
    try:
        call(notice, form.cleaned_data)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _notice_page(request, notice, exc.status_code, **{form_name: form})
    messages.success(request, success)
    return redirect("supervision:notice", pk=notice.pk)


@login_required
@require_POST
def notice_respond(request, pk):
    return _notice_action(
        request,
        pk,
        forms.RespondForm,
        "respond_form",
        lambda notice, data: services.notice_respond(
            actor=request.user, notice=notice, response=data["response"]
        ),
        _("The response was recorded."),
    )


@login_required
@require_POST
def notice_close(request, pk):
    return _notice_action(
        request,
        pk,
        forms.CloseForm,
        "close_form",
        lambda notice, data: services.notice_close(actor=request.user, notice=notice, reason=data["reason"]),
        _("The notice was closed."),
    )


# -- statistics ----------------------------------------------------------------------------------------


def _month(request):
    today = clock_services.local_today()
    try:
        return stats.parse_month(request.GET.get("month"), today=today), None
    except DomainError as exc:
        return stats.parse_month(None, today=today), exc.message


@login_required
def statistics(request):
    paths = _require_supervisor(request)
    (first, last), error = _month(request)
    if error:
        messages.error(request, error)
    figures = stats.monthly_stats(first=first, last=last, paths=paths)
    return render(request, "supervision/stats.html", {"stats": figures, "public": False})


@login_required
def statistics_xlsx(request):
    paths = _require_supervisor(request)
    (first, last), error = _month(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    figures = stats.monthly_stats(first=first, last=last, paths=paths)
    buffer = io.BytesIO()
    stats.to_workbook(figures).save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="supervision-{figures.month}.xlsx"'
    return response


def public(request):
    """The public monthly page: per department and per item, no people, no application numbers."""
    (first, last), error = _month(request)
    figures = stats.monthly_stats(first=first, last=last, paths=None)
    return render(request, "supervision/public.html", {"stats": figures, "public": True, "error": error})
