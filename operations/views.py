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
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from coordination.models import OrgUnit
from operations import benchmarks, integrity, ocds, permissions, selectors, services
from operations.forms import (
    AmendmentForm,
    BenchmarkImportForm,
    CatalogueEntryForm,
    ContractForm,
    DocumentForm,
    EnterpriseForm,
    FlagResolveForm,
    MilestoneForm,
    PartyProfileForm,
    ProjectFilterForm,
    ProjectForm,
    RiskForm,
    ShareholdingForm,
    TariffForm,
    TransitionForm,
)
from operations.models import CatalogueEntry, Contract, CostBenchmark, IntegrityFlag, PartyProfile, Project
from portal.errors import DomainError
from portal.pii_reveal import reveal_response
from portal.uploads import attachment_response, safe_filename


def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


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
        {
            "form": form,
            "projects": projects,
            "can_import": permissions.can_import_benchmarks(request.user),
            "can_create": permissions.can_create_project(request.user),
        },
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
        # The performance app adds its panel (scores, payments) by providing this template.
        "show_performance": _template_exists("performance/_project_panel.html"),
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


def _document_response(document):
    """A project document as an attachment (never inline, never from MEDIA_URL)."""
    return attachment_response(document.file, filename=safe_filename(document.file.name.rsplit("/", 1)[-1]))


@login_required
def document_download(request, code, pk):
    """A document of a project the official may see; else 404."""
    _ppp_user(request)
    project = selectors.project_get(user=request.user, code=code)
    return _document_response(get_object_or_404(project.documents.all(), pk=pk))


def public_document(request, code, pk):
    """A disclosed document of a published project; anything else answers 404."""
    project = selectors.published_project_get(code=code)
    for document in selectors.disclosed_documents(project):
        if document.pk == pk:
            return _document_response(document)
    raise Http404


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
        "show_performance": _template_exists("performance/_public_panel.html"),
    }
    return render(request, "operations/public_project.html", context)


def public_catalogue(request):
    return render(
        request,
        "operations/catalogue.html",
        {
            "entries": selectors.catalogue_public(),
            "can_manage": permissions.can_manage_catalogue(request.user),
        },
    )


@login_required
def catalogue_manage(request):
    if not permissions.can_manage_catalogue(request.user):
        raise PermissionDenied
    return render(request, "operations/catalogue_manage.html", {"entries": CatalogueEntry.objects.all()})


@login_required
def catalogue_edit(request, code=None):
    if not permissions.can_manage_catalogue(request.user):
        raise PermissionDenied
    entry = get_object_or_404(CatalogueEntry, code=code) if code else None
    form = CatalogueEntryForm(request.POST or None, instance=entry)
    status = 200
    if request.method == "POST":

        def call(data):
            if entry is not None:
                data.pop("code", None)
            services.catalogue_save(actor=request.user, data=data, entry=entry)

        status = _form_call(form, call)
        if status is None:
            messages.success(request, _("Saved."))
            return redirect("operations:catalogue-manage")
    title = entry.name if entry else _("New catalogue entry")
    context = {"form": form, "title": title, "cancel_url": reverse("operations:catalogue-manage")}
    return render(request, "operations/record_form.html", context, status=status)


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


# -- Editing ---------------------------------------------------------------------------------------


def _form_call(form, call) -> int | None:
    """Validate and call; None on success, else the status code to render the form again with."""
    if not form.is_valid():
        return 400
    try:
        call(form.cleaned_data)
    except services.NeedsConfirmation as exc:
        for warning in exc.warnings:
            form.add_error(warning.field if warning.field in form.fields else None, warning.message)
        form.needs_confirmation = True
        return 400
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return exc.status_code
    return None


@login_required
def project_create(request):
    if not permissions.can_create_project(request.user):
        raise PermissionDenied
    form = ProjectForm(request.POST or None)
    status = 200
    if request.method == "POST":

        def call(data):
            confirm = data.pop("confirm", False)
            form.created = services.project_create(actor=request.user, data=data, confirm=confirm)

        status = _form_call(form, call)
        if status is None:
            messages.success(request, _("The project is registered."))
            return redirect("operations:project", code=form.created.code)
    return render(request, "operations/project_form.html", {"form": form}, status=status)


@login_required
def project_edit(request, code):
    _ppp_user(request)
    project = selectors.project_get(user=request.user, code=code)
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, instance=Project.objects.get(pk=project.pk))
    status = 200
    if request.method == "POST":

        def call(data):
            confirm = data.pop("confirm", False)
            data.pop("code", None)
            services.project_update(actor=request.user, project=project, data=data, confirm=confirm)

        status = _form_call(form, call)
        if status is None:
            messages.success(request, _("The project is saved."))
            return redirect("operations:project", code=project.code)
    return render(request, "operations/project_form.html", {"form": form, "project": project}, status=status)


