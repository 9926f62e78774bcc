"""Writes to PPP records: one function per use case (DESIGN.md §4.1).

Each runs in a transaction, checks permission and the regime rules, writes, records an OCDS
release for a change visible in the export, and writes the audit event last.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination import services as org_services
from coordination.models import OrgKind, OrgUnit
from operations import ocds, permissions, rules
from operations.models import (
    STAGE_ORDER,
    CatalogueEntry,
    Contract,
    ContractAmendment,
    Disclosure,
    Milestone,
    PartyProfile,
    Project,
    ProjectDocument,
    Risk,
    Shareholding,
    Stage,
    StageTransition,
    Tariff,
)
from portal.audit.actions import register_actions
from portal.audit.services import audit_record, snapshot
from portal.errors import DomainError, TransitionNotAllowed

register_actions(
    {
        "ppp.project_create": gettext_lazy("PPP project created"),
        "ppp.project_update": gettext_lazy("PPP project changed"),
        "ppp.stage": gettext_lazy("PPP project stage changed"),
        "ppp.document_add": gettext_lazy("PPP document added"),
        "ppp.milestone_save": gettext_lazy("PPP milestone saved"),
        "ppp.risk_add": gettext_lazy("PPP risk allocated"),
        "ppp.contract_add": gettext_lazy("PPP contract recorded"),
        "ppp.contract_amend": gettext_lazy("PPP contract amended"),
        "ppp.tariff_add": gettext_lazy("PPP tariff recorded"),
        "ppp.party_create": gettext_lazy("PPP party registered"),
        "ppp.party_profile": gettext_lazy("PPP party profile saved"),
        "ppp.shareholding_add": gettext_lazy("Shareholding recorded"),
        "ppp.catalogue_save": gettext_lazy("Service catalogue entry saved"),
        "ppp.integrity_check": gettext_lazy("Tender integrity checked"),
        "ppp.flag_resolve": gettext_lazy("Integrity flag resolved"),
        "ppp.benchmarks_import": gettext_lazy("Cost benchmarks imported"),
        "ppp.procurement_create": gettext_lazy("Procurement record added"),
        "ppp.procurement_update": gettext_lazy("Procurement record changed"),
        "ppp.procurement_delete": gettext_lazy("Procurement record deleted"),
    }
)

PROJECT_FIELDS = [
    "code",
    "name",
    "description",
    "regime",
    "mode",
    "return_mechanism",
    "sector",
    "term_years",
    "construction_years",
    "total_investment",
    "implementing_agency",
    "industry_authority",
    "finance_department",
    "project_company",
    "location",
    "contract_signed_on",
    "operation_start",
    "operation_end",
    "published",
]


class NeedsConfirmation(DomainError):
    """The change is allowed once the official confirms the warnings (`confirm=True`)."""

    def __init__(self, warnings):
        super().__init__(" ".join(w.message for w in warnings), field=warnings[0].field)
        self.warnings = warnings


def _require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You are not allowed to change this PPP project."))


def _validate(project: Project, *, confirm: bool) -> None:
    data = {name: getattr(project, name) for name in ("regime", "mode", "return_mechanism", "term_years")}
    data.update(
        construction_years=project.construction_years,
        operation_start=project.operation_start,
        operation_end=project.operation_end,
    )
    errors, warnings = rules.check_project(data)
    if errors:
        raise DomainError(errors[0].message, field=errors[0].field)
    if warnings and not (confirm or project.term_warning_confirmed):
        raise NeedsConfirmation(warnings)
    project.term_warning_confirmed = bool(warnings)
    try:
        project.full_clean(exclude=["uuid"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=field) from exc


def project_state(project: Project) -> dict:
    return snapshot(project, [*PROJECT_FIELDS, "stage"])


RESERVED_CODES = {"projects", "public", "catalogue", "benchmarks", "performance", "new", "parties"}


@transaction.atomic
def project_create(*, actor, data: dict, confirm: bool = False, reason: str = "") -> Project:
    _require(actor is None or permissions.can_create_project(actor))
    project = Project(**{k: v for k, v in data.items() if k in PROJECT_FIELDS})
    if project.code in RESERVED_CODES:
        raise DomainError(_("This code is reserved; choose another."), field="code")
    _validate(project, confirm=confirm)
    project.save()
    StageTransition.objects.create(
        project=project,
        from_stage="",
        to_stage=project.stage,
        on=data.get("identified_on") or timezone.localdate(),
        approved_by=actor if actor and actor.is_authenticated else None,
        note=_("Project registered."),
    )
    ocds.record_release(project, tags=["planning"], sections=["planning", "parties"])
    audit_record(
        actor=actor, action="ppp.project_create", obj=project, after=project_state(project), reason=reason
    )
    return project


@transaction.atomic
def project_update(
    *, actor, project: Project, data: dict, confirm: bool = False, reason: str = ""
) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    _require(actor is None or permissions.can_edit_project(actor, project))
    before = project_state(project)
    term_before = project.term_years
    for key, value in data.items():
        if key in PROJECT_FIELDS and key != "code":
            setattr(project, key, value)
    if project.term_years != term_before:
        project.term_warning_confirmed = False
    _validate(project, confirm=confirm)
    project.save()
    after = project_state(project)
    if after != before:
        changed = {k for k in after if after[k] != before.get(k)}
        tag = "contractUpdate" if changed & {"contract_signed_on", "project_company"} else "planningUpdate"
        ocds.record_release(project, tags=[tag], sections=["planning", "parties"])
        audit_record(
            actor=actor, action="ppp.project_update", obj=project, before=before, after=after, reason=reason
        )
    return project


def allowed_next_stages(project: Project) -> list[str]:
    index = STAGE_ORDER.index(project.stage)
    return STAGE_ORDER[index + 1 : index + 2]


@transaction.atomic
def project_transition(
    *, actor, project: Project, to_stage: str, on: datetime.date, note: str = ""
) -> Project:
    """Move the project one stage forward, dated and approved by a PPP manager of the finance
    department. No skipping, no going back."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _require(
        actor is None or permissions.can_approve_stage(actor, project),
        _("Only a PPP manager of the finance department approves a stage transition."),
    )
    if to_stage not in allowed_next_stages(project):
        raise TransitionNotAllowed(
            _("A project in %(stage)s can only move to the next stage.")
            % {"stage": project.get_stage_display()}
        )
    last = StageTransition.objects.filter(project=project).order_by("-on", "-id").first()
    if on > timezone.localdate():
        raise DomainError(_("A stage transition cannot be dated in the future."), field="on")
    if last and on < last.on:
        raise DomainError(_("A stage transition cannot be dated before the previous one."), field="on")
    if to_stage == Stage.EXECUTION:
        if not project.contract_signed_on:
            raise DomainError(
                _("Record the signing date of the contract before execution."), field="contract_signed_on"
            )
        if rules.needs_project_company(project.regime) and not project.project_company_id:
            raise DomainError(_("Record the project company before execution."), field="project_company")
    before = project_state(project)
    StageTransition.objects.create(
        project=project,
        from_stage=project.stage,
        to_stage=to_stage,
        on=on,
        approved_by=actor if actor and actor.is_authenticated else None,
        note=note,
    )
    project.stage = to_stage
    project.save(update_fields=["stage", "updated_at"])
    tag = {Stage.PROCUREMENT: "tender", Stage.EXECUTION: "contract", Stage.TRANSFER: "implementation"}.get(
        to_stage, "planningUpdate"
    )
    ocds.record_release(project, tags=[tag], sections=["planning", "contracts"], date=on)
    audit_record(
        actor=actor, action="ppp.stage", obj=project, before=before, after=project_state(project), reason=note
    )
    return project


