"""Pages for agents (代办), assessed areas (区域评估) and pledge verification (告知承诺).

Applicants authorise and revoke agents at /apply/agents/; agents see their clients at
/apply/clients/ and then use the applicant pages on their behalf (approvals.views_apply);
reviewers of the lead department verify pledges at /work/verifications/.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from approvals import permissions, services
from approvals.forms_assist import AgentGrantForm, AreaForm, RevokeGrantForm, VerificationForm
from approvals.models import AgentGrant
from approvals.selectors import assistance as assist
from coordination.permissions import is_official
from portal.clocks.selectors import clocks_by_subject, clocks_for
from portal.errors import DomainError


def _form_error(form, error) -> None:
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, getattr(error, "message", str(error)))


# -- the applicant's agents ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def agents(request):
    """The applicant's grants to government agents, and a form to give one."""
    form = AgentGrantForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.agent_grant_create(
                    actor=request.user,
                    agent=data["agent"],
                    may_prepare=data["may_prepare"],
                    may_withdraw=data["may_withdraw"],
                    item=data["item"],
                    package=data["package"],
                    valid_until=data["valid_until"],
                    note=data["note"],
                )
            except (DomainError, PermissionDenied) as error:
                _form_error(form, error)
            else:
                messages.success(
                    request, _("The agent is authorised and has been told. You can revoke it at any time.")
                )
                return redirect("apply:agents")
        status = 400
    return render(
        request,
        "approvals/apply/agents.html",
        {"form": form, "grants": assist.grants_given(user=request.user), "revoke_form": RevokeGrantForm()},
        status=status,
    )


@login_required
@require_POST
def agent_revoke(request, uuid):
    try:
        grant = AgentGrant.objects.get(uuid=uuid, applicant_id=request.user.pk)
    except (AgentGrant.DoesNotExist, ValueError):
        raise Http404 from None
    form = RevokeGrantForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.agent_grant_revoke(actor=request.user, grant=grant, reason=reason)
    except (DomainError, PermissionDenied) as error:
        messages.error(request, getattr(error, "message", str(error)))
    else:
        messages.success(request, _("The authorisation was revoked; the agent can no longer act for you."))
    return redirect("apply:agents")


@login_required
def clients(request):
    """The agent's clients: active grants and the applications they reach."""
    if not permissions.is_government_agent(request.user):
        raise PermissionDenied(_("Only government agents (代办员) have clients."))
    return render(request, "approvals/apply/clients.html", {"clients": assist.clients_of(user=request.user)})


# -- the project's area ------------------------------------------------------------------------------------


@login_required
@require_POST
def area(request, uuid):
    application = assist.actable_application(user=request.user, uuid=uuid)
    form = AreaForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed areas."))
    else:
        try:
            services.application_set_area(
                actor=request.user, application=application, area=form.cleaned_data["area"]
            )
        except (DomainError, PermissionDenied) as error:
            messages.error(request, getattr(error, "message", str(error)))
        else:
            messages.success(request, _("Saved. Materials covered by the area's assessments are marked."))
    return redirect(reverse("apply:edit", kwargs={"uuid": application.uuid}) + "#project-area")


# -- pledge verification (officials) -------------------------------------------------------------------------


@login_required
def verifications(request):
    if not is_official(request.user):
        raise PermissionDenied
    rows = list(assist.verifications_for(user=request.user)[:200])
    clocks = clocks_by_subject(subjects=rows)
    for row in rows:
        row.clock = next(iter(clocks.get(str(row.pk), [])), None)
    return render(request, "approvals/work/verifications.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def verification(request, pk):
    row = assist.verification_for(user=request.user, pk=pk)
    form = VerificationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.pledge_verification_decide(
                    actor=request.user,
                    verification=row,
                    kept=form.cleaned_data["kept"],
                    findings=form.cleaned_data["findings"],
                )
            except (DomainError, PermissionDenied) as error:
                _form_error(form, error)
            else:
                messages.success(request, _("The verification was recorded."))
                return redirect("work:verification", pk=row.pk)
        status = 400
    found = clocks_for(subject=row)
    return render(
        request,
        "approvals/work/verification.html",
        {"row": row, "form": form, "clock": found[0] if found else None},
        status=status,
    )
