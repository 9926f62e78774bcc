"""Every write of the intermediary market (DOMAIN.md §4).

Each service runs in one transaction, locks the row whose state it moves (the need for selections
and bids, the intermediary for registration and score changes), checks who may act
(approvals.intermediaries.permissions) and the state, writes, notifies through the outbox and
records the audit event. Refusals: PermissionDenied (who), TransitionNotAllowed (state),
Conflict (a race or a duplicate), DomainError (input, with the field).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination.models import OrgKind, OrgUnit, Position, Role
from coordination.services import org_unit_create
from portal.audit.actions import register_actions
from portal.audit.services import audit_record, snapshot
from portal.clocks import services as clocks
from portal.clocks.models import Clock
from portal.errors import Conflict, DomainError, TransitionNotAllowed
from portal.notifications.services import notify
from portal.numbering import next_number
from portal.validators import check_uscc

from . import conf, draw, permissions, scoring, selectors
from .models import (
    Bid,
    BlacklistEntry,
    Complaint,
    ComplaintStatus,
    Intermediary,
    Need,
    NeedStatus,
    Qualification,
    QualificationStatus,
    Rating,
    RegistrationStatus,
    SelectionMode,
    StaffMember,
)

S = NeedStatus
R = RegistrationStatus
SERVICE_CLOCK = "market_service"
SCAN_TYPES = ("pdf", "jpg", "jpeg", "png")
RESULT_TYPES = ("pdf", "docx", "xlsx", "jpg", "jpeg", "png")
MAX_UPLOAD_MB = 20

register_actions(
    {
        "intermediary.register": gettext_lazy("Intermediary registered"),
        "intermediary.submit": gettext_lazy("Intermediary registration submitted"),
        "intermediary.review": gettext_lazy("Intermediary registration reviewed"),
        "intermediary.grade": gettext_lazy("Intermediary graded by the regulator"),
        "intermediary.score": gettext_lazy("Intermediary credit score recomputed"),
        "intermediary.blacklist": gettext_lazy("Intermediary blacklisted"),
        "intermediary.qualification": gettext_lazy("Intermediary qualification added"),
        "intermediary.staff": gettext_lazy("Intermediary staff member added"),
        "qualification.remind": gettext_lazy("Qualification expiry reminded"),
        "qualification.suspend": gettext_lazy("Qualification suspended on expiry"),
        "need.post": gettext_lazy("Service need posted"),
        "need.select": gettext_lazy("Intermediary selected"),
        "need.fail": gettext_lazy("Selection failed"),
        "need.repost": gettext_lazy("Service need re-posted"),
        "need.cancel": gettext_lazy("Service need withdrawn"),
        "need.contract": gettext_lazy("Service contract filed"),
        "need.result": gettext_lazy("Service result uploaded"),
        "need.return": gettext_lazy("Service result returned"),
        "need.complete": gettext_lazy("Service result approved"),
        "need.attach": gettext_lazy("Service result attached to the application"),
        "bid.submit": gettext_lazy("Bid submitted"),
        "bid.score": gettext_lazy("Bid scored"),
        "rating.submit": gettext_lazy("Intermediary rated"),
        "complaint.file": gettext_lazy("Complaint filed"),
        "complaint.handle": gettext_lazy("Complaint handled"),
    }
)

NEED_FIELDS = [
    "number",
    "status",
    "mode",
    "service_type",
    "budget_ceiling",
    "service_days",
    "public_funds",
    "seed_hash",
    "seed",
    "winner",
    "winning_price",
    "contract_no",
    "contract_amount",
]


def _today() -> datetime.date:
    return clocks.local_today()


def owner_url(need: Need) -> str:
    return f"/market/my/{need.uuid}/"


def engagement_url(need: Need) -> str:
    return f"/market/firm/engagements/{need.uuid}/"


def _tell(recipients, event: str, key: str, url: str, subject=None, **context) -> None:
    notify(
        recipients=recipients,
        kind="market_event",
        key=key,
        url=url,
        subject=subject,
        context={"event": event, **context},
    )


def _lock_need(need: Need) -> Need:
    return Need.objects.select_for_update().get(pk=need.pk)


def _lock_intermediary(intermediary: Intermediary) -> Intermediary:
    return Intermediary.objects.select_for_update().select_related("unit").get(pk=intermediary.pk)


def _require_owner(actor, need: Need) -> None:
    if permissions.is_official(actor):
        raise PermissionDenied(
            _("Officials may not choose or act for an owner in the intermediary market; only the owner may.")
        )
    if not permissions.can_act_as_owner(actor, need):
        raise PermissionDenied(_("Only the owner of this service need may do this."))


def _require_regulator(actor) -> None:
    if not permissions.is_regulator(actor):
        raise PermissionDenied(_("Only the market regulator may do this."))


def _require_staff(actor, intermediary: Intermediary) -> None:
    if not permissions.is_intermediary_staff(actor, intermediary):
        raise PermissionDenied(_("Only the intermediary's own staff may do this."))


def _check_upload(uploaded_file, types):
    from approvals.services.applicant import check_file

    return check_file(uploaded_file, accepted_types=types, max_size_mb=MAX_UPLOAD_MB)


# -- registration -------------------------------------------------------------------------------------


@transaction.atomic
def intermediary_register(
    *, actor, contact_name: str, contact_phone: str, introduction: str = "", name: str = "", uscc: str = ""
) -> Intermediary:
    """Register the actor's organisation. An intermediary user already placed in an enterprise unit
    registers that unit; one without a unit names it (and its USCC) and the unit is created in the
    organisation chart through coordination's service, with the user as its intermediary staff."""
    if not permissions._active(actor) or actor.kind != "intermediary":
        raise PermissionDenied(_("Only intermediary accounts register in the market."))
    units = permissions.staff_unit_ids(actor)
    if units:
        unit = OrgUnit.objects.get(pk=units[0])
    else:
        uscc = (uscc or "").strip().upper()
        problems = check_uscc(uscc) if uscc else [_("Enter the unified social credit code.")]
        if problems:
            raise DomainError(problems[0], field="uscc")
        if not (name or "").strip():
            raise DomainError(_("Enter the organisation's registered name."), field="name")
        if OrgUnit.objects.filter(uscc=uscc).exists():
            raise Conflict(
                _("An organisation with this credit code is already registered; ask it to add you as staff."),
                field="uscc",
            )
        unit = org_unit_create(
            actor=None,
            parent=None,
            data={
                "code": f"market-{uscc.lower()}",
                "name": name.strip(),
                "kind": OrgKind.ENTERPRISE,
                "uscc": uscc,
            },
            reason=f"market registration by {actor.username}",
        )
        position = Position.objects.create(user=actor, unit=unit, title=_("Intermediary staff"))
        position.roles.add(Role.objects.get_or_create(code=permissions.STAFF_ROLE)[0])
    if unit.kind != OrgKind.ENTERPRISE:
        raise DomainError(_("Only enterprises register as intermediaries."))
    if Intermediary.objects.filter(unit=unit).exists():
        raise Conflict(_("This organisation is already registered in the market."))
    intermediary = Intermediary.objects.create(
        unit=unit, contact_name=contact_name, contact_phone=contact_phone, introduction=introduction
    )
    audit_record(
        actor=actor,
        action="intermediary.register",
        obj=intermediary,
        after={"unit": unit.code, "uscc": unit.uscc, "contact_name": contact_name},
    )
    return intermediary