# ----------------------------------------------------------------------------------------------
# Records attached to a project


def _locked_editable(actor, project: Project) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    _require(actor is None or permissions.can_edit_project(actor, project))
    return project


def _full_clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=field) from exc


@transaction.atomic
def document_add(*, actor, project: Project, data: dict) -> ProjectDocument:
    project = _locked_editable(actor, project)
    document = ProjectDocument(project=project, **data)
    if document.disclosure == Disclosure.AT_STAGE and not document.disclose_at_stage:
        raise DomainError(
            _("Choose the stage at which the document is disclosed."), field="disclose_at_stage"
        )
    if document.disclosure != Disclosure.AT_STAGE:
        document.disclose_at_stage = ""
    _full_clean(document, exclude=["project"])
    document.save()
    ocds.record_release(project, tags=["planningUpdate"], sections=["documents"])
    audit_record(
        actor=actor,
        action="ppp.document_add",
        obj=project,
        after=snapshot(document, ["kind", "title", "disclosure", "disclose_at_stage", "issued_on"]),
    )
    return document


@transaction.atomic
def milestone_save(*, actor, project: Project, data: dict, milestone: Milestone | None = None) -> Milestone:
    project = _locked_editable(actor, project)
    fields = ["title", "kind", "planned_on", "actual_on"]
    before = snapshot(milestone, fields) if milestone else None
    milestone = milestone or Milestone(project=project)
    for key in fields:
        if key in data:
            setattr(milestone, key, data[key])
    _full_clean(milestone, exclude=["project"])
    milestone.save()
    ocds.record_release(project, tags=["planningUpdate"], sections=["milestones"])
    audit_record(
        actor=actor,
        action="ppp.milestone_save",
        obj=project,
        before=before,
        after=snapshot(milestone, fields),
    )
    return milestone


