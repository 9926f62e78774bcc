"""Pages of public consultations. Thin: selectors read (scoped; outside scope → 404), services
write and decide (PermissionDenied → 403, DomainError → the form shows it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.errors import DomainError
from portal.uploads import attachment_response

from . import conf, forms, permissions, selectors, services, stats
from .models import CommentStatus, ConsultationStatus, Outcome


def _page(request, qs, day):
    page = Paginator(qs, conf.PAGE_SIZE).get_page(request.GET.get("page"))
    for c in page:
        c.effective_code = c.effective_status(day)
        c.effective_label = ConsultationStatus(c.effective_code).label
    return page


def _form_error(form, exc: DomainError):
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


# -- public ---------------------------------------------------------------------------------------------


def public_list(request):
    day = services.today()
    state = request.GET.get("state", "")
    if state not in (ConsultationStatus.OPEN, ConsultationStatus.CLOSED, ConsultationStatus.PUBLISHED):
        state = ""
    page = _page(request, selectors.public_list(day=day, state=state), day)
    return render(
        request,
        "consultations/list.html",
        {
            "page": page,
            "state": state,
            "today": day,
            "states": [
                (ConsultationStatus.OPEN, _("Open for comment")),
                (ConsultationStatus.CLOSED, _("Closed, answers in preparation")),
                (ConsultationStatus.PUBLISHED, _("Answers published")),
            ],
            "can_manage": permissions.can_manage_any(request.user),
        },
    )


def detail(request, number, comment_form=None, status=200):
    day = services.today()
    consultation = selectors.public_get(number=number, day=day)
    effective = consultation.effective_status(day)
    published = consultation.status == ConsultationStatus.PUBLISHED
    context = {
        "consultation": consultation,
        "effective": effective,
        "effective_label": ConsultationStatus(effective).label,
        "today": day,
        "documents": selectors.documents(consultation),
        "accepts": effective == ConsultationStatus.OPEN,
        "can_comment": permissions.can_comment(request.user),
        "can_manage": permissions.can_manage(request.user, consultation),
        "own_comments": selectors.own_comments(user=request.user, consultation=consultation),
        "comment_form": comment_form or forms.CommentForm(),
        "published_comments": selectors.published_comments(consultation),
    }
    if published:
        context["stats"] = stats.consultation_stats(consultation)
    return render(request, "consultations/detail.html", context, status=status)


def comment(request, number):
    """Submit a comment: applicants and representatives only; anonymous users go to the login page."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("consultations:detail", args=[number]) + "#comment")
    if request.method != "POST":
        return redirect("consultations:detail", number=number)
    consultation = selectors.public_get(number=number, day=services.today())
    form = forms.CommentForm(request.POST, request.FILES)
    if not form.is_valid():
        return detail(request, number, comment_form=form, status=400)
    try:
        services.comment_create(
            actor=request.user,
            consultation=consultation,
            text=form.cleaned_data["text"],
            section_ref=form.cleaned_data["section_ref"],
            show_name=form.cleaned_data["show_name"],
            attachment=form.cleaned_data.get("attachment"),
        )
    except DomainError as exc:
        _form_error(form, exc)
        return detail(request, number, comment_form=form, status=exc.status_code)
    messages.success(request, _("Thank you: your comment has been submitted."))
    return redirect(consultation.get_absolute_url() + "#my-comments")