@transaction.atomic
def qualification_add(*, actor, intermediary: Intermediary, data: dict, scan=None) -> Qualification:
    intermediary = _lock_intermediary(intermediary)
    _require_staff(actor, intermediary)
    if data["valid_until"] < data["valid_from"]:
        raise DomainError(_("A qualification cannot expire before it starts."), field="valid_until")
    qualification = Qualification(intermediary=intermediary, **data)
    if scan is not None:
        name, *_rest = _check_upload(scan, SCAN_TYPES)
        qualification.scan_name = name
        qualification.scan.save(name, scan, save=False)
    qualification.save()
    audit_record(
        actor=actor,
        action="intermediary.qualification",
        obj=intermediary,
        after=snapshot(
            qualification,
            ["service_type", "certificate", "certificate_no", "level", "valid_from", "valid_until"],
        ),
    )
    return qualification


@transaction.atomic
def staff_add(
    *, actor, intermediary: Intermediary, name: str, title: str = "", certificate_no: str = ""
) -> StaffMember:
    intermediary = _lock_intermediary(intermediary)
    _require_staff(actor, intermediary)
    member = StaffMember.objects.create(
        intermediary=intermediary, name=name, title=title, certificate_no=certificate_no
    )
    audit_record(
        actor=actor, action="intermediary.staff", obj=intermediary, after={"name": name, "title": title}
    )
    return member


@transaction.atomic
def intermediary_submit(*, actor, intermediary: Intermediary) -> Intermediary:
    intermediary = _lock_intermediary(intermediary)
    _require_staff(actor, intermediary)
    if intermediary.status not in (R.DRAFT, R.REJECTED):
        raise TransitionNotAllowed(_("This registration has already been submitted."))
    if not intermediary.qualifications.exists() or not intermediary.staff.exists():
        raise DomainError(_("Add at least one qualification and one staff member before submitting."))
    intermediary.status = R.PENDING
    intermediary.submitted_at = timezone.now()
    intermediary.save(update_fields=["status", "submitted_at"])
    _tell(
        selectors.regulators(),
        "registration_submitted",
        key=f"market:registration:{intermediary.pk}:{intermediary.submitted_at.isoformat()}",
        url="/market/regulate/",
        subject=intermediary,
        name=intermediary.name,
    )
    audit_record(actor=actor, action="intermediary.submit", obj=intermediary, after={"status": R.PENDING})
    return intermediary