@transaction.atomic
def risk_add(*, actor, project: Project, data: dict) -> Risk:
    project = _locked_editable(actor, project)
    risk = Risk(project=project, **data)
    _full_clean(risk, exclude=["project"])
    risk.save()
    ocds.record_release(project, tags=["contractUpdate"], sections=["risks"])
    audit_record(
        actor=actor,
        action="ppp.risk_add",
        obj=project,
        after=snapshot(risk, ["category", "description", "allocation", "mitigation"]),
    )
    return risk


CONTRACT_FIELDS = ["title", "number", "signed_on", "value", "counterparty", "summary"]


@transaction.atomic
def contract_add(*, actor, project: Project, data: dict) -> Contract:
    project = _locked_editable(actor, project)
    contract = Contract(project=project, **{k: v for k, v in data.items() if k in CONTRACT_FIELDS})
    _full_clean(contract, exclude=["project"])
    contract.save()
    ocds.record_release(project, tags=["contract"], sections=["contracts"])
    audit_record(
        actor=actor, action="ppp.contract_add", obj=project, after=snapshot(contract, CONTRACT_FIELDS)
    )
    return contract


@transaction.atomic
def contract_amend(
    *, actor, contract: Contract, data: dict, signed_on: datetime.date, rationale: str
) -> Contract:
    """A new version of the contract: the changed fields and the rationale are kept per version."""
    project = _locked_editable(actor, contract.project)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if not rationale.strip():
        raise DomainError(_("Give the rationale of the amendment."), field="rationale")
    before = snapshot(contract, [*CONTRACT_FIELDS, "version"])
    changes = {}
    for key, value in data.items():
        if key in CONTRACT_FIELDS and getattr(contract, key) != value:
            changes[key] = {"from": before.get(key), "to": str(value)}
            setattr(contract, key, value)
    if not changes:
        raise DomainError(_("The amendment changes nothing."))
    contract.version += 1
    _full_clean(contract, exclude=["project"])
    contract.save()
    ContractAmendment.objects.create(
        contract=contract,
        version=contract.version,
        signed_on=signed_on,
        rationale=rationale,
        changes=changes,
        created_by=actor if actor and actor.is_authenticated else None,
    )
    ocds.record_release(project, tags=["contractAmendment"], sections=["contracts"])
    audit_record(
        actor=actor,
        action="ppp.contract_amend",
        obj=project,
        before=before,
        after=snapshot(contract, [*CONTRACT_FIELDS, "version"]),
        reason=rationale,
    )
    return contract


@transaction.atomic
def tariff_add(*, actor, project: Project, data: dict) -> Tariff:
    project = _locked_editable(actor, project)
    tariff = Tariff(project=project, **data)
    _full_clean(tariff, exclude=["project"])
    if tariff.valid_until and tariff.valid_until < tariff.valid_from:
        raise DomainError(_("The end of validity is before its start."), field="valid_until")
    tariff.save()
    ocds.record_release(project, tags=["contractUpdate"], sections=["contracts"])
    audit_record(
        actor=actor,
        action="ppp.tariff_add",
        obj=project,
        after=snapshot(tariff, ["item", "unit", "price", "valid_from", "valid_until"]),
    )
    return tariff


# ----------------------------------------------------------------------------------------------
# Parties


@transaction.atomic
def enterprise_register(
    *, actor, code: str, name: str, uscc: str, parent: OrgUnit | None = None, profile=None
):
    """Add an enterprise to the organisation chart (USCC-validated by the chart's own service) with
    its PPP profile."""
    _require(actor is None or permissions.can_manage_parties(actor))
    # The chart service is called as the system: PPP managers register enterprises, not departments.
    try:
        unit = org_services.org_unit_create(
            actor=None,
            parent=parent,
            data={"code": code, "name": name, "kind": OrgKind.ENTERPRISE, "uscc": uscc},
            reason=_("Registered as a PPP party."),
        )
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=field) from exc
    if profile:
        party_profile_save(actor=actor, unit=unit, data=profile)
    audit_record(actor=actor, action="ppp.party_create", obj=unit, after={"code": code, "uscc": uscc})
    return unit


PROFILE_FIELDS = [
    "legal_rep_name",
    "legal_rep_id_number",
    "incorporated_on",
    "registered_capital",
    "blacklisted_until",
    "notes",
]


