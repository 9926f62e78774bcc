"""Writes for performance and payment: one function per use case (DESIGN.md §4.1).

Each runs in a transaction, locks what it moves, checks permission, writes, tells people and
records the audit event last.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from operations.models import ContractAmendment, Project, Regime
from operations.performance import conf, scoring
from operations.performance import permissions as perms
from operations.performance.models import (
    Dimension,
    Evaluation,
    EvaluationTransition,
    Framework,
    Indicator,
    IndicatorScore,
    Method,
    MonitoringRecord,
    Payment,
    PaymentCalculation,
    PaymentMechanism,
    Source,
    Stage,
    State,
)
from portal.audit import chain
from portal.audit.actions import register_actions
from portal.audit.services import audit_record, snapshot
from portal.clocks import services as clocks
from portal.errors import DomainError, TransitionNotAllowed
from portal.notifications.services import notify
from portal.workcal.days import add_working_days

register_actions(
    {
        "perf.framework_save": gettext_lazy("Indicator framework saved"),
        "perf.framework_amend": gettext_lazy("Indicator framework amended"),
        "perf.record": gettext_lazy("Monitoring data recorded"),
        "perf.evaluation_create": gettext_lazy("Performance evaluation created"),
        "perf.evaluation_assign": gettext_lazy("Evaluator assigned"),
        "perf.score": gettext_lazy("Indicator scored"),
        "perf.transition": gettext_lazy("Performance evaluation moved"),
        "perf.mechanism_save": gettext_lazy("Payment mechanism saved"),
        "perf.calculate": gettext_lazy("Performance payment calculated"),
        "perf.payment": gettext_lazy("Performance payment recorded"),
    }
)

LEVEL1 = [d.value for d in Dimension]


def _deny(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this on this project."))


# --- Frameworks --------------------------------------------------------------------------------


def validate_tree(tree: list[dict]) -> None:
    """A three-level tree: level 1 exactly output / effect / management; sibling weights sum to 1;
    leaves (level 3) carry a scoring method with valid parameters."""
    if sorted(node.get("dimension", "") for node in tree) != sorted(LEVEL1) or len(tree) != 3:
        raise DomainError(_("Level 1 must be exactly output (产出), effect (效果) and management (管理)."))
    scoring.validate_weights([n.get("weight") for n in tree])
    codes: set[str] = set()

    def walk(node: dict, level: int) -> None:
        code = str(node.get("code", "")).strip()
        if not code or not str(node.get("name", "")).strip():
            raise DomainError(_("Every indicator needs a code and a name."))
        if code in codes:
            raise DomainError(_("Indicator code %(code)s is used twice.") % {"code": code})
        codes.add(code)
        children = node.get("children") or []
        if level < 3:
            if not children:
                raise DomainError(
                    _("%(code)s needs indicators under it (the tree has three levels).") % {"code": code}
                )
            scoring.validate_weights([c.get("weight") for c in children], label=code)
            for child in children:
                walk(child, level + 1)
        else:
            if children:
                raise DomainError(
                    _("The tree has three levels; %(code)s cannot have children.") % {"code": code}
                )
            node["params"] = scoring.validate_params(
                node.get("method", ""), node.get("params", {}), node.get("max_score", 100)
            )

    for node in tree:
        walk(node, 1)


def _create_indicators(framework: Framework, tree: list[dict]) -> None:
    def walk(node: dict, level: int, parent, dimension: str, position: int) -> None:
        indicator = Indicator.objects.create(
            framework=framework,
            parent=parent,
            level=level,
            dimension=dimension,
            code=str(node["code"]).strip(),
            name=str(node["name"]).strip(),
            weight=scoring.dec(node["weight"]),
            explanation=node.get("explanation", ""),
            data_source=node.get("data_source", ""),
            standard=node.get("standard", ""),
            method=node.get("method", "") if level == 3 else "",
            params=node.get("params", {}) if level == 3 else {},
            frequency=node.get("frequency", "yearly") if level == 3 else "",
            veto=bool(node.get("veto")) and level == 3,
            max_score=scoring.dec(node.get("max_score", 100)),
            position=position,
        )
        for index, child in enumerate(node.get("children") or []):
            walk(child, level + 1, indicator, dimension, index)

    for index, node in enumerate(tree):
        walk(node, 1, None, node["dimension"], index)


def framework_save(*, actor, project: Project, tree: list[dict], goals: str = "") -> Framework:
    """Create or replace the project's draft framework. Once the contract is signed it is locked: the
    signed contract's framework may still be recorded once (locked at once); later changes need
    `framework_amend`."""
    _deny(perms.can_edit_framework(actor, project))
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        latest = project.frameworks.order_by("-version").first()
        signed = project.contract_signed_on is not None
        if signed and latest is not None:
            raise TransitionNotAllowed(
                _("The contract is signed: the framework is locked and changes only by a contract amendment.")
            )
        validate_tree(tree)
        if latest is not None and not latest.locked and not latest.evaluations.exists():
            latest.indicators.all().delete()
            framework = latest
            framework.goals = goals
            framework.save(update_fields=["goals"])
        else:
            # A signed contract's framework recorded for the first time is locked at once.
            framework = Framework.objects.create(
                project=project,
                version=(latest.version + 1) if latest else 1,
                goals=goals,
                locked=signed,
                created_by=actor,
            )
        _create_indicators(framework, tree)
        audit_record(
            actor=actor, action="perf.framework_save", obj=framework, after={"tree": tree, "goals": goals}
        )
    return framework


def framework_lock(*, project: Project) -> None:
    """Lock the project's frameworks (called when the contract is signed; idempotent)."""
    Framework.objects.filter(project=project, locked=False).update(locked=True)