@transaction.atomic
def intermediary_review(*, actor, intermediary: Intermediary, approve: bool, note: str = "") -> Intermediary:
    _require_regulator(actor)
    intermediary = _lock_intermediary(intermediary)
    if intermediary.status != R.PENDING:
        raise TransitionNotAllowed(_("Only a registration awaiting review can be reviewed."))
    if not approve and not note.strip():
        raise DomainError(_("Say why the registration is returned."), field="note")
    intermediary.status = R.APPROVED if approve else R.REJECTED
    intermediary.review_note = note
    intermediary.reviewed_at = timezone.now()
    intermediary.reviewed_by = actor
    intermediary.save(update_fields=["status", "review_note", "reviewed_at", "reviewed_by"])
    _tell(
        selectors.staff_users(intermediary),
        "registration_approved" if approve else "registration_returned",
        key=f"market:review:{intermediary.pk}:{intermediary.reviewed_at.isoformat()}",
        url="/market/firm/",
        subject=intermediary,
        name=intermediary.name,
        note=note,
    )
    audit_record(
        actor=actor,
        action="intermediary.review",
        obj=intermediary,
        before={"status": R.PENDING},
        after={"status": intermediary.status},
        reason=note,
    )
    return intermediary


def _recompute(intermediary: Intermediary, *, actor=None, reason: str = "") -> Intermediary:
    """Recompute the stored credit score of a locked intermediary; audit a change."""
    stars = list(intermediary.ratings.values_list("stars", flat=True))
    upheld = intermediary.complaints.filter(status=ComplaintStatus.UPHELD).count()
    score = scoring.credit_score(
        regulator_grade=intermediary.regulator_grade,
        enterprise_credit_grade=intermediary.enterprise_credit_grade,
        stars=stars,
        upheld_complaints=upheld,
    )
    if score != intermediary.credit_score:
        before = str(intermediary.credit_score)
        intermediary.credit_score = score
        intermediary.save(update_fields=["credit_score"])
        audit_record(
            actor=actor,
            action="intermediary.score",
            obj=intermediary,
            before={"credit_score": before},
            after={"credit_score": str(score)},
            reason=reason,
        )
    return intermediary


@transaction.atomic
def intermediary_score_recompute(*, intermediary: Intermediary, actor=None, reason: str = "") -> Intermediary:
    return _recompute(_lock_intermediary(intermediary), actor=actor, reason=reason)


@transaction.atomic
def intermediary_grade(
    *, actor, intermediary: Intermediary, regulator_grade, enterprise_credit_grade, note: str = ""
) -> Intermediary:
    _require_regulator(actor)
    intermediary = _lock_intermediary(intermediary)
    for field, value in (
        ("regulator_grade", regulator_grade),
        ("enterprise_credit_grade", enterprise_credit_grade),
    ):
        if not (Decimal(0) <= Decimal(value) <= Decimal(100)):
            raise DomainError(_("A grade is between 0 and 100."), field=field)
    before = snapshot(intermediary, ["regulator_grade", "enterprise_credit_grade"])
    intermediary.regulator_grade = Decimal(str(regulator_grade))
    intermediary.enterprise_credit_grade = Decimal(str(enterprise_credit_grade))
    intermediary.save(update_fields=["regulator_grade", "enterprise_credit_grade"])
    audit_record(
        actor=actor,
        action="intermediary.grade",
        obj=intermediary,
        before=before,
        after=snapshot(intermediary, ["regulator_grade", "enterprise_credit_grade"]),
        reason=note,
    )
    return _recompute(intermediary, actor=actor, reason=note)


@transaction.atomic
def intermediary_blacklist(
    *, actor, intermediary: Intermediary, reason: str, start: datetime.date, end: datetime.date
) -> BlacklistEntry:
    _require_regulator(actor)
    intermediary = _lock_intermediary(intermediary)
    if not reason.strip():
        raise DomainError(_("Give the reason for blacklisting."), field="reason")
    if end < start:
        raise DomainError(_("The blacklisting period ends before it starts."), field="end")
    entry = BlacklistEntry.objects.create(
        intermediary=intermediary, reason=reason, start=start, end=end, created_by=actor
    )
    _tell(
        selectors.staff_users(intermediary),
        "blacklisted",
        key=f"market:blacklist:{entry.pk}",
        url="/market/firm/",
        subject=intermediary,
        name=intermediary.name,
        note=reason,
        start=start,
        end=end,
    )
    audit_record(
        actor=actor,
        action="intermediary.blacklist",
        obj=intermediary,
        after={"start": start.isoformat(), "end": end.isoformat()},
        reason=reason,
    )
    return entry