RECORD_FORMS = {
    "risk": (RiskForm, services.risk_add, gettext_lazy("Add a risk")),
    "milestone": (MilestoneForm, services.milestone_save, gettext_lazy("Add a milestone")),
    "document": (DocumentForm, services.document_add, gettext_lazy("Add a document")),
    "contract": (ContractForm, services.contract_add, gettext_lazy("Add a contract")),
    "tariff": (TariffForm, services.tariff_add, gettext_lazy("Add a tariff")),
}


@login_required
def record_add(request, code, kind):
    _ppp_user(request)
    project = selectors.project_get(user=request.user, code=code)
    if kind not in RECORD_FORMS:
        raise Http404
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied
    form_class, service, title = RECORD_FORMS[kind]
    form = form_class(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = _form_call(form, lambda data: service(actor=request.user, project=project, data=data))
        if status is None:
            messages.success(request, _("Saved."))
            return redirect("operations:project", code=project.code)
    return render(
        request,
        "operations/record_form.html",
        {"form": form, "project": project, "title": title},
        status=status,
    )


@login_required
def contract_amend(request, code, contract_id):
    """Amend a contract: a new version with the changes and the rationale kept per version."""
    _ppp_user(request)
    project = selectors.project_get(user=request.user, code=code)
    contract = get_object_or_404(Contract, pk=contract_id, project=project)
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied
    # Bound to a copy: a refused amendment must not change the contract row we hold.
    form = AmendmentForm(request.POST or None, instance=Contract.objects.get(pk=contract.pk))
    status = 200
    if request.method == "POST":

        def amend(data):
            changes = {k: data[k] for k in services.CONTRACT_FIELDS if k in data}
            services.contract_amend(
                actor=request.user,
                contract=contract,
                data=changes,
                signed_on=data["amendment_signed_on"],
                rationale=data["rationale"],
            )

        status = _form_call(form, amend)
        if status is None:
            messages.success(request, _("The amendment is recorded as a new version of the contract."))
            return redirect("operations:project", code=project.code)
    title = _("Amend %(contract)s (version %(version)s)") % {
        "contract": contract.title,
        "version": contract.version,
    }
    return render(
        request,
        "operations/record_form.html",
        {"form": form, "project": project, "title": title},
        status=status,
    )


# -- Parties ---------------------------------------------------------------------------------------


def _party_manager(request):
    if not permissions.can_manage_parties(request.user):
        raise PermissionDenied


@login_required
def party_list(request):
    _party_manager(request)
    return render(request, "operations/parties.html", selectors.party_overview())


@login_required
def party_create(request):
    _party_manager(request)
    form = EnterpriseForm(request.POST or None)
    status = 200
    if request.method == "POST":

        def call(data):
            form.created = services.enterprise_register(actor=request.user, **data)

        status = _form_call(form, call)
        if status is None:
            messages.success(request, _("The enterprise is registered."))
            return redirect("operations:party", code=form.created.code)
    return render(
        request,
        "operations/record_form.html",
        {"form": form, "title": _("Register an enterprise"), "cancel_url": reverse("operations:parties")},
        status=status,
    )


@login_required
def party_profile(request, code):
    _party_manager(request)
    unit = get_object_or_404(OrgUnit, code=code)
    profile = PartyProfile.objects.filter(unit=unit).first()
    form = PartyProfileForm(request.POST or None, instance=profile)
    status = 200
    if request.method == "POST":
        status = _form_call(
            form, lambda data: services.party_profile_save(actor=request.user, unit=unit, data=data)
        )
        if status is None:
            messages.success(request, _("Saved."))
            return redirect("operations:parties")
    reveals = []
    if profile is not None and profile.legal_rep_id_number:
        reveals.append(
            {
                "obj": profile,
                "field": "legal_rep_id_number",
                "label": PartyProfile._meta.get_field("legal_rep_id_number").verbose_name,
                "url": reverse("operations:party-id-number", args=[unit.code]),
            }
        )
    return render(
        request,
        "operations/record_form.html",
        {"form": form, "title": unit.name, "cancel_url": reverse("operations:parties"), "pii": reveals},
        status=status,
    )


@login_required
@require_POST
def party_id_number(request, code):
    """The legal representative's ID number in full, for PPP managers (integrity review; audited)."""
    _party_manager(request)
    profile = get_object_or_404(PartyProfile, unit__code=code)
    if not profile.legal_rep_id_number:
        raise Http404
    return reveal_response(
        request,
        obj=profile,
        field="legal_rep_id_number",
        purpose="procurement integrity review",
        back_url=reverse("operations:party", args=[code]),
    )


@login_required
def shareholding_add(request):
    _party_manager(request)
    form = ShareholdingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = _form_call(form, lambda data: services.shareholding_add(actor=request.user, data=data))
        if status is None:
            messages.success(request, _("Saved."))
            return redirect("operations:parties")
    return render(
        request,
        "operations/record_form.html",
        {"form": form, "title": _("Add a shareholding"), "cancel_url": reverse("operations:parties")},
        status=status,
    )
