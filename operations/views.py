"""The PPP pages. Thin: selectors read (a project outside the user's scope → 404), services write
and decide who may (a DomainError shows as a message and nothing changes). Pages a user may not use
at all answer 403. The public disclosure pages, the catalogue and the OCDS export of published
projects need no login.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from operations import benchmarks, integrity, ocds, permissions, selectors, services
from operations.forms import BenchmarkImportForm, FlagResolveForm, ProjectFilterForm, TransitionForm
from operations.models import CostBenchmark, IntegrityFlag, Project
from portal.errors import DomainError


def _ppp_user(request):
    if not permissions.can_use_ppp(request.user):
        raise PermissionDenied


@login_required
def project_list(request):
    _ppp_user(request)
    form = ProjectFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    projects = selectors.project_list(user=request.user, filters=filters)
    return render(
        request,
        "operations/project_list.html",
        {"form": form, "projects": projects, "can_import": permissions.can_import_benchmarks(request.user)},
    )


@login_required
def project_detail(request, code):
    _ppp_user(request)
    project = selectors.project_get(user=request.user, code=code)
    user = request.user
    context = {
        "project": project,
        **selectors.project_detail(project=project),
        "can_edit": permissions.can_edit_project(user, project),
        "can_approve": permissions.can_approve_stage(user, project),
        "can_review": permissions.can_review_flags(user, project),
        "next_stages": services.allowed_next_stages(project),
        "transition_form": TransitionForm(),
        "resolve_form": FlagResolveForm(),
        "show_performance": True,  # the performance app fills its panel
    }
    return render(request, "operations/project_detail.html", context)


@login_required
@require_POST
def project_transition(request, code):
    _ppp_user(request)
    project = selectors.project_get(user=request.user, code=code)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the next stage and the date."))
    else:
        try:
            services.project_transition(actor=request.user, project=project, **form.cleaned_data)
            messages.success(request, _("The stage transition is recorded."))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("operations:project", code=project.code)


@login_required
@require_POST
def tender_check(request, code, tender_id):
    _ppp_user(request)
    project = selectors.project_get(user=request.user, code=code)
    tender = get_object_or_404(project.tenders, pk=tender_id)
    flags = integrity.integrity_check(actor=request.user, tender=tender)
    messages.success(request, _("Integrity checked: %(count)d flags.") % {"count": len(flags)})
    return redirect("operations:project", code=project.code)


@login_required
@require_POST
def flag_resolve(request, code, flag_id):
    _ppp_user(request)
    project = selectors.project_get(user=request.user, code=code)
    flag = get_object_or_404(IntegrityFlag, pk=flag_id, tender__project=project)
    form = FlagResolveForm(request.POST)
    if form.is_valid():
        try:
            integrity.flag_resolve(actor=request.user, flag=flag, **form.cleaned_data)
            messages.success(request, _("The flag is resolved."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Choose a resolution."))
    return redirect("operations:project", code=project.code)


@login_required
def benchmark_import(request):
    if not permissions.can_import_benchmarks(request.user):
        raise PermissionDenied
    report = None
    form = BenchmarkImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = benchmarks.benchmarks_import(
            actor=request.user, fileobj=upload, filename=upload.name, dry_run=form.cleaned_data["dry_run"]
        )
        status = 200 if report.ok else 400
    return render(
        request,
        "operations/benchmarks.html",
        {"form": form, "report": report, "benchmarks": CostBenchmark.objects.all()[:200]},
        status=status,
    )


@login_required
def benchmark_template(request):
    if not permissions.can_import_benchmarks(request.user):
        raise PermissionDenied
    response = HttpResponse(
        benchmarks.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="cost-benchmarks.xlsx"'
    return response


# -- Public ----------------------------------------------------------------------------------------


def public_list(request):
    return render(request, "operations/public_list.html", {"projects": selectors.published_projects()})


def public_project(request, code):
    project = selectors.published_project_get(code=code)
    context = {
        "project": project,
        "documents": selectors.disclosed_documents(project),
        "milestones": list(project.milestones.all()),
        "risks": list(project.risks.all()),
        "transitions": list(project.transitions.all()),
        "tariffs": list(project.tariffs.all()),
        "show_performance": True,
    }
    return render(request, "operations/public_project.html", context)


def public_catalogue(request):
    return render(request, "operations/catalogue.html", {"entries": selectors.catalogue_public()})


def _export_project(request, code) -> Project:
    """Published projects are public; unpublished ones only for users who may see them."""
    project = (
        Project.objects.filter(code=code)
        .select_related("implementing_agency", "industry_authority", "finance_department", "project_company")
        .first()
    )
    if project is None:
        raise Http404
    if not project.published:
        project = selectors.project_get(user=request.user, code=code)
    return project


def _json(data) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})


def ocds_record(request, code):
    project = _export_project(request, code)
    uri = request.build_absolute_uri(reverse("operations:ocds-record", args=[code]))
    releases_uri = request.build_absolute_uri(reverse("operations:ocds-releases", args=[code]))
    return _json(ocds.record_package(project, uri=uri, releases_uri=releases_uri))


def ocds_releases(request, code):
    project = _export_project(request, code)
    uri = request.build_absolute_uri(reverse("operations:ocds-releases", args=[code]))
    return _json(ocds.release_package(project, uri=uri))