# -- qualifications expire -----------------------------------------------------------------------------


def _tell_qualification(q, kind: str, tag: str) -> None:
    """Tell the firm's staff about one of its qualifications (once per validity date and kind)."""
    _tell(
        selectors.staff_users(q.intermediary),
        kind,
        key=f"market:qualification:{q.pk}:{tag}:{q.valid_until.isoformat()}",
        url="/market/firm/",
        subject=q.intermediary,
        name=q.certificate,
        number=q.certificate_no,
        valid_until=q.valid_until,
    )


def qualifications_sweep(*, today: datetime.date | None = None) -> dict:
    """Remind the staff of qualifications expiring within MARKET_EXPIRY_REMINDER_DAYS (once per
    expiry date) and suspend those that have expired. Safe to run twice: each row is locked and
    re-checked, a reminder is recorded on the row and keyed in the outbox."""
    today = today or _today()
    horizon = today + datetime.timedelta(days=conf.expiry_reminder_days())
    reminded = suspended = 0
    expiring = Qualification.objects.filter(
        status=QualificationStatus.VALID, valid_until__gte=today, valid_until__lte=horizon
    )
    for pk in expiring.exclude(reminded_for=F("valid_until")).values_list("pk", flat=True):
        with transaction.atomic():
            q = Qualification.objects.select_for_update().select_related("intermediary__unit").get(pk=pk)
            if (
                q.status != QualificationStatus.VALID
                or q.reminded_for == q.valid_until
                or not today <= q.valid_until <= horizon
            ):
                continue
            q.reminded_for = q.valid_until
            q.save(update_fields=["reminded_for"])
            _tell_qualification(q, "qualification_expiring", "expiring")
            audit_record(
                actor=None,
                action="qualification.remind",
                obj=q.intermediary,
                after={"qualification": q.certificate_no, "valid_until": q.valid_until.isoformat()},
            )
            reminded += 1
    expired = Qualification.objects.filter(status=QualificationStatus.VALID, valid_until__lt=today)
    for pk in expired.values_list("pk", flat=True):
        with transaction.atomic():
            q = Qualification.objects.select_for_update().select_related("intermediary__unit").get(pk=pk)
            if q.status != QualificationStatus.VALID or q.valid_until >= today:
                continue
            q.status = QualificationStatus.SUSPENDED
            q.suspended_on = today
            q.save(update_fields=["status", "suspended_on"])
            _tell_qualification(q, "qualification_suspended", "suspended")
            audit_record(
                actor=None,
                action="qualification.suspend",
                obj=q.intermediary,
                before={"status": "valid"},
                after={"qualification": q.certificate_no, "status": "suspended"},
            )
            suspended += 1
    return {"reminded": reminded, "suspended": suspended}


# -- needs and selection ----------------------------------------------------------------------------------


def direct_pick_allowed(*, public_funds: bool, budget_ceiling) -> bool:
    return not public_funds and Decimal(budget_ceiling) < conf.direct_pick_max_budget()


@transaction.atomic
def need_post(*, actor, data: dict, reposted_from: Need | None = None) -> Need:
    """An owner announces a service need. The seed of its draw is drawn now and only its SHA-256
    hash is published; officials are refused (they may not choose an intermediary for an owner)."""
    if permissions.is_official(actor):
        raise PermissionDenied(
            _("Officials may not choose or act for an owner in the intermediary market; only the owner may.")
        )
    if not permissions.is_owner(actor):
        raise PermissionDenied(_("Only applicants (citizens and enterprises) post service needs."))
    mode = data["mode"]
    if mode == SelectionMode.DIRECT and not direct_pick_allowed(
        public_funds=data.get("public_funds", False), budget_ceiling=data["budget_ceiling"]
    ):
        raise DomainError(
            _("A direct pick is allowed only without public funds and with a budget below %(max)s yuan.")
            % {"max": conf.direct_pick_max_budget()},
            field="mode",
        )
    if mode == SelectionMode.MERIT:
        criteria = data.get("criteria") or []
        if not criteria or sum(Decimal(str(c["weight"])) for c in criteria) != 100:
            raise DomainError(_("Merit criteria need weights that add up to 100."), field="criteria")
    application = data.get("application")
    if application is not None and application.applicant_id != actor.pk:
        raise DomainError(_("Link only one of your own applications."), field="application")
    seed = draw.new_seed()
    today = _today()
    need = Need.objects.create(
        number=next_number(f"ZJ-{today:%Y%m%d}"),
        owner=actor,
        seed_hash=draw.commitment(seed),
        sealed_seed=seed,
        reposted_from=reposted_from,
        **{k: v for k, v in data.items() if k in POST_FIELDS},
    )
    audit_record(actor=actor, action="need.post", obj=need, after=snapshot(need, NEED_FIELDS))
    return need