def framework_amend(
    *, actor, project: Project, amendment: ContractAmendment, tree: list[dict], goals: str = ""
) -> Framework:
    """A signed contract's framework changes only through an amendment: a new, locked version."""
    _deny(perms.can_edit_framework(actor, project))
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if amendment.contract.project_id != project.pk:
            raise DomainError(_("The amendment belongs to another project."))
        if Framework.objects.filter(amendment=amendment).exists():
            raise TransitionNotAllowed(_("This amendment already changed the framework."))
        validate_tree(tree)
        latest = project.frameworks.order_by("-version").first()
        framework = Framework.objects.create(
            project=project,
            version=(latest.version + 1) if latest else 1,
            amendment=amendment,
            goals=goals or (latest.goals if latest else ""),
            locked=True,
            created_by=actor,
        )
        _create_indicators(framework, tree)
        framework_lock(project=project)
        audit_record(
            actor=actor,
            action="perf.framework_amend",
            obj=framework,
            after={"amendment": amendment.pk, "tree": tree},
        )
    return framework


def current_framework(project: Project) -> Framework | None:
    return project.frameworks.order_by("-version").first()


# --- Monitoring --------------------------------------------------------------------------------


def record_add(
    *,
    actor,
    indicator: Indicator,
    period_start: datetime.date,
    period_end: datetime.date,
    value,
    source: str = Source.SELF_REPORT,
    note: str = "",
) -> MonitoringRecord:
    project = indicator.framework.project
    _deny(perms.can_report(actor, project))
    if source == Source.AGENCY_CHECK and not perms.is_agency(actor, project):
        raise PermissionDenied(_("Only the implementing agency records its own checks."))
    if source not in Source.values:
        raise DomainError(_("Unknown data source."), field="source")
    if not indicator.is_leaf:
        raise DomainError(_("Monitoring data is recorded on level-3 indicators."), field="indicator")
    if period_end < period_start:
        raise DomainError(_("The period ends before it starts."), field="period_end")
    value = scoring.dec(value, what=_("Value"))
    with transaction.atomic():
        record = MonitoringRecord.objects.create(
            indicator=indicator,
            period_start=period_start,
            period_end=period_end,
            value=value,
            source=source,
            note=note,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="perf.record",
            obj=record,
            after=snapshot(record, ["value", "source", "period_end"]),
        )
    return record


# --- Evaluations -------------------------------------------------------------------------------


