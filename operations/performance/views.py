"""Performance and payment pages. Thin: selectors read (out of scope → 404), services write and
decide who may (a DomainError shows as a message and nothing changes)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from operations.performance import forms, selectors, services
from operations.performance import permissions as perms
from operations.performance.models import Indicator, IndicatorScore, PaymentCalculation, State
from portal import pdf
from portal.errors import DomainError


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _run(request, call, success: str) -> bool:
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


@login_required
def evaluation_list(request):
    if not perms.can_use_performance(request.user):
        raise PermissionDenied
    evaluations = selectors.evaluations_visible(request.user)[:200]
    return render(request, "performance/evaluation_list.html", {"evaluations": evaluations})


@login_required
def project_performance(request, code):
    project = selectors.project_get(request.user, code)
    framework = services.current_framework(project)
    user = request.user
    context = {
        "project": project,
        "framework": framework,
        "tree": selectors.framework_tree(framework) if framework else [],
        "leaves": framework.indicators.filter(level=3).order_by(
            "parent__parent__position", "parent__position", "position"
        )
        if framework
        else [],
        "evaluations": selectors.evaluations_visible(user).filter(project=project),
        "records": selectors.records_for(project)[:50],
        "calculations": selectors.payments_for(project),
        "history": selectors.score_history(project),
        "mechanism": project.payment_mechanisms.filter(active=True).first(),
        "can_edit": perms.can_edit_framework(user, project),
        "can_report": perms.can_report(user, project),
        "can_create": perms.is_agency(user, project) or perms.is_manager(user, project),
        "record_form": forms.RecordForm(),
        "create_form": forms.EvaluationCreateForm(),
    }
    return render(request, "performance/project.html", context)


@login_required
def framework_edit(request, code):
    project = selectors.project_get(request.user, code)
    if not perms.can_edit_framework(request.user, project):
        raise PermissionDenied
    framework = services.current_framework(project)
    if request.method == "POST":
        form = forms.FrameworkForm(request.POST)
        if form.is_valid() and _run(
            request,
            lambda: services.framework_save(
                actor=request.user,
                project=project,
                tree=form.cleaned_data["tree"],
                goals=form.cleaned_data["goals"],
            ),
            _("The indicator framework is saved."),
        ):
            return redirect("performance:project", code=project.code)
        _form_errors(request, form)
    else:
        initial = {
            "tree": json.dumps(_tree_json(framework), ensure_ascii=False, indent=2) if framework else "[]"
        }
        form = forms.FrameworkForm(initial={**initial, "goals": framework.goals if framework else ""})
    return render(
        request, "performance/framework_edit.html", {"project": project, "form": form, "framework": framework}
    )


@login_required
def mechanism_edit(request, code):
    """The payment mechanism: saving makes a new active one; calculations keep the one they used."""
    project = selectors.project_get(request.user, code)
    if not perms.can_edit_framework(request.user, project):
        raise PermissionDenied
    current = project.payment_mechanisms.filter(active=True).first()
    if request.method == "POST":
        form = forms.MechanismForm(request.POST)
        if form.is_valid():
            try:
                services.mechanism_save(actor=request.user, project=project, data=form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The payment mechanism is saved."))
                return redirect("performance:project", code=project.code)
        status = 400
    else:
        initial = {}
        if current is not None:
            initial = {k: getattr(current, k) for k in services.MECHANISM_FIELDS}
            initial["bands"] = json.dumps(current.bands, ensure_ascii=False, indent=2, default=str)
        form = forms.MechanismForm(initial=initial)
        status = 200
    return render(
        request,
        "performance/mechanism_edit.html",
        {"project": project, "form": form, "current": current},
        status=status,
    )


def _tree_json(framework) -> list[dict]:
    def node(item):
        indicator, children = item["indicator"], item["children"]
        data = {"code": indicator.code, "name": indicator.name, "weight": str(indicator.weight)}
        if indicator.level == 1:
            data["dimension"] = indicator.dimension
        if children:
            data["children"] = [node(c) for c in children]
        else:
            data.update(
                method=indicator.method,
                params=indicator.params,
                max_score=str(indicator.max_score),
                veto=indicator.veto,
                frequency=indicator.frequency,
                standard=indicator.standard,
                data_source=indicator.data_source,
                explanation=indicator.explanation,
            )
        return data

    return [node(item) for item in selectors.framework_tree(framework)]


@login_required
@require_POST
def record_add(request, code):
    project = selectors.project_get(request.user, code)
    form = forms.RecordForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        indicator = get_object_or_404(Indicator, pk=data.pop("indicator"), framework__project=project)
        _run(
            request,
            lambda: services.record_add(actor=request.user, indicator=indicator, **data),
            _("The monitoring data is recorded."),
        )
    else:
        _form_errors(request, form)
    return redirect("performance:project", code=project.code)


@login_required
@require_POST
def evaluation_create(request, code):
    project = selectors.project_get(request.user, code)
    form = forms.EvaluationCreateForm(request.POST)
    if form.is_valid():
        result = {}

        def call():
            result["evaluation"] = services.evaluation_create(
                actor=request.user, project=project, **form.cleaned_data
            )

        if _run(request, call, _("The evaluation is created.")):
            return redirect("performance:evaluation", pk=result["evaluation"].pk)
    else:
        _form_errors(request, form)
    return redirect("performance:project", code=project.code)


@login_required
def evaluation_detail(request, pk):
    evaluation = selectors.evaluation_get(request.user, pk)
    user = request.user
    stage_open = {
        State.SELF_ASSESSMENT: perms.can_self_assess(user, evaluation),
        State.AGENCY_SCORING: perms.can_score(user, evaluation),
    }.get(evaluation.state, False)
    actions = [
        action
        for action, (source, _target) in services.TRANSITIONS.items()
        if evaluation.state == source and services.ALLOWED[action](user, evaluation)
    ]
    calculation = (
        PaymentCalculation.objects.filter(evaluation=evaluation).prefetch_related("payments").first()
    )
    context = {
        "evaluation": evaluation,
        "project": evaluation.project,
        "rows": selectors.evaluation_rows(evaluation),
        "can_score": stage_open,
        "actions": actions,
        "can_assign": evaluation.state in (State.DRAFT, State.SELF_ASSESSMENT, State.AGENCY_SCORING)
        and (perms.is_agency(user, evaluation.project) or perms.is_manager(user, evaluation.project)),
        "can_pay": perms.can_pay(user, evaluation.project),
        "calculation": calculation,
        "evaluators": list(evaluation.evaluators.all()),
        "transitions": list(evaluation.transitions.select_related("actor")),
        "calculate_form": forms.CalculateForm(),
        "payment_form": forms.PaymentForm(),
        "assign_form": forms.AssignForm(),
    }
    return render(request, "performance/evaluation.html", context)


@login_required
@require_POST
def score_save(request, pk):
    evaluation = selectors.evaluation_get(request.user, pk)
    form = forms.ScoreForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        indicator = get_object_or_404(Indicator, pk=data["indicator"], framework=evaluation.framework_id)
        _run(
            request,
            lambda: services.score_save(
                actor=request.user,
                evaluation=evaluation,
                indicator=indicator,
                value=data["value"],
                evidence_text=data["evidence_text"],
                evidence_file=data["evidence_file"],
            ),
            _("The score is saved."),
        )
    else:
        _form_errors(request, form)
    return redirect("performance:evaluation", pk=evaluation.pk)


@login_required
@require_POST
def evaluation_transition(request, pk):
    evaluation = selectors.evaluation_get(request.user, pk)
    form = forms.TransitionForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.evaluation_transition(
                actor=request.user, evaluation=evaluation, **form.cleaned_data
            ),
            _("The evaluation has moved on."),
        )
    return redirect("performance:evaluation", pk=evaluation.pk)


@login_required
@require_POST
def evaluation_assign(request, pk):
    evaluation = selectors.evaluation_get(request.user, pk)
    form = forms.AssignForm(request.POST)
    if form.is_valid():
        evaluator = get_user_model().objects.filter(username=form.cleaned_data["username"]).first()
        if evaluator is None:
            messages.error(request, _("No such user."))
        else:
            _run(
                request,
                lambda: services.evaluation_assign(
                    actor=request.user, evaluation=evaluation, evaluator=evaluator
                ),
                _("The evaluator is assigned."),
            )
    return redirect("performance:evaluation", pk=evaluation.pk)


@login_required
@require_POST
def calculation_create(request, pk):
    evaluation = selectors.evaluation_get(request.user, pk)
    form = forms.CalculateForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.calculation_create(
                actor=request.user, evaluation=evaluation, events=form.cleaned_data["events"]
            ),
            _("The payment is calculated."),
        )
    return redirect("performance:evaluation", pk=evaluation.pk)


@login_required
@require_POST
def payment_record(request, pk):
    evaluation = selectors.evaluation_get(request.user, pk)
    calculation = get_object_or_404(PaymentCalculation, evaluation=evaluation)
    form = forms.PaymentForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.payment_record(actor=request.user, calculation=calculation, **form.cleaned_data),
            _("The payment is recorded."),
        )
    else:
        _form_errors(request, form)
    return redirect("performance:evaluation", pk=evaluation.pk)


def report_context(evaluation) -> dict:
    return {
        "evaluation": evaluation,
        "project": evaluation.project,
        "rows": selectors.evaluation_rows(evaluation),
        "calculation": PaymentCalculation.objects.filter(evaluation=evaluation).first(),
        "transitions": list(evaluation.transitions.select_related("actor")),
    }


@login_required
def evaluation_report(request, pk):
    evaluation = selectors.evaluation_get(request.user, pk)
    content = pdf.render_pdf("performance/report_pdf.html", report_context(evaluation))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="evaluation-{evaluation.pk}.pdf"'
    return response


@login_required
def evidence_file(request, pk, score_id):
    """An evidence file, only to those who may see the evaluation."""
    evaluation = selectors.evaluation_get(request.user, pk)
    score = get_object_or_404(IndicatorScore, pk=score_id, evaluation=evaluation)
    if not score.evidence_file:
        raise Http404
    name = score.evidence_file.name.rsplit("/", 1)[-1]
    return FileResponse(score.evidence_file.open("rb"), as_attachment=True, filename=name)