POST_FIELDS = (
    "service_type",
    "project_name",
    "application",
    "budget_ceiling",
    "service_days",
    "public_funds",
    "mode",
    "criteria",
    "requirements",
)


def _select(
    need: Need, *, actor, winner: Intermediary | None, candidates: list[dict], note: str, price=None
) -> Need:
    before = snapshot(need, NEED_FIELDS)
    need.seed = need.sealed_seed
    need.candidates = candidates
    need.selection_note = note
    need.selected_at = timezone.now()
    if winner is None:
        need.status = S.FAILED
        need.save()
        _tell(
            [need.owner],
            "selection_failed",
            key=f"market:need:{need.pk}:failed",
            url=owner_url(need),
            subject=need,
            number=need.number,
            note=note,
        )
        audit_record(
            actor=actor,
            action="need.fail",
            obj=need,
            before=before,
            after=snapshot(need, NEED_FIELDS),
            reason=note,
        )
        return need
    need.status = S.SELECTED
    need.winner = winner
    need.winning_price = price
    need.save()
    _tell(
        [need.owner],
        "selected_owner",
        key=f"market:need:{need.pk}:selected",
        url=owner_url(need),
        subject=need,
        number=need.number,
        name=winner.name,
    )
    _tell(
        selectors.staff_users(winner),
        "selected",
        key=f"market:need:{need.pk}:won",
        url=engagement_url(need),
        subject=need,
        number=need.number,
        project=need.project_name,
    )
    audit_record(
        actor=actor,
        action="need.select",
        obj=need,
        before=before,
        after=snapshot(need, NEED_FIELDS),
        reason=note,
    )
    return need


def _require_open(need: Need, mode_ok) -> None:
    if need.status != S.OPEN:
        raise TransitionNotAllowed(_("The selection of this need is already closed."))
    if need.mode not in mode_ok:
        raise TransitionNotAllowed(_("This need uses another selection mode."))


@transaction.atomic
def need_draw(*, actor, need: Need) -> Need:
    """Run the random draw among the eligible intermediaries and reveal the seed."""
    need = _lock_need(need)
    _require_owner(actor, need)
    _require_open(need, (SelectionMode.DRAW,))
    pool = {i.uscc: i for i in selectors.eligible(service_type=need.service_type)}
    candidates = [
        {"uscc": k, "name": pool[k].name, "ticket": t}
        for k, t in draw.tickets(need.sealed_seed, need.number, pool)
    ]
    minimum = conf.public_funds_min() if need.public_funds else 1
    if len(pool) < minimum:
        note = _(
            "Only %(n)s qualified intermediaries were available; at least %(min)s are needed. "
            "Re-post the need."
        ) % {"n": len(pool), "min": minimum}
        return _select(need, actor=actor, winner=None, candidates=candidates, note=note)
    key = draw.draw(need.sealed_seed, need.number, pool)
    note = _("Random draw among %(n)s candidates: the lowest ticket wins.") % {"n": len(pool)}
    return _select(need, actor=actor, winner=pool[key], candidates=candidates, note=note)


@transaction.atomic
def bid_submit(*, actor, need: Need, price, proposal: str = "") -> Bid:
    need = _lock_need(need)
    _require_open(need, selectors.BIDDING_MODES)
    intermediary = selectors.intermediary_for(actor)
    if intermediary is None:
        raise PermissionDenied(_("Only registered intermediaries bid."))
    if not selectors.eligible(service_type=need.service_type).filter(pk=intermediary.pk).exists():
        raise DomainError(_("Your organisation is not eligible for this service type now."))
    price = Decimal(str(price))
    if price <= 0 or price > need.budget_ceiling:
        raise DomainError(_("The price must be positive and within the budget ceiling."), field="price")
    if Bid.objects.filter(need=need, intermediary=intermediary).exists():
        raise Conflict(_("Your organisation has already bid for this need."))
    try:
        with transaction.atomic():
            bid = Bid.objects.create(
                need=need, intermediary=intermediary, price=price, proposal=proposal, submitted_by=actor
            )
    except IntegrityError:
        raise Conflict(_("Your organisation has already bid for this need.")) from None
    audit_record(
        actor=actor,
        action="bid.submit",
        obj=need,
        after={"intermediary": intermediary.uscc, "price": str(price)},
    )
    return bid