def evaluation_create(
    *, actor, project: Project, period_start: datetime.date, period_end: datetime.date
) -> Evaluation:
    _deny(perms.is_agency(actor, project) or perms.is_manager(actor, project))
    framework = current_framework(project)
    if framework is None:
        raise DomainError(_("The project has no indicator framework yet."))
    if period_end < period_start:
        raise DomainError(_("The period ends before it starts."), field="period_end")
    with transaction.atomic():
        if Evaluation.objects.filter(
            project=project, period_start=period_start, period_end=period_end
        ).exists():
            raise DomainError(_("This period already has an evaluation."))
        evaluation = Evaluation.objects.create(
            project=project,
            framework=framework,
            period_start=period_start,
            period_end=period_end,
            due_on=add_working_days(period_end, conf.evaluation_due_working_days()),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="perf.evaluation_create",
            obj=evaluation,
            after=snapshot(evaluation, ["period_start", "period_end", "due_on", "framework"]),
        )
    return evaluation


def evaluation_assign(*, actor, evaluation: Evaluation, evaluator) -> None:
    _deny(perms.is_agency(actor, evaluation.project) or perms.is_manager(actor, evaluation.project))
    if not perms.is_evaluator(evaluator):
        raise DomainError(_("Only users with the evaluator role can be assigned."), field="evaluator")
    with transaction.atomic():
        evaluation.evaluators.add(evaluator)
        notify(
            recipients=[evaluator],
            kind="generic",
            context={"title": _("Performance evaluation assigned"), "text": str(evaluation)},
            key=f"perf-assign:{evaluation.pk}:{evaluator.pk}",
            subject=evaluation,
        )
        audit_record(
            actor=actor, action="perf.evaluation_assign", obj=evaluation, after={"evaluator": evaluator.pk}
        )


def score_save(
    *, actor, evaluation: Evaluation, indicator: Indicator, value, evidence_text: str = "", evidence_file=None
) -> IndicatorScore:
    """The company self-assesses in SELF_ASSESSMENT; the agency or an assigned evaluator scores in
    AGENCY_SCORING. The score comes from the indicator's method; a manual rubric's value is the
    level chosen."""
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().select_related("project").get(pk=evaluation.pk)
        if evaluation.state == State.SELF_ASSESSMENT:
            _deny(perms.can_self_assess(actor, evaluation))
            stage = Stage.SELF
        elif evaluation.state == State.AGENCY_SCORING:
            _deny(perms.can_score(actor, evaluation))
            stage = Stage.AGENCY
        else:
            raise TransitionNotAllowed(
                _("Scores can be entered only during self-assessment or agency scoring.")
            )
        if indicator.framework_id != evaluation.framework_id or not indicator.is_leaf:
            raise DomainError(
                _("Score the level-3 indicators of this evaluation's framework."), field="indicator"
            )
        if stage == Stage.AGENCY and not (evidence_text.strip() or evidence_file):
            raise DomainError(_("An agency score needs evidence (a text or a file)."), field="evidence_text")
        score = scoring.leaf_score(indicator.method, indicator.params, indicator.max_score, value)
        row, _created = IndicatorScore.objects.update_or_create(
            evaluation=evaluation,
            indicator=indicator,
            stage=stage,
            defaults={
                "value": scoring.dec(value),
                "score": score,
                "evidence_text": evidence_text,
                "scored_by": actor,
                **({"evidence_file": evidence_file} if evidence_file else {}),
            },
        )
        audit_record(
            actor=actor,
            action="perf.score",
            obj=evaluation,
            after={"indicator": indicator.code, "stage": stage, "value": str(value), "score": str(score)},
        )
    return row


def tree_nodes(framework: Framework, scores: dict[int, Decimal]) -> list[scoring.Node]:
    indicators = list(framework.indicators.all())
    by_parent: dict[int | None, list[Indicator]] = {}
    for indicator in indicators:
        by_parent.setdefault(indicator.parent_id, []).append(indicator)

    def node(indicator: Indicator) -> scoring.Node:
        return scoring.Node(
            key=indicator.code,
            weight=indicator.weight,
            max_score=indicator.max_score,
            score=scores.get(indicator.pk),
            veto=indicator.veto,
            children=[node(c) for c in by_parent.get(indicator.pk, [])],
        )

    return [node(i) for i in by_parent.get(None, [])]


