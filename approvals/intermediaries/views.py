"""Pages of the intermediary market, mounted at /market/.

Public (no login): intermediaries with qualifications and scores, announcements and results with
the seed hash (before) and seed (after), and the verify page. Logged in: owners' pages (/my/),
intermediaries' pages (/firm/), the regulator's pages (/regulate/).

Thin: selectors read (outside the user's scope → 404), services write and decide who may
(PermissionDenied → 403), a DomainError shows its message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.errors import DomainError
from portal.pii_reveal import reveal_response
from portal.uploads import attachment_response

from . import conf, forms, permissions, selectors, services
from .models import Bid, NeedStatus, SelectionMode
from .verify import verify as verify_need

PAGE = 20


def _clock(need):
    """The service-days clock with its ledger (portal.clocks.selectors), or None before the contract."""
    from portal.clocks.selectors import clocks_for

    found = [c for c in clocks_for(subject=need) if c.purpose == services.SERVICE_CLOCK]
    return found[0] if found else None


# -- public -------------------------------------------------------------------------------------------------


@require_GET
def index(request):
    intermediaries = selectors.public_intermediaries()
    needs = Paginator(selectors.public_needs(), PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "intermediaries/index.html",
        {
            "intermediaries": intermediaries,
            "needs": needs,
            "min_score": conf.min_score(),
            "weights": conf.credit_weights(),
        },
    )


@require_GET
def announcement(request, uuid):
    need = selectors.public_need(uuid=uuid)
    return render(request, "intermediaries/announcement.html", {"need": need})


@require_GET
def verify(request):
    form = forms.VerifyForm(request.GET or None)
    context = {"form": form}
    if form.is_valid():
        need = selectors.need_by_number(form.cleaned_data["need"])
        if need is None:
            form.add_error("need", _("No announced need has this number."))
        else:
            result = verify_need(need, form.cleaned_data["seed"])
            context.update(need=need, result=result)
            if request.GET.get("format") == "json":
                return JsonResponse(
                    {
                        "need": need.number,
                        "seed_hash": need.seed_hash,
                        "seed_matches_hash": result.seed_matches,
                        "recomputed_winner": result.winner_key,
                        "published_winner": need.winner.uscc if need.winner_id else None,
                        "winner_matches": result.winner_matches,
                        "tickets": [{"uscc": k, "ticket": t} for k, t in result.tickets],
                    }
                )
    return render(request, "intermediaries/verify.html", context)


# -- owners -------------------------------------------------------------------------------------------------


def _owner_only(request):
    if permissions.is_official(request.user):
        raise PermissionDenied(
            _("Officials may not choose or act for an owner in the intermediary market; only the owner may.")
        )
    if not permissions.is_owner(request.user):
        raise PermissionDenied(_("Only applicants (citizens and enterprises) post service needs."))


@login_required
@require_GET
def my_needs(request):
    _owner_only(request)
    page = Paginator(selectors.owner_needs(user=request.user), PAGE).get_page(request.GET.get("page"))
    return render(request, "intermediaries/my_needs.html", {"page": page})


@login_required
def need_new(request):
    _owner_only(request)
    form = forms.NeedForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.need_post(actor=request.user, data=form.service_data())
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The need was announced; the hash of its draw seed is public."))
            return redirect("intermediaries:my-need", uuid=need.uuid)
    return render(
        request,
        "intermediaries/need_form.html",
        {"form": form, "direct_max": conf.direct_pick_max_budget(), "minimum": conf.public_funds_min()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def my_need(request, uuid):
    need = selectors.owner_need(user=request.user, uuid=uuid)
    bids = list(need.bids.select_related("intermediary__unit").order_by("price", "id"))
    context = {
        "need": need,
        "bids": bids,
        "clock": _clock(need),
        "contract_form": forms.ContractForm(initial={"amount": need.winning_price}),
        "rating_form": forms.RatingForm(),
        "complaint_form": forms.ComplaintForm(),
        "reason_form": forms.ReasonForm(),
        "pick_form": forms.DirectPickForm(queryset=selectors.eligible(service_type=need.service_type))
        if need.mode == SelectionMode.DIRECT and need.status == NeedStatus.OPEN
        else None,
        "has_rating": hasattr(need, "rating"),
    }
    return render(request, "intermediaries/my_need.html", context)


def _run(request, need, call, success):
    try:
        result = call()
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("intermediaries:my-need", uuid=need.uuid)
    messages.success(request, success)
    return result


@login_required
@require_POST
def my_need_action(request, uuid, action):
    need = selectors.owner_need(user=request.user, uuid=uuid)
    post, user = request.POST, request.user
    back = redirect("intermediaries:my-need", uuid=need.uuid)

    def with_form(form, call, success):
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return back
        _run(request, need, lambda: call(form.cleaned_data), success)
        return back

    if action == "draw":
        _run(
            request,
            need,
            lambda: services.need_draw(actor=user, need=need),
            _("The draw was run; the seed is now public."),
        )
    elif action == "select":
        _run(
            request,
            need,
            lambda: services.need_select(actor=user, need=need),
            _("The bidding was closed and evaluated."),
        )
    elif action == "pick":
        return with_form(
            forms.DirectPickForm(post, queryset=selectors.eligible(service_type=need.service_type)),
            lambda d: services.need_direct_pick(actor=user, need=need, intermediary=d["intermediary"]),
            _("The intermediary was picked."),
        )
    elif action == "contract":
        return with_form(
            forms.ContractForm(post),
            lambda d: services.contract_file(actor=user, need=need, **d),
            _("The contract was filed; the service days are counted."),
        )
    elif action == "approve":
        _run(
            request,
            need,
            lambda: services.result_approve(actor=user, need=need),
            _("The result was approved."),
        )
    elif action == "return":
        return with_form(
            forms.ReasonForm(post),
            lambda d: services.result_return(actor=user, need=need, reason=d["reason"]),
            _("The result was returned to the intermediary."),
        )
    elif action == "attach":
        _run(
            request,
            need,
            lambda: services.result_attach(actor=user, need=need),
            _("The result was attached to your application."),
        )
    elif action == "rate":
        return with_form(
            forms.RatingForm(post),
            lambda d: services.rating_submit(actor=user, need=need, **d),
            _("Thank you: your rating counts in the intermediary's credit score."),
        )
    elif action == "complain":
        return with_form(
            forms.ComplaintForm(post),
            lambda d: services.complaint_file(actor=user, need=need, **d),
            _("Your complaint was sent to the market regulator."),
        )
    elif action == "repost":
        result = _run(
            request, need, lambda: services.need_repost(actor=user, need=need), _("The need was re-posted.")
        )
        if hasattr(result, "uuid"):
            return redirect("intermediaries:my-need", uuid=result.uuid)
    elif action == "cancel":
        _run(request, need, lambda: services.need_cancel(actor=user, need=need), _("The need was withdrawn."))
    elif action.startswith("score-"):
        bid = (
            Bid.objects.filter(need=need, pk=action.removeprefix("score-")).first()
            if action[6:].isdigit()
            else None
        )
        if bid is None:
            raise Http404
        scores = {c["name"]: post.get(f"c{i}", "") for i, c in enumerate(need.criteria)}
        _run(
            request,
            need,
            lambda: services.bid_score(actor=user, need=need, bid=bid, scores=scores),
            _("The bid was scored."),
        )
    else:
        raise Http404
    return back


@login_required
@require_GET
def result_download(request, uuid):
    need = (
        selectors.owner_needs(user=request.user).filter(uuid=uuid).first()
        or selectors.engagements(user=request.user).filter(uuid=uuid).first()
    )
    if need is None:
        raise Http404
    return attachment_response(need.result, filename=need.result_name or "result")


# -- intermediaries ---------------------------------------------------------------------------------------


def _staff_only(request):
    if request.user.kind != "intermediary":
        raise PermissionDenied(_("These pages are for intermediaries."))


@login_required
def firm(request):
    _staff_only(request)
    intermediary = selectors.intermediary_for(request.user)
    register_form = forms.RegisterForm(request.POST or None)
    if intermediary is None and request.method == "POST" and register_form.is_valid():
        try:
            services.intermediary_register(actor=request.user, **register_form.cleaned_data)
        except DomainError as error:
            register_form.add_error(
                error.field if error.field in register_form.fields else None, error.message
            )
        else:
            messages.success(request, _("Registered. Add qualifications and staff, then submit for review."))
            return redirect("intermediaries:firm")
    context = {
        "intermediary": intermediary,
        "register_form": register_form,
        "has_unit": bool(permissions.staff_unit_ids(request.user)),
        "qualification_form": forms.QualificationForm(),
        "staff_form": forms.StaffForm(),
    }
    if intermediary is not None:
        context["qualifications"] = intermediary.qualifications.all()
        context["staff"] = intermediary.staff.all()
        context["blacklist"] = intermediary.blacklist.all()
    return render(request, "intermediaries/firm.html", context)


@login_required
@require_POST
def firm_action(request, action):
    _staff_only(request)
    intermediary = selectors.intermediary_for(request.user)
    if intermediary is None:
        raise Http404
    try:
        if action == "qualification":
            form = forms.QualificationForm(request.POST, request.FILES)
            if not form.is_valid():
                raise DomainError(" ".join(str(e) for errors in form.errors.values() for e in errors))
            services.qualification_add(
                actor=request.user,
                intermediary=intermediary,
                data={k: v for k, v in form.cleaned_data.items() if k != "scan_file"},
                scan=form.cleaned_data.get("scan_file"),
            )
        elif action == "staff":
            form = forms.StaffForm(request.POST)
            if not form.is_valid():
                raise DomainError(" ".join(str(e) for errors in form.errors.values() for e in errors))
            services.staff_add(actor=request.user, intermediary=intermediary, **form.cleaned_data)
        elif action == "submit":
            services.intermediary_submit(actor=request.user, intermediary=intermediary)
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("intermediaries:firm")


@login_required
@require_GET
def opportunities(request):
    _staff_only(request)
    intermediary = selectors.intermediary_for(request.user)
    needs = selectors.opportunities(intermediary=intermediary) if intermediary else []
    mine = (
        set(Bid.objects.filter(intermediary=intermediary).values_list("need_id", flat=True))
        if intermediary
        else set()
    )
    return render(
        request,
        "intermediaries/opportunities.html",
        {"needs": needs, "mine": mine, "intermediary": intermediary},
    )


@login_required
def bid(request, uuid):
    _staff_only(request)
    need = selectors.open_need_for_bidding(user=request.user, uuid=uuid)
    form = forms.BidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.bid_submit(actor=request.user, need=need, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your bid was submitted."))
            return redirect("intermediaries:opportunities")
    return render(request, "intermediaries/bid.html", {"need": need, "form": form})


@login_required
@require_GET
def engagements(request):
    _staff_only(request)
    return render(
        request, "intermediaries/engagements.html", {"needs": selectors.engagements(user=request.user)}
    )


@login_required
def engagement(request, uuid):
    _staff_only(request)
    need = selectors.engagement(user=request.user, uuid=uuid)
    form = forms.ResultForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.result_upload(actor=request.user, need=need, uploaded_file=form.cleaned_data["file"])
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("The result was uploaded; the owner was told."))
            return redirect("intermediaries:engagement", uuid=need.uuid)
    return render(
        request,
        "intermediaries/engagement.html",
        {"need": need, "form": form, "clock": _clock(need)},
    )


# -- the regulator -----------------------------------------------------------------------------------------


def _regulator_only(request):
    if not permissions.is_regulator(request.user):
        raise PermissionDenied(_("Only the market regulator may open these pages."))


@login_required
@require_GET
def regulate(request):
    _regulator_only(request)
    return render(
        request,
        "intermediaries/regulate.html",
        {
            "intermediaries": selectors.regulator_intermediaries(user=request.user),
            "complaints": selectors.regulator_complaints(user=request.user)[:50],
        },
    )


@login_required
@require_POST
def regulate_contact_phone(request, pk):
    """The contact's phone in full, for the market regulator (audited)."""
    _regulator_only(request)
    intermediary = selectors.regulator_intermediary(user=request.user, pk=pk)
    return reveal_response(
        request,
        obj=intermediary,
        field="contact_phone",
        purpose="market regulation",
        back_url=reverse("intermediaries:regulate-intermediary", args=[intermediary.pk]),
    )