@transaction.atomic
def bid_score(*, actor, need: Need, bid: Bid, scores: dict) -> Bid:
    need = _lock_need(need)
    _require_owner(actor, need)
    _require_open(need, (SelectionMode.MERIT,))
    bid = Bid.objects.select_for_update().get(pk=bid.pk, need=need)
    names = {c["name"] for c in need.criteria}
    clean = {}
    for name in names:
        value = Decimal(str(scores.get(name, "")) or "-1")
        if not Decimal(0) <= value <= Decimal(100):
            raise DomainError(_("Score every criterion from 0 to 100."), field="scores")
        clean[name] = str(value)
    bid.merit_scores = clean
    bid.merit_total = draw.merit_total(need.criteria, clean)
    bid.save(update_fields=["merit_scores", "merit_total"])
    audit_record(
        actor=actor,
        action="bid.score",
        obj=need,
        after={"intermediary": bid.intermediary_id, "total": str(bid.merit_total)},
    )
    return bid


@transaction.atomic
def need_select(*, actor, need: Need) -> Need:
    """Close the bidding and select: lowest price, optimal price or merit. Fewer bids than the
    public-funds minimum (or none) → failed."""
    need = _lock_need(need)
    _require_owner(actor, need)
    _require_open(need, selectors.BIDDING_MODES)
    bids = list(need.bids.select_related("intermediary__unit"))
    candidates = [
        {"uscc": b.intermediary.uscc, "name": b.intermediary.name, "price": str(b.price)}
        for b in sorted(bids, key=lambda b: b.intermediary.uscc)
    ]
    minimum = conf.public_funds_min() if need.public_funds else 1
    if len(bids) < minimum:
        note = _("Only %(n)s bids were received; at least %(min)s are needed. Re-post the need.") % {
            "n": len(bids),
            "min": minimum,
        }
        return _select(need, actor=actor, winner=None, candidates=candidates, note=note)
    by_key = {b.intermediary.uscc: b for b in bids}
    seed, number = need.sealed_seed, need.number
    if need.mode == SelectionMode.LOWEST_PRICE:
        key = draw.lowest_price(seed, number, {k: b.price for k, b in by_key.items()})
        note = _("Lowest price wins; equal prices are decided by the draw.")
    elif need.mode == SelectionMode.OPTIMAL_PRICE:
        low, high = conf.optimal_factor_range()
        prices = {k: b.price for k, b in by_key.items()}
        need.factor = draw.optimal_factor(seed, number, low, high)
        target = draw.optimal_price_target(seed, number, prices.values(), low, high)
        key = draw.optimal_price(seed, number, prices, low, high)
        note = _(
            "Optimal price: the bid nearest %(target)s yuan (factor %(factor)s × trimmed mean %(mean)s) wins."
        ) % {
            "target": target,
            "factor": need.factor,
            "mean": draw.trimmed_mean(prices.values()).quantize(draw.CENT),
        }
    else:
        if any(b.merit_total is None for b in bids):
            raise DomainError(_("Score every bid before selecting."))
        key = draw.merit(seed, number, {k: b.merit_total for k, b in by_key.items()})
        note = _("Merit selection: the highest weighted score wins; ties are decided by the draw.")
        for c in candidates:
            c["merit_total"] = str(by_key[c["uscc"]].merit_total)
    return _select(
        need,
        actor=actor,
        winner=by_key[key].intermediary,
        candidates=candidates,
        note=note,
        price=by_key[key].price,
    )


@transaction.atomic
def need_direct_pick(*, actor, need: Need, intermediary: Intermediary) -> Need:
    need = _lock_need(need)
    _require_owner(actor, need)
    _require_open(need, (SelectionMode.DIRECT,))
    if not direct_pick_allowed(public_funds=need.public_funds, budget_ceiling=need.budget_ceiling):
        raise DomainError(_("This need is outside the scope of a direct pick."))
    if not selectors.eligible(service_type=need.service_type).filter(pk=intermediary.pk).exists():
        raise DomainError(
            _("This intermediary is not eligible for the service type now."), field="intermediary"
        )
    candidates = [{"uscc": intermediary.uscc, "name": intermediary.name}]
    return _select(
        need,
        actor=actor,
        winner=intermediary,
        candidates=candidates,
        note=_("Direct pick by the owner within the allowed scope."),
    )


@transaction.atomic
def need_repost(*, actor, need: Need) -> Need:
    need = _lock_need(need)
    _require_owner(actor, need)
    if need.status != S.FAILED:
        raise TransitionNotAllowed(_("Only a failed selection is re-posted."))
    data = {k: getattr(need, k) for k in POST_FIELDS}
    new = need_post(actor=actor, data=data, reposted_from=need)
    audit_record(actor=actor, action="need.repost", obj=need, after={"new": new.number})
    return new


