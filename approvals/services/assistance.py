"""Writes around an application (DOMAIN.md §3): authorising government agents (代办), verifying
pledges after a grant (告知承诺) with the credit record a false one leaves, and reusing area
assessments (区域评估) for the materials they replace.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals import conf, permissions
from approvals.models import (
    AcceptanceMode,
    AgentGrant,
    Application,
    AssessedArea,
    CreditRecord,
    PledgeVerification,
    VerificationOutcome,
)
from approvals.services.applicant import _lock, _require_editable, sync_area_materials
from approvals.services.applications import (
    _deny,
    _stop_clock,
    _tell,
    _tell_applicant,
    _today,
    acting_for,
    application_transition,
    official_url,
    require_applicant,
)
from approvals.workflow import ApplicationStatus
from portal.audit.actions import register_actions
from portal.audit.services import audit_record
from portal.clocks import services as clocks
from portal.errors import DomainError, TransitionNotAllowed
from portal.notifications.services import notify

A = ApplicationStatus

register_actions(
    {
        "agent.grant": gettext_lazy("Agent authorised"),
        "agent.revoke": gettext_lazy("Agent authorisation revoked"),
        "pledge.verify": gettext_lazy("Pledge verified"),
        "credit.record": gettext_lazy("Credit record written"),
        "credit.lift": gettext_lazy("Credit record lifted"),
        "application.area": gettext_lazy("Assessed area of the project set"),
    }
)

# States in which a granted application can still be revoked (approvals.workflow).
REVOCABLE_STATES = (A.GRANTED, A.PUBLISHED, A.ISSUED, A.DELIVERED)


# -- 代办 ----------------------------------------------------------------------------------------------


def _tell_agent(grant: AgentGrant, event: str) -> None:
    notify(
        recipients=[grant.agent],
        kind="agent_grant",
        key=f"agent-grant:{grant.pk}:{event}",
        url="/apply/clients/",
        subject=grant,
        context={
            "event": event,
            "applicant": grant.applicant.full_name or grant.applicant.username,
            "valid_until": grant.valid_until,
            "reason": grant.revoked_reason,
        },
    )


@transaction.atomic
def agent_grant_create(
    *,
    actor,
    agent,
    may_prepare: bool = True,
    may_withdraw: bool = False,
    item=None,
    package=None,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date,
    note: str = "",
) -> AgentGrant:
    """The applicant (the actor) authorises a government agent to act for them within a scope."""
    if actor is None or not actor.is_authenticated:
        _deny(_("Log in to authorise an agent."))
    if agent is None or agent.pk == actor.pk or not permissions.is_government_agent(agent):
        raise DomainError(_("Choose one of the government agents (代办员)."), field="agent")
    if not (may_prepare or may_withdraw):
        raise DomainError(_("Choose at least one thing the agent may do."), field="may_prepare")
    if item is not None and package is not None:
        raise DomainError(_("Limit the authorisation to one item or one package, not both."), field="item")
    today = _today()
    valid_from = valid_from or today
    if valid_from < today:
        raise DomainError(_("An authorisation cannot start in the past."), field="valid_from")
    if valid_until < valid_from:
        raise DomainError(_("The end of the authorisation comes before its start."), field="valid_until")
    if (valid_until - valid_from).days > conf.AGENT_GRANT_MAX_DAYS:
        raise DomainError(
            _("An authorisation lasts at most %(days)d days; renew it when it ends.")
            % {"days": conf.AGENT_GRANT_MAX_DAYS},
            field="valid_until",
        )
    grant = AgentGrant.objects.create(
        applicant=actor,
        agent=agent,
        may_prepare=may_prepare,
        may_withdraw=may_withdraw,
        item=item,
        package=package,
        valid_from=valid_from,
        valid_until=valid_until,
        note=note.strip(),
    )
    _tell_agent(grant, "granted")
    audit_record(
        actor=actor,
        action="agent.grant",
        obj=grant,
        after={
            "agent": agent.pk,
            "may_prepare": may_prepare,
            "may_withdraw": may_withdraw,
            "item": getattr(item, "pk", None),
            "package": getattr(package, "pk", None),
            "valid_from": valid_from,
            "valid_until": valid_until,
        },
    )
    return grant


@transaction.atomic
def agent_grant_revoke(*, actor, grant: AgentGrant, reason: str = "") -> AgentGrant:
    """Only the applicant who gave it revokes a grant; the agent's access ends at once."""
    grant = AgentGrant.objects.select_for_update().get(pk=grant.pk)
    if actor is None or actor.pk != grant.applicant_id:
        _deny(_("Only the applicant who gave this authorisation may revoke it."))
    if grant.revoked_at is not None:
        raise TransitionNotAllowed(_("This authorisation was already revoked."))
    grant.revoked_at = timezone.now()
    grant.revoked_reason = reason.strip()[:200]
    grant.save(update_fields=["revoked_at", "revoked_reason"])
    _tell_agent(grant, "revoked")
    audit_record(
        actor=actor, action="agent.revoke", obj=grant, after={"revoked": True}, reason=grant.revoked_reason
    )
    return grant