@login_required
def regulate_intermediary(request, pk):
    _regulator_only(request)
    intermediary = selectors.regulator_intermediary(user=request.user, pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    review_form = forms.ReviewForm(request.POST if action == "review" else None)
    grade_form = forms.GradeForm(
        request.POST if action == "grade" else None,
        initial={
            "regulator_grade": intermediary.regulator_grade,
            "enterprise_credit_grade": intermediary.enterprise_credit_grade,
        },
    )
    blacklist_form = forms.BlacklistForm(request.POST if action == "blacklist" else None)
    forms_by_action = {"review": review_form, "grade": grade_form, "blacklist": blacklist_form}
    if action in forms_by_action:
        form = forms_by_action[action]
        if form.is_valid():
            call = {
                "review": services.intermediary_review,
                "grade": services.intermediary_grade,
                "blacklist": services.intermediary_blacklist,
            }[action]
            try:
                call(actor=request.user, intermediary=intermediary, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("intermediaries:regulate-intermediary", pk=intermediary.pk)
    return render(
        request,
        "intermediaries/regulate_intermediary.html",
        {
            "intermediary": intermediary,
            "qualifications": intermediary.qualifications.all(),
            "staff": intermediary.staff.all(),
            "blacklist": intermediary.blacklist.all(),
            "review_form": review_form,
            "grade_form": grade_form,
            "blacklist_form": blacklist_form,
        },
    )


@login_required
@require_POST
def regulate_complaint(request, pk):
    _regulator_only(request)
    complaint = selectors.regulator_complaint(user=request.user, pk=pk)
    form = forms.ComplaintHandleForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_handle(actor=request.user, complaint=complaint, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The complaint was handled."))
    else:
        messages.error(request, _("Choose a finding and record the handling."))
    return redirect("intermediaries:regulate")


@login_required
@require_GET
def qualification_scan(request, pk):
    from .models import Qualification

    q = Qualification.objects.select_related("intermediary").filter(pk=pk).first()
    if (
        q is None
        or not q.scan
        or not (
            permissions.is_regulator(request.user)
            or permissions.is_intermediary_staff(request.user, q.intermediary)
        )
    ):
        raise Http404
    return attachment_response(q.scan, filename=q.scan_name or "scan")