@transaction.atomic
def need_cancel(*, actor, need: Need) -> Need:
    need = _lock_need(need)
    _require_owner(actor, need)
    if need.status not in (S.OPEN, S.FAILED):
        raise TransitionNotAllowed(_("Only a need still open (or failed) can be withdrawn."))
    before = snapshot(need, NEED_FIELDS)
    need.status = S.CANCELLED
    need.save(update_fields=["status"])
    audit_record(
        actor=actor, action="need.cancel", obj=need, before=before, after=snapshot(need, NEED_FIELDS)
    )
    return need


# -- contract, result, completion ----------------------------------------------------------------------------


def service_clock(need: Need) -> Clock | None:
    return Clock.objects.filter(
        subject_type__app_label="intermediaries",
        subject_type__model="need",
        subject_id=str(need.pk),
        purpose=SERVICE_CLOCK,
    ).first()


@transaction.atomic
def contract_file(*, actor, need: Need, contract_no: str, amount) -> Need:
    """The owner files the signed contract; the promised service days start on the platform clock
    (working days, outside the approval clock)."""
    need = _lock_need(need)
    _require_owner(actor, need)
    if need.status != S.SELECTED:
        raise TransitionNotAllowed(_("A contract is filed only after an intermediary is selected."))
    amount = Decimal(str(amount))
    if amount <= 0 or amount > need.budget_ceiling:
        raise DomainError(
            _("The contract amount must be positive and within the budget ceiling."), field="amount"
        )
    if not contract_no.strip():
        raise DomainError(_("Enter the contract number."), field="contract_no")
    before = snapshot(need, NEED_FIELDS)
    need.status = S.CONTRACTED
    need.contract_no = contract_no.strip()
    need.contract_amount = amount
    need.contracted_on = _today()
    need.save()
    clocks.clock_start(
        subject=need,
        limit_days=need.service_days,
        actor=actor,
        purpose=SERVICE_CLOCK,
        owner=need.owner,
        label=_("Intermediary service %(number)s") % {"number": need.number},
    )
    _tell(
        selectors.staff_users(need.winner),
        "contracted",
        key=f"market:need:{need.pk}:contract",
        url=engagement_url(need),
        subject=need,
        number=need.number,
        days=need.service_days,
    )
    audit_record(
        actor=actor, action="need.contract", obj=need, before=before, after=snapshot(need, NEED_FIELDS)
    )
    return need


@transaction.atomic
def result_upload(*, actor, need: Need, uploaded_file) -> Need:
    need = _lock_need(need)
    if need.winner_id is None or not permissions.is_intermediary_staff(actor, need.winner):
        raise PermissionDenied(_("Only the selected intermediary uploads the result."))
    if need.status != S.CONTRACTED:
        raise TransitionNotAllowed(_("A result is uploaded while the service is under contract."))
    name, _ext, _ctype, _size, sha = _check_upload(uploaded_file, RESULT_TYPES)
    need.result.save(name, uploaded_file, save=False)
    need.result_name, need.result_sha256 = name, sha
    need.status = S.DELIVERED
    need.delivered_on = _today()
    need.save()
    clock = service_clock(need)
    if clock is not None and clock.state != "stopped":
        clocks.clock_stop(clock=clock, actor=actor, reason=_("Result uploaded"))
    _tell(
        [need.owner],
        "result_uploaded",
        key=f"market:need:{need.pk}:result:{sha}",
        url=owner_url(need),
        subject=need,
        number=need.number,
    )
    audit_record(actor=actor, action="need.result", obj=need, after={"name": name, "sha256": sha})
    return need


@transaction.atomic
def result_return(*, actor, need: Need, reason: str) -> Need:
    need = _lock_need(need)
    _require_owner(actor, need)
    if need.status != S.DELIVERED:
        raise TransitionNotAllowed(_("Only an uploaded result can be returned."))
    if not reason.strip():
        raise DomainError(_("Say what must be corrected."), field="reason")
    need.status = S.CONTRACTED
    need.save(update_fields=["status"])
    clock = service_clock(need)
    if clock is not None and clock.state == "stopped":
        pass  # the clock is not restarted: the promised days were met or missed at the first upload
    _tell(
        selectors.staff_users(need.winner),
        "result_returned",
        key=f"market:need:{need.pk}:returned:{need.result_sha256}",
        url=engagement_url(need),
        subject=need,
        number=need.number,
        note=reason,
    )
    audit_record(
        actor=actor,
        action="need.return",
        obj=need,
        before={"status": S.DELIVERED},
        after={"status": S.CONTRACTED},
        reason=reason,
    )
    return need