def evaluation_totals(evaluation: Evaluation, stage: str) -> scoring.Total:
    scores = dict(evaluation.scores.filter(stage=stage).values_list("indicator_id", "score"))
    return scoring.total_score(tree_nodes(evaluation.framework, scores), veto_cap=conf.veto_cap())


def _missing(evaluation: Evaluation, stage: str) -> list[str]:
    scored = set(evaluation.scores.filter(stage=stage).values_list("indicator_id", flat=True))
    return [i.code for i in evaluation.framework.indicators.filter(level=3) if i.pk not in scored]


TRANSITIONS = {
    "open": (State.DRAFT, State.SELF_ASSESSMENT),
    "submit_self": (State.SELF_ASSESSMENT, State.AGENCY_SCORING),
    "submit_scores": (State.AGENCY_SCORING, State.DEPT_REVIEW),
    "return": (State.DEPT_REVIEW, State.AGENCY_SCORING),
    "approve": (State.DEPT_REVIEW, State.APPROVED),
    "publish": (State.APPROVED, State.PUBLISHED),
}
ALLOWED = {
    "open": perms.can_open,
    "submit_self": perms.can_self_assess,
    "submit_scores": perms.can_score,
    "return": perms.can_review,
    "approve": perms.can_review,
    "publish": perms.can_review,
}


def evaluation_transition(*, actor, evaluation: Evaluation, action: str, note: str = "") -> Evaluation:
    if action not in TRANSITIONS:
        raise DomainError(_("Unknown action."))
    source, target = TRANSITIONS[action]
    with transaction.atomic():
        evaluation = (
            Evaluation.objects.select_for_update()
            .select_related("project", "framework")
            .get(pk=evaluation.pk)
        )
        _deny(ALLOWED[action](actor, evaluation))
        if evaluation.state != source:
            raise TransitionNotAllowed(
                _("The evaluation is %(state)s; this step is not possible now.")
                % {"state": evaluation.get_state_display()}
            )
        before = snapshot(evaluation, ["state", "total", "self_total"])
        today = clocks.local_today()
        if action == "submit_self":
            if _missing(evaluation, Stage.SELF):
                raise DomainError(
                    _("Self-assess every indicator first: %(codes)s.")
                    % {"codes": ", ".join(_missing(evaluation, Stage.SELF))}
                )
            evaluation.self_total = evaluation_totals(evaluation, Stage.SELF).total
        if action == "submit_scores":
            missing = _missing(evaluation, Stage.AGENCY)
            if missing:
                raise DomainError(
                    _("Score every indicator first: %(codes)s.") % {"codes": ", ".join(missing)}
                )
            totals = evaluation_totals(evaluation, Stage.AGENCY)
            evaluation.total, evaluation.veto_failed = totals.total, bool(totals.veto_failed)
        if action == "approve":
            evaluation.approved_on = today
        if action == "publish":
            evaluation.published_on = today
        evaluation.state = target
        evaluation.save()
        EvaluationTransition.objects.create(
            evaluation=evaluation, from_state=source, to_state=target, actor=actor, on=today, note=note
        )
        _tell(evaluation, action)
        audit_record(
            actor=actor,
            action="perf.transition",
            obj=evaluation,
            before=before,
            after=snapshot(evaluation, ["state", "total", "self_total"]),
            reason=note,
        )
    return evaluation


def _users_of(unit_ids, role=None):
    from coordination.models import Position

    positions = Position.objects.filter(unit_id__in=unit_ids, active=True)
    if role:
        positions = positions.filter(roles__code=role)
    return [p.user for p in positions.select_related("user")]


def _tell(evaluation: Evaluation, action: str) -> None:
    project = evaluation.project
    recipients = {
        "open": _users_of([project.project_company_id], "representative")
        if project.project_company_id
        else [],
        "submit_self": _users_of([project.implementing_agency_id]) + list(evaluation.evaluators.all()),
        "submit_scores": _users_of([project.finance_department_id], "ppp_manager"),
        "return": _users_of([project.implementing_agency_id]) + list(evaluation.evaluators.all()),
        "approve": _users_of([project.implementing_agency_id]),
        "publish": [],
    }[action]
    if recipients:
        notify(
            recipients=recipients,
            kind="generic",
            context={
                "title": _("Performance evaluation: %(state)s") % {"state": evaluation.get_state_display()},
                "text": str(evaluation),
            },
            key=f"perf-eval:{evaluation.pk}:{action}:{evaluation.transitions.count()}",
            subject=evaluation,
        )