@login_required
@require_POST
def comment_withdraw(request, pk):
    comment = selectors.own_comment(user=request.user, pk=pk)
    try:
        services.comment_withdraw(actor=request.user, comment=comment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your comment has been withdrawn."))
    return redirect(comment.consultation.get_absolute_url() + "#my-comments")


def document_download(request, number, pk):
    day = services.today()
    document = selectors.viewable_document(user=request.user, number=number, pk=pk, day=day)
    return attachment_response(
        document.file, filename=document.original_name, content_type=document.content_type, private=False
    )


@login_required
def attachment_download(request, pk):
    comment = selectors.attachment_comment(user=request.user, pk=pk)
    return attachment_response(
        comment.attachment, filename=comment.attachment_name, content_type=comment.attachment_type
    )


def statistics(request):
    """Statistics across consultations: officials see those they manage, everyone the published ones."""
    can_manage_any = permissions.can_manage_any(request.user)
    if can_manage_any:
        qs = selectors.managed_list(user=request.user).exclude(status=ConsultationStatus.DRAFT)
        scope = "managed"
    else:
        qs = selectors.public_list(day=services.today(), state=ConsultationStatus.PUBLISHED)
        scope = "public"
    rows, total = stats.stats_across(qs[:200])
    day = services.today()
    for c, _s in rows:
        c.effective_label = ConsultationStatus(c.effective_status(day)).label
    return render(
        request,
        "consultations/statistics.html",
        {
            "rows": rows,
            "total": total,
            "scope": scope,
            "chart": total.chart_data(),
            "can_manage_any": can_manage_any,
        },
    )


# -- management -----------------------------------------------------------------------------------------


def _require_manager_any(request):
    if not permissions.can_manage_any(request.user):
        raise PermissionDenied(_("This page is for officials who run consultations."))


@login_required
def manage_list(request):
    _require_manager_any(request)
    status = request.GET.get("status", "")
    if status not in ConsultationStatus.values:
        status = ""
    day = services.today()
    page = _page(request, selectors.managed_list(user=request.user, status=status), day)
    return render(
        request,
        "consultations/manage_list.html",
        {"page": page, "status": status, "statuses": ConsultationStatus.choices, "today": day},
    )


@login_required
def manage_create(request):
    _require_manager_any(request)
    unit_ids = permissions.managed_unit_ids(request.user)
    form = forms.ConsultationForm(request.POST or None, unit_ids=unit_ids)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            unit = data.pop("owner_unit")
            try:
                consultation = services.consultation_create(actor=request.user, owner_unit=unit, data=data)
            except DomainError as exc:
                _form_error(form, exc)
                status = exc.status_code
            else:
                messages.success(
                    request, _("Consultation %(number)s created.") % {"number": consultation.number}
                )
                return redirect(consultation.get_manage_url())
        else:
            status = 400
    return render(
        request, "consultations/manage_form.html", {"form": form, "consultation": None}, status=status
    )


@login_required
def manage_edit(request, number):
    consultation = selectors.managed_get(user=request.user, number=number)
    form = forms.ConsultationForm(request.POST or None, instance=consultation)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.consultation_update(
                    actor=request.user, consultation=consultation, data=form.cleaned_data
                )
            except DomainError as exc:
                _form_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("Consultation saved."))
                return redirect(consultation.get_manage_url())
        else:
            status = 400
    return render(
        request, "consultations/manage_form.html", {"form": form, "consultation": consultation}, status=status
    )


@login_required
def manage_detail(request, number, forms_override=None, status=200):
    consultation = selectors.managed_get(user=request.user, number=number)
    day = services.today()
    effective = consultation.effective_status(day)
    comments = selectors.comments_for_manager(consultation)
    overrides = forms_override or {}
    for c in comments:
        c.answer_form = overrides.get(("answer", c.pk)) or forms.AnswerForm(
            initial={"outcome": c.outcome or Outcome.ADOPTED, "answer": c.answer}, prefix=f"c{c.pk}"
        )
        c.hide_form = overrides.get(("hide", c.pk)) or forms.ReasonForm(prefix=f"h{c.pk}")
    summary = stats.consultation_stats(consultation)
    return render(
        request,
        "consultations/manage_detail.html",
        {
            "consultation": consultation,
            "effective": effective,
            "effective_label": ConsultationStatus(effective).label,
            "today": day,
            "documents": selectors.documents(consultation),
            "comments": comments,
            "stats": summary,
            "chart": summary.chart_data(),
            "document_form": overrides.get("document") or forms.DocumentForm(),
            "publish_form": overrides.get("publish")
            or forms.PublishForm(initial={"summary": consultation.answers_summary}),
            "withdraw_form": overrides.get("withdraw") or forms.ReasonForm(prefix="withdraw"),
            "can_edit": effective in (ConsultationStatus.DRAFT, ConsultationStatus.SCHEDULED),
            "can_answer": effective in (ConsultationStatus.OPEN, ConsultationStatus.CLOSED),
            "can_publish": effective == ConsultationStatus.CLOSED,
            "can_withdraw": consultation.status
            not in (ConsultationStatus.PUBLISHED, ConsultationStatus.WITHDRAWN),
            "ACTIVE": CommentStatus.ACTIVE,
        },
        status=status,
    )