@transaction.atomic
def result_approve(*, actor, need: Need) -> Need:
    need = _lock_need(need)
    _require_owner(actor, need)
    if need.status != S.DELIVERED:
        raise TransitionNotAllowed(_("Only an uploaded result can be approved."))
    need.status = S.COMPLETED
    need.completed_on = _today()
    need.save(update_fields=["status", "completed_on"])
    _tell(
        selectors.staff_users(need.winner),
        "completed",
        key=f"market:need:{need.pk}:completed",
        url=engagement_url(need),
        subject=need,
        number=need.number,
    )
    audit_record(
        actor=actor,
        action="need.complete",
        obj=need,
        before={"status": S.DELIVERED},
        after={"status": S.COMPLETED},
    )
    return need


def result_attach(*, actor, need: Need):
    """Attach the approved result to the owner's linked application as an extra material (through
    approvals' own material_upload, which checks the applicant and that the application is editable)."""
    from approvals.services.applicant import material_upload

    with transaction.atomic():
        need = _lock_need(need)
        _require_owner(actor, need)
        if need.status != S.COMPLETED or need.application_id is None:
            raise TransitionNotAllowed(
                _("Only an approved result of a need linked to an application can be attached.")
            )
        if need.attached_to_application:
            raise Conflict(_("This result is already attached to the application."))
        with need.result.open("rb") as handle:
            upload = File(handle, name=need.result_name)
            upload.size = need.result.size
            row = material_upload(
                actor=actor, application=need.application, material=None, uploaded_file=upload
            )
        need.attached_to_application = True
        need.save(update_fields=["attached_to_application"])
        audit_record(
            actor=actor, action="need.attach", obj=need, after={"application": str(need.application.uuid)}
        )
        return row


# -- ratings and complaints -------------------------------------------------------------------------------


@transaction.atomic
def rating_submit(*, actor, need: Need, stars: int, comment: str = "") -> Rating:
    need = _lock_need(need)
    _require_owner(actor, need)
    if need.status != S.COMPLETED:
        raise TransitionNotAllowed(_("The service is rated after it is completed."))
    if not 1 <= int(stars) <= 5:
        raise DomainError(_("Rate from 1 to 5 stars."), field="stars")
    if Rating.objects.filter(need=need).exists():
        raise Conflict(_("This service has already been rated."))
    rating = Rating.objects.create(need=need, intermediary=need.winner, stars=int(stars), comment=comment)
    audit_record(actor=actor, action="rating.submit", obj=need, after={"stars": int(stars)})
    _recompute(_lock_intermediary(need.winner), actor=actor, reason=f"rating {need.number}")
    return rating


@transaction.atomic
def complaint_file(*, actor, need: Need, text: str) -> Complaint:
    need = _lock_need(need)
    _require_owner(actor, need)
    if need.winner_id is None:
        raise TransitionNotAllowed(
            _("A complaint concerns the selected intermediary; none was selected yet.")
        )
    if not text.strip():
        raise DomainError(_("Describe the complaint."), field="text")
    complaint = Complaint.objects.create(need=need, intermediary=need.winner, complainant=actor, text=text)
    _tell(
        selectors.regulators(),
        "complaint_filed",
        key=f"market:complaint:{complaint.pk}",
        url="/market/regulate/",
        subject=need,
        number=need.number,
        name=need.winner.name,
    )
    audit_record(actor=actor, action="complaint.file", obj=need, after={"complaint": complaint.pk})
    return complaint


@transaction.atomic
def complaint_handle(*, actor, complaint: Complaint, uphold: bool, response: str) -> Complaint:
    _require_regulator(actor)
    complaint = (
        Complaint.objects.select_for_update()
        .select_related("need", "intermediary__unit")
        .get(pk=complaint.pk)
    )
    if complaint.status != ComplaintStatus.OPEN:
        raise TransitionNotAllowed(_("This complaint has already been handled."))
    if not response.strip():
        raise DomainError(_("Record how the complaint was handled."), field="response")
    complaint.status = ComplaintStatus.UPHELD if uphold else ComplaintStatus.DISMISSED
    complaint.response = response
    complaint.handled_by = actor
    complaint.handled_at = timezone.now()
    complaint.save()
    _tell(
        [complaint.complainant],
        "complaint_handled",
        key=f"market:complaint:{complaint.pk}:handled",
        url=owner_url(complaint.need),
        subject=complaint.need,
        number=complaint.need.number,
        note=response,
    )
    audit_record(
        actor=actor,
        action="complaint.handle",
        obj=complaint.need,
        after={"complaint": complaint.pk, "status": complaint.status},
        reason=response,
    )
    _recompute(_lock_intermediary(complaint.intermediary), actor=actor, reason=f"complaint {complaint.pk}")
    return complaint