# -- 告知承诺 --------------------------------------------------------------------------------------------


def open_pledge_verification(application: Application) -> PledgeVerification | None:
    """A grant on pledge (告知承诺) gets a verification task for the lead department, with a clock.

    Called inside the grant's transaction (approvals.receivers); once per application."""
    if application.acceptance_mode != AcceptanceMode.COMMITMENT:
        return None
    verification, created = PledgeVerification.objects.get_or_create(
        application=application, defaults={"department_id": application.lead_department_id}
    )
    if not created:
        return verification
    clocks.clock_start(
        subject=verification,
        purpose="verification",
        limit_days=conf.PLEDGE_VERIFICATION_DAYS,
        actor=None,
        start_on=application.decided_on or _today(),
        label=_("Verify the pledge of %(number)s") % {"number": application.number},
    )
    _tell(
        verification.clock_recipients(None),
        application,
        "verification_due",
        url=official_url(application),
        days=conf.PLEDGE_VERIFICATION_DAYS,
    )
    return verification


@transaction.atomic
def pledge_verification_decide(
    *, actor, verification: PledgeVerification, kept: bool, findings: str
) -> PledgeVerification:
    """Record the outcome of the check. A false pledge revokes the grant, writes a credit record and
    bars the applicant from pledge-based acceptance for PLEDGE_BAR_DAYS."""
    findings = (findings or "").strip()
    if not findings:
        raise DomainError(_("Write down what the verification found."), field="findings")
    application = Application.objects.select_for_update().get(pk=verification.application_id)
    verification = PledgeVerification.objects.select_for_update().get(pk=verification.pk)
    if not permissions.can_verify_pledge(actor, verification):
        _deny(_("Only a reviewer of the lead department may verify the pledge."))
    if verification.outcome != VerificationOutcome.PENDING:
        raise TransitionNotAllowed(_("This pledge was already verified."))
    today = _today()
    verification.outcome = VerificationOutcome.CONFIRMED if kept else VerificationOutcome.FALSE
    verification.findings, verification.verified_by, verification.verified_on = findings, actor, today
    verification.save()
    _stop_clock(verification, "verification", actor)
    if not kept:
        if application.status not in REVOCABLE_STATES:
            raise TransitionNotAllowed(_("Only a granted application can be revoked."))
        record = CreditRecord.objects.create(
            subject_id=application.applicant_id,
            kind=CreditRecord.Kind.FALSE_PLEDGE,
            application=application,
            findings=findings,
            recorded_on=today,
            barred_until=today + datetime.timedelta(days=conf.PLEDGE_BAR_DAYS),
            recorded_by=actor,
        )
        application_transition(
            application,
            A.REVOKED,
            actor=actor,
            reason=_("The pledge proved false: %(findings)s") % {"findings": findings},
        )
        _tell_applicant(application, "revoked", reason=findings, barred_until=record.barred_until)
        audit_record(
            actor=actor,
            action="credit.record",
            obj=record,
            after={"kind": record.kind, "barred_until": record.barred_until, "application": application.pk},
        )
    audit_record(
        actor=actor,
        action="pledge.verify",
        obj=verification,
        after={"outcome": verification.outcome},
        reason=findings,
    )
    return verification


@transaction.atomic
def credit_record_lift(*, actor, record: CreditRecord, reason: str) -> CreditRecord:
    """An administrator lifts a credit record (credit repair, a decision overturned)."""
    if not permissions.can_lift_credit_record(actor):
        _deny(_("Only an administrator may lift a credit record."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for lifting the record."), field="lifted_reason")
    record = CreditRecord.objects.select_for_update().get(pk=record.pk)
    if record.lifted_on is not None:
        raise TransitionNotAllowed(_("This record was already lifted."))
    record.lifted_on, record.lifted_reason = _today(), reason[:200]
    record.save(update_fields=["lifted_on", "lifted_reason"])
    audit_record(
        actor=actor, action="credit.lift", obj=record, after={"lifted_on": record.lifted_on}, reason=reason
    )
    return record


# -- 区域评估 --------------------------------------------------------------------------------------------


@transaction.atomic
def application_set_area(*, actor, application: Application, area: AssessedArea | None) -> Application:
    """The applicant says whether the project lies in an assessed area (区域评估); the materials
    its valid assessments replace are satisfied at once, with the assessment linked."""
    application = _lock(application)
    require_applicant(actor, application)
    _require_editable(application)
    before = application.area_id
    application.area = area
    application.save(update_fields=["area", "updated_at"])
    rows = sync_area_materials(application, actor=actor)
    audit_record(
        actor=actor,
        action="application.area",
        obj=application,
        before={"area": before},
        after={"area": getattr(area, "pk", None), "assessments": sorted(r.assessment_id for r in rows)},
        on_behalf_of=acting_for(actor, application),
    )
    return application


__all__ = [
    "agent_grant_create",
    "agent_grant_revoke",
    "application_set_area",
    "credit_record_lift",
    "open_pledge_verification",
    "pledge_verification_decide",
]