def _action(request, number, *, key, form, call, success):
    """Run a management action from the consultation page; on error show the page with the form."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
            return manage_detail(request, number, forms_override={key: form}, status=exc.status_code)
        messages.success(request, success)
        return redirect("consultations:manage_detail", number=number)
    return manage_detail(request, number, forms_override={key: form}, status=400)


@login_required
@require_POST
def manage_schedule(request, number):
    consultation = selectors.managed_get(user=request.user, number=number)
    try:
        consultation = services.consultation_schedule(actor=request.user, consultation=consultation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Consultation released: %(status)s.") % {"status": consultation.get_status_display()}
        )
    return redirect(consultation.get_manage_url())


@login_required
@require_POST
def manage_withdraw(request, number):
    consultation = selectors.managed_get(user=request.user, number=number)
    return _action(
        request,
        number,
        key="withdraw",
        form=forms.ReasonForm(request.POST, prefix="withdraw"),
        call=lambda d: services.consultation_withdraw(
            actor=request.user, consultation=consultation, reason=d["reason"]
        ),
        success=_("Consultation withdrawn."),
    )


@login_required
@require_POST
def manage_document(request, number):
    consultation = selectors.managed_get(user=request.user, number=number)
    return _action(
        request,
        number,
        key="document",
        form=forms.DocumentForm(request.POST, request.FILES),
        call=lambda d: services.document_add(
            actor=request.user, consultation=consultation, title=d["title"], uploaded_file=d["file"]
        ),
        success=_("Document added."),
    )


@login_required
@require_POST
def manage_answer(request, number, pk):
    consultation = selectors.managed_get(user=request.user, number=number)
    comment = selectors.managed_comment(user=request.user, consultation=consultation, pk=pk)
    return _action(
        request,
        number,
        key=("answer", comment.pk),
        form=forms.AnswerForm(request.POST, prefix=f"c{comment.pk}"),
        call=lambda d: services.comment_answer(
            actor=request.user, comment=comment, outcome=d["outcome"], answer=d["answer"]
        ),
        success=_("Answer saved."),
    )


@login_required
@require_POST
def manage_hide(request, number, pk):
    consultation = selectors.managed_get(user=request.user, number=number)
    comment = selectors.managed_comment(user=request.user, consultation=consultation, pk=pk)
    return _action(
        request,
        number,
        key=("hide", comment.pk),
        form=forms.ReasonForm(request.POST, prefix=f"h{comment.pk}"),
        call=lambda d: services.comment_hide(actor=request.user, comment=comment, reason=d["reason"]),
        success=_("Comment hidden; the commenter has been told why."),
    )


@login_required
@require_POST
def manage_publish(request, number):
    consultation = selectors.managed_get(user=request.user, number=number)
    return _action(
        request,
        number,
        key="publish",
        form=forms.PublishForm(request.POST),
        call=lambda d: services.consultation_publish(
            actor=request.user, consultation=consultation, summary=d["summary"]
        ),
        success=_("Answers published; every commenter has been told."),
    )
