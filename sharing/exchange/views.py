"""Exchange pages: loading records, credentials, usage, objections, return flow, statistics.

Thin: selectors read (outside scope → 404), services write and check who may (403); a
DomainError shows as a message and nothing changes.
"""

from __future__ import annotations

import uuid as uuid_module

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coordination.models import OrgLevel
from portal.dispatch import queue
from portal.errors import DomainError
from sharing.models import SharingType

from . import loaders, permissions, selectors, services, workflow
from .models import DataRecord, RunStatus
from .tasks import return_flow_sync_task


def _steward(request):
    if not permissions.can_use_exchange(request.user):
        raise PermissionDenied


def _agreement(request, value):
    """The agreement named by a form or query value (a UUID); anything else is 404."""
    try:
        value = uuid_module.UUID(str(value))
    except ValueError:
        raise Http404 from None
    return selectors.agreement_get(user=request.user, uuid=value)


def _page(request, qs, size=50):
    return Paginator(qs, size).get_page(request.GET.get("page"))


@login_required
def index(request):
    _steward(request)
    return render(
        request,
        "exchange/index.html",
        {
            "tab": "index",
            "resources": selectors.provider_resources(user=request.user),
            "agreements": selectors.consumer_agreements(user=request.user),
        },
    )


@login_required
def upload(request, code):
    resource = selectors.resource_for_loading(user=request.user, code=code)
    report = errors = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file."))
        else:
            try:
                report = services.records_upload(
                    actor=request.user, resource=resource, name=upload.name, content=upload.read()
                )
                messages.success(
                    request,
                    _("Loaded: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
                    % report.as_dict(),
                )
            except loaders.RowErrors as exc:
                errors = exc.errors
                messages.error(request, exc.message)
            except DomainError as exc:
                messages.error(request, exc.message)
    return render(
        request,
        "exchange/upload.html",
        {
            "tab": "index",
            "resource": resource,
            "items": resource.items.order_by("order", "id"),
            "report": report,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
def records(request, code):
    resource = selectors.resource_for_loading(user=request.user, code=code)
    return render(
        request,
        "exchange/records.html",
        {
            "tab": "index",
            "resource": resource,
            "codes": [i.code for i in resource.items.order_by("order", "id")],
            "page": _page(request, selectors.records_of(resource=resource)),
        },
    )


@login_required
def credentials(request, uuid):
    _steward(request)
    agreement = selectors.agreement_get(user=request.user, uuid=uuid)
    token = None
    if request.method == "POST":
        try:
            _credential, token = services.credential_issue(
                actor=request.user, agreement=agreement, label=request.POST.get("label", "")
            )
            messages.warning(request, _("Copy the credential now: it is shown only once."))
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "exchange/credentials.html",
        {
            "tab": "index",
            "agreement": agreement,
            "credentials": selectors.credentials_of(agreement=agreement),
            "can_issue": permissions.can_issue_credential(request.user, agreement),
            "token": token,
            "item_codes": agreement.approved_item_codes(),
        },
    )


@login_required
@require_POST
def credential_revoke(request, pk):
    credential = selectors.credential_get(user=request.user, pk=pk)
    try:
        services.credential_revoke(
            actor=request.user, credential=credential, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The credential is revoked."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("exchange:credentials", uuid=credential.agreement.uuid)


@login_required
def usage(request):
    _steward(request)
    side = request.GET.get("side", "")
    return render(
        request,
        "exchange/usage.html",
        {
            "tab": "usage",
            "side": side,
            "page": _page(request, selectors.access_log_list(user=request.user, side=side)),
        },
    )


@login_required
def objections(request):
    _steward(request)
    if request.method == "POST":
        agreement = _agreement(request, request.POST.get("agreement"))
        wanted = request.POST.get("record", "").strip()
        records = DataRecord.objects.filter(resource_id=agreement.resource_id)
        record = records.filter(key=wanted).first() or get_object_or_404(
            records, pk=int(wanted) if wanted.isdigit() else 0
        )
        try:
            objection = services.objection_file(
                actor=request.user,
                agreement=agreement,
                record=record,
                item_code=request.POST.get("item_code", ""),
                description=request.POST.get("description", ""),
                proposed_value=request.POST.get("proposed_value", ""),
            )
            messages.success(request, _("The objection is filed."))
            return redirect(objection.get_absolute_url())
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "exchange/objections.html",
        {
            "tab": "objections",
            "page": _page(request, selectors.objection_list(user=request.user)),
            "agreements": selectors.consumer_agreements(user=request.user),
        },
    )


@login_required
def objection_detail(request, uuid):
    _steward(request)
    objection = selectors.objection_get(user=request.user, uuid=uuid)
    if request.method == "POST":
        action = request.POST.get("action", "")
        changes = {}
        if action == "correct" and objection.item_code:
            changes = {objection.item_code: request.POST.get("value", "")}
        try:
            services.objection_move(
                actor=request.user,
                objection=objection,
                action=action,
                note=request.POST.get("note", ""),
                changes=changes,
            )
            messages.success(request, _("Done."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(objection.get_absolute_url())
    return render(
        request,
        "exchange/objection.html",
        {
            "tab": "objections",
            "objection": objection,
            "current_value": objection.record.data.get(objection.item_code) if objection.item_code else None,
            "events": objection.events.select_related("actor"),
            "clocks": selectors.objection_clocks(objection),
            "actions": workflow.actions_from(objection.state)
            if permissions.can_handle_objection(request.user, objection)
            else [],
        },
    )


@login_required
def return_flow(request):
    _steward(request)
    agreement = None
    if request.GET.get("agreement"):
        agreement = _agreement(request, request.GET["agreement"])
    return render(
        request,
        "exchange/return_flow.html",
        {
            "tab": "return-flow",
            "agreements": selectors.return_flow_agreements(user=request.user),
            "runs": selectors.return_flow_runs(user=request.user),
            "agreement": agreement,
            "returned": selectors.returned_records(agreement=agreement) if agreement else [],
            "failed": RunStatus.FAILED,
        },
    )


@login_required
@require_POST
def return_flow_sync(request, uuid):
    agreement = selectors.agreement_get(user=request.user, uuid=uuid)
    if not permissions.can_sync_return_flow(request.user, agreement):
        raise PermissionDenied
    if queue(return_flow_sync_task, [(agreement.pk, "manual")]):
        messages.success(request, _("A sync run is queued; refresh in a moment."))
    else:  # no broker (e.g. the demo without a worker): run it here
        run = services.return_flow_sync(agreement_id=agreement.pk, trigger="manual", actor=request.user)
        messages.info(
            request,
            _("Sync run finished: %(rows)s rows, %(status)s.")
            % {"rows": run.rows, "status": run.get_status_display()},
        )
    return redirect("exchange:return-flow")


@login_required
def stats(request):
    _steward(request)
    data = selectors.dashboard(user=request.user)
    types, levels = dict(SharingType.choices), dict(OrgLevel.choices)
    for row in data.get("by_sharing_type", []):
        row["label"] = str(types.get(row["sharing_type"], row["sharing_type"]))
    for row in data.get("by_level", []):
        row["label"] = str(levels.get(row["provider__level"], row["provider__level"]))
    labels = {"calls": _("Calls"), "refused": _("Refused calls"), "records": _("Records"), "rows": _("Rows")}
    return render(request, "exchange/stats.html", {"tab": "stats", "data": data, "labels": labels})
