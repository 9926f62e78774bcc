"""Applicant pages: start, fill and submit an application, follow it, answer the authority.

Thin views: selectors read (scoped to the applicant; anything else is 404), services write,
templates show. Domain errors become messages or form errors, never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from approvals import permissions, selectors, services
from approvals.forms import ApplicationForm, MaterialUploadForm, TrackingForm, WithdrawForm
from approvals.forms_assist import AreaForm
from approvals.models import Application, ApplicationMaterial, Item, Material, Package
from approvals.selectors import applicant as applicant_selectors
from approvals.selectors import assistance as assist
from approvals.services.applicant import EDITABLE_STATES, form_specs, material_slots, materials_problems
from portal.errors import DomainError


def _errors_to_messages(request, error) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, getattr(error, "message", str(error)))


# -- start ------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request, kind, code):
    """Confirm, then start a draft for a published item or package (the guide's button comes here)."""
    if kind == "item":
        target = selectors.guide_items().filter(code=code).first()
    elif kind == "package":
        target = selectors.guide_packages().filter(code=code).first()
    else:
        raise Http404
    if target is None:
        raise Http404
    probe = Application(
        applicant=request.user,
        item=target if isinstance(target, Item) else None,
        package=target if isinstance(target, Package) else None,
    )
    # A government agent may start it for a client whose grant reaches this service (代办).
    grants = [
        g
        for g in permissions.agent_grants_to(request.user)
        .filter(may_prepare=True)
        .select_related("applicant")
        if g.covers(probe)
    ]
    if request.method == "POST":
        client = next((g.applicant for g in grants if str(g.uuid) == request.POST.get("for_grant")), None)
        try:
            application = services.application_create(
                actor=request.user,
                item=probe.item,
                package=probe.package,
                applicant=client,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Your draft application was created. Fill in the form and add the materials.")
            )
            return redirect("apply:edit", uuid=application.uuid)
    lookup = {"item": target} if kind == "item" else {"package": target}
    drafts = applicant_selectors.my_applications(user=request.user).filter(status="draft", **lookup)[:5]
    guide_url = reverse(
        "approvals:guide-item" if kind == "item" else "approvals:guide-package", kwargs={"code": code}
    )
    return render(
        request,
        "approvals/apply/start.html",
        {"target": target, "kind": kind, "drafts": list(drafts), "guide_url": guide_url, "grants": grants},
    )


# -- my applications ------------------------------------------------------------------------------------


@login_required
def mine(request):
    page = applicant_selectors.my_applications_page(user=request.user, page=request.GET.get("page"))
    return render(request, "approvals/apply/mine.html", {"page": page})


@login_required
def detail(request, uuid):
    application = assist.actable_application(user=request.user, uuid=uuid)
    context = applicant_selectors.application_detail(application=application)
    context["withdraw_form"] = WithdrawForm()
    grant = application.agent_grant
    if grant is not None:  # an agent sees only the buttons their grant allows
        context["can_edit"] = context["can_edit"] and grant.may_prepare
        context["can_supply"] = context["can_supply"] and grant.may_prepare
        context["can_withdraw"] = context["can_withdraw"] and grant.may_withdraw
    return render(request, "approvals/apply/detail.html", context)


# -- fill in and submit -----------------------------------------------------------------------------------


def _edit_context(request, application, form):
    slots, extras = material_slots(application)
    area_kinds = any(slot.spec.area_assessment_kind for slot in slots)
    return {
        "area_form": AreaForm(initial={"area": application.area_id}) if area_kinds else None,
        "application": application,
        "badge": applicant_selectors.badge(application.status),
        "form": form,
        "slots": slots,
        "extras": extras,
        "upload_form": MaterialUploadForm(),
        "correction": application.status_changes.filter(to_status="correction").order_by("-pk").first(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, uuid):
    application = assist.actable_application(user=request.user, uuid=uuid)
    if application.status not in EDITABLE_STATES:
        messages.info(request, _("This application can no longer be changed."))
        return redirect("apply:detail", uuid=application.uuid)
    specs = form_specs(application)
    if request.method == "GET":
        form = ApplicationForm(initial=application.form_data or {}, specs=specs)
        return render(request, "approvals/apply/edit.html", _edit_context(request, application, form))

    submitting = request.POST.get("action") == "submit"
    form = ApplicationForm(data=request.POST, specs=specs, for_submit=submitting)
    if not form.is_valid():
        messages.error(request, _("Please correct the fields marked below."))
        return render(
            request, "approvals/apply/edit.html", _edit_context(request, application, form), status=400
        )
    raw = {spec.key: request.POST.get(spec.key, "") for spec in specs}
    try:
        application = services.application_save_draft(
            actor=request.user, application=application, form_data=raw
        )
        if not submitting:
            messages.success(request, _("Draft saved."))
            return redirect("apply:edit", uuid=application.uuid)
        application = services.application_submit_complete(actor=request.user, application=application)
    except ValidationError as error:
        for key, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(key if key in form.fields else None, problem)
    except (DomainError, PermissionDenied) as error:
        for problem in materials_problems(application) or [getattr(error, "message", str(error))]:
            form.add_error(None, problem)
    else:
        messages.success(
            request,
            _("Submitted. Your application number is %(number)s; keep the query code %(code)s to track it.")
            % {"number": application.number, "code": application.query_code},
        )
        return redirect("apply:detail", uuid=application.uuid)
    application.refresh_from_db()
    return render(request, "approvals/apply/edit.html", _edit_context(request, application, form), status=400)


def _material(request) -> Material | None:
    raw = request.POST.get("material") or ""
    if not raw:
        return None
    try:
        return Material.objects.get(pk=int(raw))
    except (Material.DoesNotExist, ValueError):
        raise DomainError(_("This material is not part of this application.")) from None


@login_required
@require_POST
def materials(request, uuid):
    """Upload, pledge or remove a material of a draft (or of an application being corrected)."""
    application = assist.actable_application(user=request.user, uuid=uuid)
    action = request.POST.get("action")
    try:
        if action == "upload":
            services.material_upload(
                actor=request.user,
                application=application,
                material=_material(request),
                uploaded_file=request.FILES.get("file"),
            )
            messages.success(request, _("File uploaded."))
        elif action == "pledge":
            material = _material(request)
            if material is None:
                raise DomainError(_("Choose the material you pledge."))
            services.material_pledge(actor=request.user, application=application, material=material)
            messages.success(request, _("Pledge recorded: hand this material in after acceptance."))
        elif action == "remove":
            try:
                row = ApplicationMaterial.objects.get(
                    application=application, pk=int(request.POST.get("file", ""))
                )
            except (ApplicationMaterial.DoesNotExist, ValueError):
                raise Http404 from None
            services.material_remove(actor=request.user, material_file=row)
            messages.success(request, _("Removed."))
        else:
            raise DomainError(_("Unknown action."))
    except (DomainError, PermissionDenied) as error:
        _errors_to_messages(request, error)
    return redirect(reverse("apply:edit", kwargs={"uuid": application.uuid}) + "#materials")


# -- after submission ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, uuid):
    application = assist.actable_application(user=request.user, uuid=uuid)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            )
        except (DomainError, PermissionDenied) as error:
            _errors_to_messages(request, error)
        else:
            messages.success(request, _("The application was withdrawn."))
        return redirect("apply:detail", uuid=application.uuid)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "approvals/apply/withdraw.html", {"application": application, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def supply(request, uuid):
    """Supply the materials pledged at acceptance (容缺)."""
    application = assist.actable_application(user=request.user, uuid=uuid)
    if request.method == "POST":
        try:
            material = _material(request)
            if material is None:
                raise DomainError(_("Choose the pledged material you supply."))
            services.material_supply(
                actor=request.user,
                application=application,
                material=material,
                uploaded_file=request.FILES.get("file"),
            )
        except (DomainError, PermissionDenied) as error:
            _errors_to_messages(request, error)
        else:
            messages.success(request, _("Thank you: the material was supplied."))
        return redirect("apply:supply", uuid=application.uuid)
    slots, _extras = material_slots(application)
    pledged = [s for s in slots if s.pledge is not None]
    return render(
        request,
        "approvals/apply/supply.html",
        {
            "application": application,
            "pledged": pledged,
            "outstanding": [s for s in pledged if s.pledged],
            "upload_form": MaterialUploadForm(),
        },
    )


@login_required
def download(request, uuid, pk):
    """A stored file, for the applicant and officials who may see the application; else 404."""
    row = applicant_selectors.viewable_material(user=request.user, uuid=uuid, pk=pk)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=row.original_name or "file", content_type=row.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# -- public tracking -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def track(request):
    """Public tracking by application number + query code: no login, minimal data. Rate-limited per
    client IP by portal.security (RATE_LIMIT_TRACKING: 429 with Retry-After)."""
    form = TrackingForm(request.POST or None)
    result, not_found = None, False
    if request.method == "POST":
        if form.is_valid():
            result = applicant_selectors.tracking_lookup(
                number=form.cleaned_data["number"], query_code=form.cleaned_data["query_code"]
            )
        not_found = result is None
    return render(
        request,
        "approvals/apply/track.html",
        {"form": form, "result": result, "not_found": not_found},
    )
