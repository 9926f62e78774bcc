"""Pages of the results app.

Public (no login): the register of grants (/results/) and the verify page (/verify/<token>/).
Logged in: the clerks' queue (/results/work/), the actions posted from the panels on the
applicant's and the officials' application pages, and the certificate download.

Thin: selectors read (outside the user's scope → 404), services write and decide who may
(PermissionDenied → 403), a DomainError shows its message and keeps what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from approvals.models import Application
from approvals.workflow import ApplicationStatus
from portal.errors import DomainError
from portal.pii_reveal import reveal_response

from . import conf, forms, permissions, selectors, services
from .models import Delivery, PublicationStatus

A = ApplicationStatus


def _back(request, application: Application) -> str:
    if permissions.is_applicant(request.user, application):
        return f"/apply/a/{application.uuid}/#results"
    return f"/work/applications/{application.uuid}/#results"


# -- public ----------------------------------------------------------------------------------------------


@require_GET
def register(request):
    filters = selectors.RegisterFilters.from_query(request.GET)
    page = selectors.register_page(filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "results/register.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "statuses": PublicationStatus.choices,
            **selectors.register_choices(),
        },
    )


@require_GET
def verify(request, token):
    certificate = selectors.certificate_for_token(token)
    if certificate is None:
        return render(request, "results/verify_invalid.html", status=404)
    response = render(
        request,
        "results/verify.html",
        {"certificate": certificate, "state": certificate.public_state(selectors.today())},
    )
    response["X-Robots-Tag"] = "noindex"
    return response


# -- clerks' queue ------------------------------------------------------------------------------------------


@login_required
@require_GET
def work(request):
    if not selectors.is_clerk_anywhere(request.user):
        raise PermissionDenied(_("Only window clerks issue and deliver certificates."))
    show = "done" if request.GET.get("show") == "done" else "open"
    return render(
        request,
        "results/work.html",
        {
            "rows": selectors.work_queue(user=request.user, show=show),
            "show": show,
            "issue_days": conf.issue_days(),
        },
    )


# -- actions ---------------------------------------------------------------------------------------------


def _run(request, application, call, *, success: str):
    try:
        call()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(_back(request, application))


@login_required
@require_POST
def issue(request, uuid):
    application = selectors.application_for_action(user=request.user, uuid=uuid)
    return _run(
        request,
        application,
        lambda: services.certificate_issue(actor=request.user, application=application),
        success=_("The certificate was issued; the applicant was told."),
    )


def _form_action(request, application, form, service, *, success: str, title: str, action: str):
    """Validate the form, run the service with its cleaned data; on a domain error show the form
    again (400) with the message on its field and everything typed kept."""
    if form.is_valid():
        try:
            service(actor=request.user, application=application, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, success)
            return redirect(_back(request, application))
    context = {
        "application": application,
        "form": form,
        "title": title,
        "action": action,
        "back": _back(request, application),
    }
    return render(request, "results/action_form.html", context, status=400)


@login_required
@require_POST
def choose_delivery(request, uuid):
    application = selectors.application_for_action(user=request.user, uuid=uuid)
    if not permissions.is_applicant(request.user, application):
        raise PermissionDenied(_("Only the applicant may choose how to receive the certificate."))
    return _form_action(
        request,
        application,
        forms.DeliveryChoiceForm(request.POST, methods=services.allowed_methods(application)),
        services.delivery_choose,
        success=_("Your choice of delivery was saved."),
        title=_("Delivery of the certificate"),
        action="choose",
    )


@login_required
@require_POST
def ready(request, uuid):
    application = selectors.application_for_action(user=request.user, uuid=uuid)
    return _run(
        request,
        application,
        lambda: services.delivery_ready(actor=request.user, application=application),
        success=_("Recorded: ready for pickup. The applicant was told."),
    )


@login_required
@require_POST
def ship(request, uuid):
    application = selectors.application_for_action(user=request.user, uuid=uuid)
    if not permissions.can_record_delivery(request.user, application):
        raise PermissionDenied(_("Only a window clerk of the lead department may record the delivery."))
    return _form_action(
        request,
        application,
        forms.ShipForm(request.POST),
        services.delivery_ship,
        success=_("Recorded: sent by express. The applicant was told."),
        title=_("Send by express"),
        action="ship",
    )


@login_required
@require_POST
def confirm(request, uuid):
    application = selectors.application_for_action(user=request.user, uuid=uuid)
    return _run(
        request,
        application,
        lambda: services.delivery_confirm(actor=request.user, application=application),
        success=_("Recorded: the certificate was delivered."),
    )


@login_required
@require_POST
def delivery_phone(request, uuid):
    """The express delivery's phone in full, for the applicant and the clerk sending it (audited)."""
    application = selectors.application_for_action(user=request.user, uuid=uuid)
    delivery = Delivery.objects.filter(application=application).first()
    if delivery is None or not delivery.phone:
        raise Http404
    if not permissions.can_see_delivery_phone(request.user, application):
        raise PermissionDenied
    return reveal_response(
        request, obj=delivery, field="phone", purpose="express delivery", back_url=_back(request, application)
    )


@login_required
@require_GET
def download(request, public_id):
    certificate = selectors.downloadable_certificate(user=request.user, public_id=public_id)
    try:
        handle = certificate.pdf.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=f"{certificate.serial}.pdf", content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