@transaction.atomic
def party_profile_save(*, actor, unit: OrgUnit, data: dict) -> PartyProfile:
    _require(actor is None or permissions.can_manage_parties(actor))
    profile, _created = PartyProfile.objects.select_for_update().get_or_create(unit=unit)
    before = snapshot(profile, PROFILE_FIELDS)
    for key, value in data.items():
        if key in PROFILE_FIELDS:
            setattr(profile, key, value)
    _full_clean(profile, exclude=["unit"])
    profile.save()
    after = snapshot(profile, PROFILE_FIELDS)
    # The ID number is personal data: the audit trail records that it changed, not its value.
    for state in (before, after):
        if state.get("legal_rep_id_number"):
            state["legal_rep_id_number"] = "***"
    audit_record(actor=actor, action="ppp.party_profile", obj=unit, before=before, after=after)
    return profile


@transaction.atomic
def shareholding_add(*, actor, data: dict) -> Shareholding:
    _require(actor is None or permissions.can_manage_parties(actor))
    holding = Shareholding(**data)
    if holding.holder_id and holding.holder_id == holding.company_id:
        raise DomainError(_("A company cannot hold its own shares."), field="holder")
    if holding.valid_from and holding.valid_until and holding.valid_until < holding.valid_from:
        raise DomainError(_("The end of validity is before its start."), field="valid_until")
    _full_clean(holding)
    holding.save()
    fields = ["holder", "company", "ratio", "voting_ratio", "valid_from", "valid_until"]
    audit_record(
        actor=actor, action="ppp.shareholding_add", obj=holding.company, after=snapshot(holding, fields)
    )
    for project in Project.objects.filter(project_company=holding.company):
        ocds.record_release(project, tags=["contractUpdate"], sections=["parties"])
    return holding


# ----------------------------------------------------------------------------------------------
# Catalogue

CATALOGUE_FIELDS = [
    "code",
    "name",
    "domain",
    "allowed_modes",
    "participation",
    "revenue_sources",
    "status",
    "description",
]


@transaction.atomic
def catalogue_save(*, actor, data: dict, entry: CatalogueEntry | None = None) -> CatalogueEntry:
    _require(actor is None or permissions.can_manage_catalogue(actor))
    before = snapshot(entry, CATALOGUE_FIELDS) if entry else None
    entry = entry or CatalogueEntry()
    for key, value in data.items():
        if key in CATALOGUE_FIELDS:
            setattr(entry, key, value)
    from operations.models import Mode

    unknown = [m for m in entry.allowed_modes if m not in Mode.values]
    if unknown:
        raise DomainError(
            _("Unknown operation mode: %(modes)s.") % {"modes": ", ".join(unknown)}, field="allowed_modes"
        )
    _full_clean(entry)
    entry.save()
    audit_record(
        actor=actor,
        action="ppp.catalogue_save",
        obj=entry,
        before=before,
        after=snapshot(entry, CATALOGUE_FIELDS),
    )
    return entry


# ----------------------------------------------------------------------------------------------
# Reminders

register_actions({"ppp.milestone_late": gettext_lazy("Late PPP milestone reminded")})


def milestone_recipients(project: Project):
    from portal.models import User

    return User.objects.filter(
        positions__unit_id__in=[project.finance_department_id, project.implementing_agency_id],
        positions__active=True,
        positions__roles__code=permissions.PPP_MANAGER,
        is_active=True,
    ).distinct()


@transaction.atomic
def milestone_remind_late(*, milestone_id: int, today: datetime.date) -> bool:
    """Remind the PPP managers of the finance department and the implementing agency, once, of a
    milestone whose planned date has passed without being achieved. Safe to run twice."""
    from django.urls import reverse

    from portal.notifications.services import notify

    milestone = Milestone.objects.select_for_update().select_related("project").get(pk=milestone_id)
    if milestone.actual_on or milestone.reminded_on or milestone.planned_on >= today:
        return False
    project = milestone.project
    notify(
        recipients=milestone_recipients(project),
        kind="generic",
        key=f"ppp-milestone-late:{milestone.pk}",
        url=reverse("operations:project", args=[project.code]),
        subject=project,
        context={
            "title": _("Milestone late: %(title)s") % {"title": milestone.title},
            "text": _(
                "%(project)s: the milestone %(title)s was due on %(date)s and is not recorded as achieved."
            )
            % {"project": project.name, "title": milestone.title, "date": f"{milestone.planned_on:%Y-%m-%d}"},
        },
    )
    milestone.reminded_on = today
    milestone.save(update_fields=["reminded_on"])
    audit_record(
        actor=None,
        action="ppp.milestone_late",
        obj=project,
        after={"milestone": milestone.title, "planned_on": milestone.planned_on.isoformat()},
    )
    return True