# --- Payment mechanisms, calculations and payments ---------------------------------------------


MECHANISM_FIELDS = [
    "contract_version",
    "availability_payment",
    "linked_amount",
    "fixed_amount",
    "bands",
    "abatement_per_event",
    "incentive_from",
    "incentive_per_point",
    "incentive_cap",
    "payment_due_days",
]


def validate_mechanism(project: Project, data: dict) -> dict:
    data = dict(data)
    data["bands"] = scoring.validate_bands(data.get("bands"))
    for name in (
        "linked_amount",
        "fixed_amount",
        "abatement_per_event",
        "incentive_per_point",
        "incentive_cap",
    ):
        data[name] = scoring.q2(scoring.dec(data.get(name, 0), what=name))
        if data[name] < 0:
            raise DomainError(_("Amounts cannot be negative."), field=name)
    if data.get("incentive_from") is not None:
        data["incentive_from"] = scoring.dec(data["incentive_from"])
    if project.regime == Regime.LEGACY_PPP and data.get("availability_payment", True):
        whole = data["linked_amount"] + data["fixed_amount"]
        share = data["linked_amount"] / whole if whole else Decimal(0)
        if share < conf.legacy_min_linked_share():
            raise DomainError(
                _(
                    "Legacy PPP availability payments must float with performance for at least "
                    "%(min)s%% of the amount (财办金〔2017〕92号); this mechanism links %(share)s%%."
                )
                % {"min": conf.legacy_min_linked_share() * 100, "share": scoring.q2(share * 100)},
                field="linked_amount",
            )
    return data


def mechanism_save(*, actor, project: Project, data: dict, contract=None) -> PaymentMechanism:
    """A new active mechanism for the project (the previous one stays for the calculations that used it)."""
    _deny(perms.can_edit_framework(actor, project))
    data = validate_mechanism(project, data)
    with transaction.atomic():
        PaymentMechanism.objects.filter(project=project, active=True).update(active=False)
        mechanism = PaymentMechanism.objects.create(
            project=project, contract=contract, **{k: data[k] for k in MECHANISM_FIELDS if k in data}
        )
        audit_record(
            actor=actor,
            action="perf.mechanism_save",
            obj=mechanism,
            after=snapshot(mechanism, MECHANISM_FIELDS),
        )
    return mechanism


def mechanism_update(*, actor, mechanism: PaymentMechanism, data: dict) -> PaymentMechanism:
    """Change a mechanism in place (calculations already made keep their snapshot)."""
    _deny(perms.can_edit_framework(actor, mechanism.project))
    merged = {**{k: getattr(mechanism, k) for k in MECHANISM_FIELDS}, **data}
    merged = validate_mechanism(mechanism.project, merged)
    with transaction.atomic():
        mechanism = PaymentMechanism.objects.select_for_update().get(pk=mechanism.pk)
        before = snapshot(mechanism, MECHANISM_FIELDS)
        for key in MECHANISM_FIELDS:
            setattr(mechanism, key, merged[key])
        mechanism.save()
        audit_record(
            actor=actor,
            action="perf.mechanism_save",
            obj=mechanism,
            before=before,
            after=snapshot(mechanism, MECHANISM_FIELDS),
        )
    return mechanism


def _tree_snapshot(evaluation: Evaluation) -> list[dict]:
    scores = {s.indicator_id: s for s in evaluation.scores.filter(stage=Stage.AGENCY)}
    return [
        {
            "code": i.code,
            "parent": i.parent.code if i.parent_id else None,
            "level": i.level,
            "dimension": i.dimension,
            "name": i.name,
            "weight": str(i.weight),
            "method": i.method,
            "params": i.params,
            "veto": i.veto,
            "max_score": str(i.max_score),
            "value": str(scores[i.pk].value) if i.pk in scores else None,
            "score": str(scores[i.pk].score) if i.pk in scores else None,
        }
        for i in evaluation.framework.indicators.select_related("parent")
    ]


