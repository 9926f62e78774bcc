"""The data-sharing pages: catalogue, requests, agreements, and the public list of open resources.

Thin: sharing.selectors read (outside scope → 404), the services write and decide who may
(a DomainError shows on the form or above the page, and nothing changes). Pages a user may not
use at all answer 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coordination.models import FunctionalLine, OrgLevel, OrgUnit
from portal.clocks import selectors as clock_selectors
from portal.errors import DomainError

from . import forms, importexport, permissions, selectors, services
from .models import (
    OPEN_REQUEST_STATES,
    AgreementStatus,
    DataItem,
    DataType,
    Direction,
    RequestStatus,
    ResourceStatus,
    SharingType,
    Topic,
)

PAGE_SIZE = 25
CATALOGUE_FILTERS = ("q", "topic", "provider", "level", "line", "sharing_type", "status")


def _filters(request, names) -> dict:
    return {n: request.GET.get(n, "").strip() for n in names}


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _query(filters: dict) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in filters.items() if v})


def _official(request):
    if not permissions.can_browse_catalogue(request.user):
        raise PermissionDenied


def _steward(request):
    if not (permissions.is_steward(request.user)):
        raise PermissionDenied


def _run(request, call, *, success: str) -> bool:
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def _form_call(request, form, call, *, success: str) -> int | None:
    """Validate and call; None on success, else the status code to re-render the form with."""
    if not form.is_valid():
        return 400
    try:
        call(form.cleaned_data)
    except DomainError as exc:
        if exc.field and exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        else:
            form.add_error(None, exc.message)
        return exc.status_code
    messages.success(request, success)
    return None


# -- Catalogue ----------------------------------------------------------------------------------------


def _catalogue_context(filters):
    return {
        "filters": filters,
        "query": _query({k: v for k, v in filters.items() if k != "page"}),
        "topics": Topic.objects.all(),
        "providers": OrgUnit.objects.filter(data_resources__isnull=False)
        .distinct()
        .order_by("level", "name"),
        "levels": OrgLevel.choices,
        "lines": FunctionalLine.objects.all(),
        "sharing_types": SharingType.choices,
        "statuses": ResourceStatus.choices,
    }


@login_required
def catalogue(request):
    _official(request)
    filters = _filters(request, CATALOGUE_FILTERS)
    page = _page(request, selectors.resource_list(user=request.user, filters=filters))
    context = _catalogue_context(filters) | {
        "page": page,
        "can_create": permissions.is_steward(request.user),
        "is_authority": permissions.is_data_authority(request.user),
    }
    return render(request, "sharing/catalogue.html", context)


def open_catalogue(request):
    """Open resources on the public site, no login."""
    filters = _filters(request, ("q", "topic", "sharing_type"))
    page = _page(request, selectors.open_resources(filters=filters))
    context = {"page": page, "filters": filters, "query": _query(filters), "topics": Topic.objects.all()}
    return render(request, "sharing/open.html", context)


def open_resource(request, code):
    resource = selectors.open_resource_get(code=code)
    labels = dict(DataType.choices)
    items = [
        {**i, "type_label": labels.get(i["data_type"], i["data_type"])}
        for i in resource.current_version.items
    ]
    return render(request, "sharing/open_resource.html", {"resource": resource, "items": items})


def _resource_page(request, resource, status=200, **extra):
    user = request.user
    maintain = permissions.can_maintain(user, resource)
    context = {
        "resource": resource,
        "items": list(resource.items.all()),
        "versions": sorted(resource.versions.all(), key=lambda v: -v.number),
        "can_maintain": maintain,
        "can_edit": maintain and resource.status == ResourceStatus.DRAFT,
        "can_approve": permissions.can_approve_resource(user, resource),
        "can_request": resource.is_available
        and bool(permissions.steward_unit_ids(user) - {resource.provider_id}),
        "reason_form": forms.ReasonForm(),
        "S": ResourceStatus,
    } | extra
    return render(request, "sharing/resource.html", context, status=status)


@login_required
def resource_detail(request, code):
    _official(request)
    return _resource_page(request, selectors.resource_get(user=request.user, code=code))


def _steward_units(user):
    return OrgUnit.objects.filter(pk__in=permissions.steward_unit_ids(user)).order_by("name")


@login_required
def resource_create(request):
    _steward(request)
    form = forms.ResourceForm(request.POST or None, providers=_steward_units(request.user))
    if request.method == "POST":
        created = {}

        def call(data):
            created["r"] = services.resource_create(
                actor=request.user,
                data=form.resource_data(),
                topics=data.get("topics") or [],
                related=data.get("related") or [],
            )

        status = _form_call(request, form, call, success=_("The resource was saved as a draft."))
        if status is None:
            return redirect(created["r"].get_absolute_url())
        return render(request, "sharing/resource_form.html", {"form": form}, status=status)
    return render(request, "sharing/resource_form.html", {"form": form})


@login_required
def resource_edit(request, code):
    _official(request)
    resource = selectors.resource_get(user=request.user, code=code)
    if not permissions.can_maintain(request.user, resource):
        raise PermissionDenied
    initial = {f: getattr(resource, f) for f in services.catalogue.RESOURCE_FIELDS if f != "provider"}
    initial["topics"] = list(resource.topics.all())
    initial["related"] = list(resource.related.all())
    form = forms.ResourceForm(request.POST or None, initial=initial, editing=resource)
    if request.method == "POST":

        def call(data):
            services.resource_update(
                actor=request.user,
                resource=resource,
                data=form.resource_data(),
                topics=data.get("topics") or [],
                related=data.get("related") or [],
            )

        status = _form_call(request, form, call, success=_("The resource was saved."))
        if status is None:
            return redirect("sharing:resource", code=form.cleaned_data["code"].strip().upper())
        return render(
            request, "sharing/resource_form.html", {"form": form, "resource": resource}, status=status
        )
    return render(request, "sharing/resource_form.html", {"form": form, "resource": resource})


@login_required
def item_edit(request, code, item_id=None):
    _official(request)
    resource = selectors.resource_get(user=request.user, code=code)
    if not permissions.can_maintain(request.user, resource):
        raise PermissionDenied
    item = None
    if item_id is not None:
        item = next((i for i in resource.items.all() if i.pk == item_id), None)
        if item is None:
            raise Http404
    initial = (
        {f: getattr(item, f) for f in services.catalogue.ITEM_FIELDS}
        if item
        else {"order": resource.items.count()}
    )
    form = forms.ItemForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("delete") and item is not None:
            if _run(
                request,
                lambda: services.item_delete(actor=request.user, item=item),
                success=_("Item removed."),
            ):
                return redirect(resource.get_absolute_url())
            return redirect(resource.get_absolute_url())
        status = _form_call(
            request,
            form,
            lambda data: services.item_save(actor=request.user, resource=resource, data=data, item=item),
            success=_("The item was saved."),
        )
        if status is None:
            return redirect(resource.get_absolute_url())
        return render(
            request,
            "sharing/item_form.html",
            {"form": form, "resource": resource, "item": item},
            status=status,
        )
    return render(request, "sharing/item_form.html", {"form": form, "resource": resource, "item": item})


RESOURCE_ACTIONS = {
    "submit": (services.resource_submit, False, _("Submitted to the data authority.")),
    "approve": (services.resource_approve, False, _("Approved; the provider can publish it.")),
    "return": (services.resource_return, True, _("Sent back to the provider.")),
    "publish": (services.resource_publish, False, _("Published as a new version.")),
    "revise": (services.resource_revise, False, _("Reopened as a draft; the current version stays valid.")),
    "withdraw": (services.resource_withdraw, True, _("Withdrawn from the catalogue.")),
}


@login_required
@require_POST
def resource_action(request, code, action):
    _official(request)
    resource = selectors.resource_get(user=request.user, code=code)
    if action not in RESOURCE_ACTIONS:
        raise Http404
    service, needs_reason, success = RESOURCE_ACTIONS[action]
    kwargs = {"actor": request.user, "resource": resource}
    if needs_reason:
        kwargs["reason"] = request.POST.get("reason", "")
    _run(request, lambda: service(**kwargs), success=str(success))
    return redirect(resource.get_absolute_url())


@login_required
def catalogue_export(request):
    _official(request)
    filters = _filters(request, CATALOGUE_FILTERS)
    resources = selectors.resource_list(user=request.user, filters=filters)
    content = importexport.export_catalogue(resources)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="catalogue-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@login_required
def catalogue_import(request):
    if not permissions.can_import(request.user):
        raise PermissionDenied
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        report = importexport.import_catalogue(actor=request.user, fileobj=form.cleaned_data["file"])
        if report.ok:
            messages.success(request, _("%(n)d resources were imported as drafts.") % {"n": report.created})
        else:
            status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "sharing/import.html", {"form": form, "report": report}, status=status)


# -- Requests ---------------------------------------------------------------------------------------


@login_required
def request_list(request):
    if not permissions.can_see_agreements(request.user):
        raise PermissionDenied
    filters = _filters(request, ("status", "role"))
    page = _page(request, selectors.request_list(user=request.user, filters=filters))
    clocks = clock_selectors.clocks_by_subject(subjects=page.object_list)
    for req in page.object_list:
        running = [c for c in clocks.get(str(req.pk), []) if c.state != "stopped"]
        req.open_clock = running[0] if running else None
    context = {
        "page": page,
        "filters": filters,
        "query": _query(filters),
        "statuses": RequestStatus.choices,
        "is_authority": permissions.is_data_authority(request.user),
    }
    return render(request, "sharing/requests.html", context)


@login_required
def request_create(request, code):
    _official(request)
    resource = selectors.resource_get(user=request.user, code=code)
    consumers = _steward_units(request.user).exclude(pk=resource.provider_id)
    if not consumers.exists() or not resource.is_available:
        raise PermissionDenied
    codes = resource.current_version.item_codes()
    items = DataItem.objects.filter(resource=resource, code__in=codes).order_by("order", "id")
    form = forms.RequestForm(
        request.POST or None, consumers=consumers, items=items, initial={"consumer": consumers.first()}
    )
    if request.method == "POST":
        created = {}

        def call(data):
            created["r"] = services.request_create(
                actor=request.user,
                consumer=data["consumer"],
                resource=resource,
                items=data.get("items") or [],
                data=form.request_data(),
            )

        status = _form_call(request, form, call, success=_("The request was saved as a draft."))
        if status is None:
            return redirect(created["r"].get_absolute_url())
        return render(
            request, "sharing/request_form.html", {"form": form, "resource": resource}, status=status
        )
    return render(request, "sharing/request_form.html", {"form": form, "resource": resource})


@login_required
def request_edit(request, uuid):
    if not permissions.can_see_agreements(request.user):
        raise PermissionDenied
    req = selectors.request_get(user=request.user, uuid=uuid)
    if not permissions.can_edit_request(request.user, req) or req.status != RequestStatus.DRAFT:
        raise PermissionDenied
    resource = req.resource
    items = DataItem.objects.filter(resource=resource, code__in=req.version.item_codes()).order_by(
        "order", "id"
    )
    initial = {f: getattr(req, f) for f in services.requests.REQUEST_FIELDS}
    initial.update(consumer=req.consumer, items=list(req.items.all()))
    consumers = OrgUnit.objects.filter(pk=req.consumer_id)
    form = forms.RequestForm(request.POST or None, consumers=consumers, items=items, initial=initial)
    context = {"form": form, "resource": resource, "req": req}
    if request.method == "POST":

        def call(data):
            services.request_update(
                actor=request.user, request=req, items=data.get("items") or [], data=form.request_data()
            )

        status = _form_call(request, form, call, success=_("The request was saved."))
        if status is None:
            return redirect(req.get_absolute_url())
        return render(request, "sharing/request_form.html", context, status=status)
    return render(request, "sharing/request_form.html", context)


def _decision_form(req, data=None, decisions=None):
    return forms.DecisionForm(
        data,
        items=req.items.all(),
        decisions=decisions,
        initial={"items": list(req.items.all()), "valid_until": req.period_until},
    )


def _request_page(request, req, status=200, **extra):
    user = request.user
    units = permissions.steward_unit_ids(user)
    S = RequestStatus
    authority = permissions.is_data_authority(user)
    is_consumer = req.consumer_id in units
    is_provider = req.resource.provider_id in units
    context = {
        "req": req,
        "S": S,
        "clocks": clock_selectors.clocks_for(subject=req),
        "can_edit": is_consumer and req.status == S.DRAFT,
        "can_withdraw": is_consumer and req.status in (S.DRAFT, *OPEN_REQUEST_STATES),
        "can_check": authority and req.status in (S.SUBMITTED, S.AUTHORITY_REVIEW),
        "can_review": is_provider and req.status == S.PROVIDER_REVIEW,
        "can_agree": is_provider and req.status == S.NEGOTIATION,
        "can_escalate": (is_provider or is_consumer) and req.status == S.NEGOTIATION,
        "can_coordinate": authority and req.status == S.COORDINATION,
        "check_form": forms.DecisionForm(
            initial={"valid_until": req.period_until}, decisions=["approve", "reject"]
        ),
        "review_form": _decision_form(req),
        "agree_form": _decision_form(req, decisions=["approve"]),
        "coordinate_form": _decision_form(req, decisions=["approve", "reject"]),
        "reason_form": forms.ReasonForm(),
    } | extra
    return render(request, "sharing/request.html", context, status=status)


@login_required
def request_detail(request, uuid):
    if not permissions.can_see_agreements(request.user):
        raise PermissionDenied
    return _request_page(request, selectors.request_get(user=request.user, uuid=uuid))


@login_required
@require_POST
def request_action(request, uuid, action):
    if not permissions.can_see_agreements(request.user):
        raise PermissionDenied
    req = selectors.request_get(user=request.user, uuid=uuid)
    user = request.user
    post = request.POST
    if action == "submit":
        _run(request, lambda: services.request_submit(actor=user, request=req), success=_("Submitted."))
    elif action == "withdraw":
        _run(
            request,
            lambda: services.request_withdraw(actor=user, request=req, reason=post.get("reason", "")),
            success=_("The request was withdrawn."),
        )
    elif action == "escalate":
        _run(
            request,
            lambda: services.request_escalate(actor=user, request=req, reason=post.get("reason", "")),
            success=_("The data authority was asked to coordinate."),
        )
    elif action in ("check", "review", "agree", "coordinate"):
        decisions = {
            "check": ["approve", "reject"],
            "agree": ["approve"],
            "coordinate": ["approve", "reject"],
        }
        form = _decision_form(req, post, decisions.get(action))
        if not form.is_valid():
            return _request_page(request, req, status=400, **{f"{action}_form": form, "open_form": action})

        def call(data):
            approve = data["decision"] == "approve"
            terms = form.terms()
            if action == "check":
                services.request_authority_check(
                    actor=user, request=req, passed=approve, opinion=data["opinion"], terms=terms
                )
            elif action == "review":
                services.request_provider_decide(
                    actor=user,
                    request=req,
                    decision=data["decision"],
                    items=data["items"],
                    opinion=data["opinion"],
                    terms=terms,
                )
            elif action == "agree":
                services.request_negotiation_agree(
                    actor=user, request=req, items=data["items"], notes=data["opinion"], terms=terms
                )
            else:
                services.request_coordinate(
                    actor=user,
                    request=req,
                    approve=approve,
                    decision=data["opinion"],
                    items=data["items"],
                    terms=terms,
                )

        status = _form_call(request, form, call, success=_("The decision was recorded."))
        if status is not None:
            req = selectors.request_get(user=user, uuid=uuid)
            return _request_page(request, req, status=status, **{f"{action}_form": form, "open_form": action})
    else:
        raise Http404
    return redirect(req.get_absolute_url())


# -- Agreements -------------------------------------------------------------------------------------

AGREEMENT_FILTERS = ("provider", "consumer", "resource", "direction", "status", "expiring_within")


@login_required
def agreement_list(request):
    if not permissions.can_see_agreements(request.user):
        raise PermissionDenied
    filters = _filters(request, AGREEMENT_FILTERS)
    if filters["expiring_within"] and not filters["expiring_within"].isdigit():
        filters["expiring_within"] = ""
        messages.error(request, _("“Expiring within” is a number of days."))
    qs = selectors.agreement_list(user=request.user, filters=filters, today=timezone.localdate())
    page = _page(request, qs)
    units = OrgUnit.objects.annotate(n=Count("data_resources")).filter(n__gt=0).order_by("name")
    context = {
        "page": page,
        "filters": filters,
        "query": _query(filters),
        "statuses": AgreementStatus.choices,
        "directions": Direction.choices,
        "providers": units,
        "consumers": OrgUnit.objects.filter(data_requests__isnull=False).distinct().order_by("name"),
    }
    return render(request, "sharing/agreements.html", context)


def _agreement_page(request, agreement, status=200, **extra):
    context = {
        "agreement": agreement,
        "items": [ai.item for ai in agreement.agreement_items.all()],
        "versions": selectors.agreement_versions(agreement),
        "clocks": clock_selectors.clocks_for(subject=agreement),
        "can_manage": permissions.can_manage_agreement(request.user, agreement),
        "can_deliver": agreement.provider_id in permissions.steward_unit_ids(request.user)
        and agreement.status == AgreementStatus.ACTIVE
        and not agreement.delivered_on,
        "G": AgreementStatus,
        "reason_form": forms.ReasonForm(),
        "renew_form": forms.RenewForm(
            items=agreement.items.all(), initial={"items": list(agreement.items.all())}
        ),
    } | extra
    return render(request, "sharing/agreement.html", context, status=status)


@login_required
def agreement_detail(request, uuid):
    if not permissions.can_see_agreements(request.user):
        raise PermissionDenied
    return _agreement_page(request, selectors.agreement_get(user=request.user, uuid=uuid))


@login_required
@require_POST
def agreement_action(request, uuid, action):
    if not permissions.can_see_agreements(request.user):
        raise PermissionDenied
    agreement = selectors.agreement_get(user=request.user, uuid=uuid)
    user = request.user
    reason = request.POST.get("reason", "")
    simple = {
        "suspend": (
            lambda: services.agreement_suspend(actor=user, agreement=agreement, reason=reason),
            _("Suspended."),
        ),
        "resume": (lambda: services.agreement_resume(actor=user, agreement=agreement), _("Resumed.")),
        "revoke": (
            lambda: services.agreement_revoke(actor=user, agreement=agreement, reason=reason),
            _("Revoked."),
        ),
        "deliver": (
            lambda: services.agreement_mark_delivered(actor=user, agreement=agreement),
            _("Delivery recorded."),
        ),
    }
    if action in simple:
        call, success = simple[action]
        _run(request, call, success=success)
        return redirect(agreement.get_absolute_url())
    if action == "renew":
        form = forms.RenewForm(request.POST, items=agreement.items.all())
        renewed = {}

        def do(data):
            renewed["a"] = services.agreement_renew(
                actor=user, agreement=agreement, terms=form.terms(), items=data.get("items") or None
            )

        status = _form_call(request, form, do, success=_("Renewed as a new version."))
        if status is None:
            return redirect(renewed["a"].get_absolute_url())
        return _agreement_page(request, agreement, status=status, renew_form=form, open_form="renew")
    raise Http404