def failure_events(evaluation: Evaluation) -> int:
    """Failure events: the agency's counts on per-event indicators."""
    values = evaluation.scores.filter(stage=Stage.AGENCY, indicator__method=Method.PER_EVENT).values_list(
        "value", flat=True
    )
    return int(sum(values, Decimal(0)))


def calculation_create(*, actor, evaluation: Evaluation, events: int | None = None) -> PaymentCalculation:
    """The payment for an approved evaluation, frozen with the mechanism and tree it used."""
    _deny(perms.can_pay(actor, evaluation.project))
    with transaction.atomic():
        evaluation = (
            Evaluation.objects.select_for_update()
            .select_related("project", "framework")
            .get(pk=evaluation.pk)
        )
        if evaluation.state not in (State.APPROVED, State.PUBLISHED):
            raise TransitionNotAllowed(_("Only an approved evaluation sets a payment."))
        if PaymentCalculation.objects.filter(evaluation=evaluation).exists():
            raise TransitionNotAllowed(_("This evaluation's payment is already calculated."))
        mechanism = PaymentMechanism.objects.filter(project=evaluation.project, active=True).first()
        if mechanism is None:
            raise DomainError(_("The project has no payment mechanism."))
        events = failure_events(evaluation) if events is None else int(events)
        if events < 0:
            raise DomainError(_("The number of failure events cannot be negative."))
        result = scoring.payment_amount(
            bands=mechanism.bands,
            score=evaluation.total,
            linked_amount=mechanism.linked_amount,
            fixed_amount=mechanism.fixed_amount,
            abatement_per_event=mechanism.abatement_per_event,
            events=events,
            incentive_from=mechanism.incentive_from,
            incentive_per_point=mechanism.incentive_per_point,
            incentive_cap=mechanism.incentive_cap,
        )
        frozen = {
            "mechanism": {"id": mechanism.pk, **snapshot(mechanism, MECHANISM_FIELDS)},
            "framework": {"id": evaluation.framework_id, "version": evaluation.framework.version},
            "tree": _tree_snapshot(evaluation),
            "score": str(evaluation.total),
            "veto_failed": evaluation.veto_failed,
        }
        calculation = PaymentCalculation.objects.create(
            evaluation=evaluation,
            mechanism=mechanism,
            snapshot=chain.to_json_value(frozen),
            score=evaluation.total,
            coefficient=result.coefficient,
            performance_part=result.performance_part,
            events=events,
            abatements=result.abatements,
            incentive=result.incentive,
            amount=result.amount,
            due_on=add_working_days(
                evaluation.approved_on or clocks.local_today(), mechanism.payment_due_days
            ),
            calculated_by=actor,
        )
        audit_record(
            actor=actor,
            action="perf.calculate",
            obj=calculation,
            after={"amount": str(result.amount), "coefficient": str(result.coefficient), "events": events},
        )
    return calculation


def payment_record(
    *, actor, calculation: PaymentCalculation, amount, paid_on: datetime.date, reference: str
) -> Payment:
    project = calculation.evaluation.project
    _deny(perms.can_pay(actor, project))
    amount = scoring.q2(scoring.dec(amount, what=_("Amount")))
    if amount <= 0:
        raise DomainError(_("A payment must be positive."), field="amount")
    if not reference.strip():
        raise DomainError(_("A payment needs a reference."), field="reference")
    with transaction.atomic():
        PaymentCalculation.objects.select_for_update().filter(pk=calculation.pk).first()
        paid = sum(calculation.payments.values_list("amount", flat=True), Decimal(0))
        if paid + amount > calculation.amount:
            raise DomainError(
                _("Payments would exceed the calculated amount %(amount)s.") % {"amount": calculation.amount},
                field="amount",
            )
        payment = Payment.objects.create(
            calculation=calculation,
            amount=amount,
            paid_on=paid_on,
            reference=reference.strip(),
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="perf.payment",
            obj=payment,
            after=snapshot(payment, ["amount", "paid_on", "reference"]),
        )
    return payment
