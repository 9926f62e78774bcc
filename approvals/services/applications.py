"""The life of an application: submit, check, accept, review in parallel, consolidate, decide.

Each service runs in one transaction, locks the application row (the parent row: several
reviewers may finish at the same moment), checks the transition (approvals.workflow) and who may
fire it (approvals.permissions), writes the change and its status history, starts/pauses/stops
the platform clocks, records the audit event and notifies through the outbox.

The clocks (portal.clocks): "completeness" (5 working days for the one-time completeness check,
行政许可法 art. 32), "promised" on the application (the package's total or the item's promised
limit, from acceptance) and "review" on each department task (the item's promised limit).
"""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals import permissions, rules
from approvals.catalogue import application_requirements
from approvals.models import AcceptanceMode, Application, DepartmentTask, Item, Package, StatusChange
from approvals.selectors.assistance import active_credit_bar
from approvals.signals import application_status_changed
from approvals.workflow import (
    OPEN_APPLICATION_STATES,
    TERMINAL_TASK_STATES,
    ApplicationStatus,
    TaskStatus,
    check_application,
    check_task,
)
from portal.audit.actions import register_actions
from portal.audit.services import audit_batch, audit_record
from portal.clocks import services as clocks
from portal.clocks.models import Clock
from portal.errors import DomainError, TransitionNotAllowed
from portal.models import User
from portal.notifications.services import notify
from portal.numbering import next_number
from portal.workcal import days as workdays

A = ApplicationStatus
T = TaskStatus

register_actions(
    {
        "application.status": gettext_lazy("Application status changed"),
        "task.status": gettext_lazy("Department task status changed"),
        "application.supplement": gettext_lazy("Pledged materials recorded as received"),
    }
)


# -- helpers -----------------------------------------------------------------------------------------


def _today():
    return clocks.local_today()


def _deny(message: str):
    raise PermissionDenied(message)


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def application_transition(
    application: Application, target: str, *, actor, reason: str = "", on_behalf_of=None
) -> None:
    """Move the application to `target`, append the history, audit it and announce it.

    The one way any status changes, also for the apps built on approvals (results, supervision):
    call it inside a transaction with the application row locked (select_for_update). Receivers of
    `approvals.signals.application_status_changed` run inside the same transaction."""
    check_application(application.status, target)
    before = application.status
    application.status = target
    application.save()
    StatusChange.objects.create(
        application=application,
        from_status=before,
        to_status=target,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        on_behalf_of=on_behalf_of,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action="application.status",
        obj=application,
        before={"status": before},
        after={"status": target},
        reason=reason,
        on_behalf_of=on_behalf_of,
    )
    application_status_changed.send(
        sender=Application, application=application, old=before, new=target, actor=actor, reason=reason
    )


def _move_task(task: DepartmentTask, target: str, *, actor, reason: str = "") -> None:
    check_task(task.status, target)
    before = task.status
    task.status = target
    task.save()
    audit_record(
        actor=actor,
        action="task.status",
        obj=task,
        before={"status": before},
        after={"status": target},
        reason=reason,
    )


def _clock(subject, purpose: str) -> Clock | None:
    return Clock.objects.filter(
        subject_id=str(subject.pk),
        purpose=purpose,
        subject_type__model=subject._meta.model_name,
        subject_type__app_label=subject._meta.app_label,
    ).first()


def _stop_clock(subject, purpose: str, actor) -> None:
    clock = _clock(subject, purpose)
    if clock is not None and clock.state != "stopped":
        clocks.clock_stop(clock=clock, actor=actor)


def _items(application: Application) -> list[tuple[Item, bool]]:
    if application.item_id:
        return [(application.item, True)]
    return [
        (pi.item, pi.mandatory)
        for pi in application.package.package_items.select_related("item").order_by("order", "pk")
    ]


def applicant_url(application: Application) -> str:
    return f"/apply/a/{application.uuid}/"


def official_url(application: Application) -> str:
    return f"/work/applications/{application.uuid}/"


def _tell(
    recipients, application: Application, event: str, *, url: str, key_suffix: str = "", **context
) -> None:
    notify(
        recipients=recipients,
        kind="application_event",
        key=f"application:{application.pk}:{event}{key_suffix}",
        url=url,
        subject=application,
        context={
            "event": event,
            "number": application.number or "",
            "name": application.subject_name,
            **context,
        },
    )


def _tell_applicant(application: Application, event: str, *, key_suffix: str = "", **context) -> None:
    _tell(
        [application.applicant],
        application,
        event,
        url=applicant_url(application),
        key_suffix=key_suffix,
        **context,
    )


def _staff(unit_id: int, role: str):
    return User.objects.filter(
        positions__unit_id=unit_id, positions__active=True, positions__roles__code=role, is_active=True
    ).distinct()


def require_applicant(actor, application, scope: str = permissions.PREPARE) -> None:
    """The applicant, or a government agent whose grant covers this act (代办)."""
    if not permissions.can_act_for(actor, application, scope):
        _deny(_("Only the applicant, or an agent they authorised for this, may do this."))


def acting_for(actor, application):
    """The applicant when an agent acts for them (recorded beside the agent), else None."""
    if actor is not None and getattr(actor, "pk", None) not in (None, application.applicant_id):
        return application.applicant
    return None


# -- applicant -----------------------------------------------------------------------------------------


@transaction.atomic
def application_create(
    *,
    actor,
    item: Item | None = None,
    package: Package | None = None,
    form_data: dict | None = None,
    applicant: User | None = None,
) -> Application:
    """Start a draft for a published item or package, for the actor or, when a government agent
    starts it (代办), for the `applicant` who granted them that."""
    if (item is None) == (package is None):
        raise DomainError(_("Choose either an item or a package."))
    target = item or package
    if not (target.published and target.active):
        raise DomainError(_("This service is not open for applications."))
    applicant = applicant or actor
    if applicant.pk != actor.pk:
        probe = Application(applicant=applicant, item=item, package=package)
        if permissions.agent_grant_for(actor, probe, permissions.PREPARE) is None:
            _deny(_("You hold no authorisation from this applicant for this service."))
    application = Application.objects.create(
        applicant=applicant,
        item=item,
        package=package,
        form_data=form_data or {},
        lead_department=package.lead_department if package else item.implementing_body,
    )
    on_behalf_of = acting_for(actor, application)
    StatusChange.objects.create(
        application=application, to_status=A.DRAFT, actor=actor, on_behalf_of=on_behalf_of
    )
    audit_record(
        actor=actor,
        action="application.status",
        obj=application,
        after={"status": A.DRAFT},
        on_behalf_of=on_behalf_of,
    )
    return application


def _form_problems(application: Application) -> dict[str, str]:
    data = application.form_data or {}
    return {
        f.key: _("This field is required.")
        for f in application_requirements(application).fields
        if f.required and not str(data.get(f.key, "")).strip()
    }


@transaction.atomic
def application_submit(*, actor, application: Application, form_data: dict | None = None) -> Application:
    """Submit a draft (or a corrected application): the 5-working-day completeness check starts."""
    return submit_locked(actor=actor, application=_lock(application), form_data=form_data)


def submit_locked(*, actor, application: Application, form_data: dict | None = None) -> Application:
    """application_submit on an application the caller has locked in its transaction (the applicant's
    application_submit_complete, which has checked the materials on that locked row)."""
    require_applicant(actor, application)
    if form_data is not None:
        if application.status not in (A.DRAFT, A.CORRECTION_REQUESTED):
            raise TransitionNotAllowed(_("The form can only be changed before the application is accepted."))
        application.form_data = form_data
    if problems := _form_problems(application):
        raise DomainError(
            _("Some required fields are empty: %(fields)s.") % {"fields": ", ".join(problems)},
            field="form_data",
        )
    resubmission = application.status == A.CORRECTION_REQUESTED
    check_application(application.status, A.SUBMITTED)
    if not application.number:
        # Saved with the status change below. The number's counter stays locked until commit,
        # like the audit chain, so it is taken just before the audited part.
        today = _today()
        application.number = next_number(f"SP-{today:%Y%m%d}")
        application.query_code = f"{secrets.randbelow(10**6):06d}"
        application.received_on = today
    with audit_batch():  # the status change and the clock: two events, the chain locked once
        application_transition(
            application, A.SUBMITTED, actor=actor, on_behalf_of=acting_for(actor, application)
        )
        clocks.clock_start(
            subject=application,
            purpose="completeness-2" if resubmission else "completeness",
            limit_days=rules.COMPLETENESS_CHECK_DAYS,
            actor=actor,
            label=_("Completeness check of %(number)s") % {"number": application.number},
        )
    _tell_applicant(
        application, "submitted", key_suffix="-2" if resubmission else "", days=rules.COMPLETENESS_CHECK_DAYS
    )
    return application


@transaction.atomic
def application_withdraw(*, actor, application: Application, reason: str = "") -> Application:
    application = _lock(application)
    require_applicant(actor, application, permissions.WITHDRAW)
    if application.status not in OPEN_APPLICATION_STATES:
        raise TransitionNotAllowed(_("Only an open application can be withdrawn."))
    for task in application.tasks.select_for_update().exclude(status__in=TERMINAL_TASK_STATES):
        _move_task(task, T.CANCELLED, actor=actor, reason=reason)
        _stop_clock(task, "review", actor)
    for purpose in ("completeness", "completeness-2", "promised"):
        _stop_clock(application, purpose, actor)
    application_transition(
        application, A.WITHDRAWN, actor=actor, reason=reason, on_behalf_of=acting_for(actor, application)
    )
    return application


@transaction.atomic
def application_supplement_received(*, actor, application: Application) -> Application:
    """The pledged (容缺) materials arrived: record it; a package waiting only for them is granted."""
    application = _lock(application)
    if not permissions.can_accept(actor, application):
        _deny(_("Only a window clerk of the lead department may record supplied materials."))
    if application.acceptance_mode != AcceptanceMode.PLEDGE or application.supplement_received_on:
        raise TransitionNotAllowed(_("No pledged materials are outstanding."))
    application.supplement_received_on = _today()
    application.save()
    audit_record(
        actor=actor,
        action="application.supplement",
        obj=application,
        after={"supplement_received_on": application.supplement_received_on},
    )
    _stop_clock(application, "supplement", actor)
    if application.status == A.AWAITING_SUPPLEMENT:
        application.decided_on = _today()
        application_transition(application, A.GRANTED, actor=actor)
        _stop_clock(application, "promised", actor)
        _tell_applicant(application, "granted")
    return application


# -- window clerk ----------------------------------------------------------------------------------


def _require_clerk(actor, application) -> None:
    if not permissions.can_accept(actor, application):
        _deny(_("Only a window clerk of the lead department may do this."))


@transaction.atomic
def application_request_correction(*, actor, application: Application, missing: list[str]) -> Application:
    """The one-time notice listing everything to correct (一次性告知). No statutory clock runs."""
    application = _lock(application)
    _require_clerk(actor, application)
    missing = [m.strip() for m in missing if m and m.strip()]
    if not missing:
        raise DomainError(_("List everything the applicant must correct, at once."), field="missing")
    if application.status_changes.filter(to_status=A.CORRECTION_REQUESTED).exists():
        raise TransitionNotAllowed(
            _("A correction notice was already issued; everything must be listed at once.")
        )
    application_transition(application, A.CORRECTION_REQUESTED, actor=actor, reason="\n".join(missing))
    _tell_applicant(application, "correction", reason="\n".join(missing))
    _stop_clock(application, "completeness", actor)
    return application


@transaction.atomic
def application_not_accept(*, actor, application: Application, reasons: str) -> Application:
    application = _lock(application)
    _require_clerk(actor, application)
    if not reasons.strip():
        raise DomainError(_("A decision not to accept needs its reasons."), field="reasons")
    application.reasons = reasons
    application_transition(application, A.NOT_ACCEPTED, actor=actor, reason=reasons)
    _tell_applicant(application, "not_accepted", reason=reasons)
    for purpose in ("completeness", "completeness-2"):
        _stop_clock(application, purpose, actor)
    return application


@transaction.atomic
def application_accept(
    *, actor, application: Application, mode: str = AcceptanceMode.NORMAL, supplement_due=None
) -> Application:
    """Accept (受理): the promised clock starts and one task per item goes to its department."""
    application = _lock(application)
    _require_clerk(actor, application)
    return _accept(application, actor=actor, mode=mode, supplement_due=supplement_due, accepted_on=_today())


def _accept(
    application: Application, *, actor, mode, supplement_due, accepted_on, reason: str = ""
) -> Application:
    if mode not in AcceptanceMode.values:
        raise DomainError(_("Unknown kind of acceptance."), field="mode")
    items = _items(application)
    if mode == AcceptanceMode.PLEDGE:
        if not all(item.pledge_acceptance_allowed for item, _m in items):
            raise DomainError(_("This service does not allow acceptance on pledge (容缺)."), field="mode")
        if supplement_due is None or supplement_due <= accepted_on:
            raise DomainError(
                _("Give the date by which the pledged materials must arrive."), field="supplement_due"
            )
    if mode == AcceptanceMode.COMMITMENT and not all(item.pledge_approval_allowed for item, _m in items):
        raise DomainError(_("This service does not allow pledge-based approval (告知承诺)."), field="mode")
    pledged = mode in (AcceptanceMode.PLEDGE, AcceptanceMode.COMMITMENT)
    if pledged and (record := active_credit_bar(application.applicant)) is not None:
        raise DomainError(
            _(
                "The applicant is barred from acceptance on pledge until %(date)s (credit record of "
                "%(recorded)s: %(kind)s). Accept normally, with the full materials."
            )
            % {
                "date": record.barred_until,
                "recorded": record.recorded_on,
                "kind": record.get_kind_display(),
            },
            field="mode",
        )
    application_transition(application, A.ACCEPTED, actor=actor, reason=reason)
    application.acceptance_mode = mode
    application.accepted_on = accepted_on
    application.supplement_due = supplement_due if mode == AcceptanceMode.PLEDGE else None
    application.save()
    for purpose in ("completeness", "completeness-2"):
        _stop_clock(application, purpose, actor)
    limit = (
        application.package.total_limit_days
        if application.package_id
        else application.item.promised_limit_days
    )
    label = _("%(number)s: %(name)s") % {"number": application.number, "name": application.subject_name}
    clocks.clock_start(
        subject=application,
        purpose="promised",
        limit_days=limit,
        actor=actor,
        label=label,
        start_on=accepted_on,
    )
    if mode == AcceptanceMode.PLEDGE:
        clocks.clock_start(
            subject=application,
            purpose="supplement",
            actor=actor,
            start_on=accepted_on,
            limit_days=max(1, workdays.working_days_between(accepted_on, supplement_due)),
            label=_("Pledged materials of %(number)s") % {"number": application.number},
        )
    for item, mandatory in items:
        task = DepartmentTask.objects.create(
            application=application, item=item, mandatory=mandatory, department=item.implementing_body
        )
        clocks.clock_start(
            subject=task,
            purpose="review",
            limit_days=item.promised_limit_days,
            actor=actor,
            start_on=accepted_on,
            label=_("%(number)s: %(item)s") % {"number": application.number, "item": item.name},
        )
        _tell(
            _staff(task.department_id, "reviewer"),
            application,
            "task_assigned",
            key_suffix=f":{task.pk}",
            url=f"/work/tasks/{task.pk}/",
            department=task.department.name,
        )
    application_transition(application, A.IN_REVIEW, actor=actor)
    _tell_applicant(
        application, "accepted", accepted_on=accepted_on, supplement_due=application.supplement_due
    )
    return application


def accept_on_missed_completeness_check(application_id: int) -> bool:
    """行政许可法 art. 32: an application whose completeness was not checked in time counts as
    accepted on the day it was received. Called when its completeness clock turns red."""
    application = Application.objects.select_for_update().get(pk=application_id)
    if application.status != A.SUBMITTED:
        return False
    _accept(
        application,
        actor=None,
        mode=AcceptanceMode.NORMAL,
        supplement_due=None,
        accepted_on=application.received_on,
        reason=str(rules.COMPLETENESS_CHECK_BASIS),
    )
    return True


def terminate_on_missed_supplement(application_id: int) -> bool:
    """The pledged (容缺) materials did not arrive by their deadline: the application is terminated."""
    application = Application.objects.select_for_update().get(pk=application_id)
    if application.supplement_received_on or application.status not in OPEN_APPLICATION_STATES - {A.DRAFT}:
        return False
    for task in application.tasks.select_for_update().exclude(status__in=TERMINAL_TASK_STATES):
        _move_task(task, T.CANCELLED, actor=None)
        _stop_clock(task, "review", None)
    for purpose in ("promised", "supplement"):
        _stop_clock(application, purpose, None)
    application_transition(
        application, A.TERMINATED, actor=None, reason=str(_("The pledged materials did not arrive in time."))
    )
    _tell_applicant(application, "terminated")
    return True


# -- department reviewer -----------------------------------------------------------------------------


def _lock_task(task: DepartmentTask) -> DepartmentTask:
    return DepartmentTask.objects.select_for_update().select_related("item").get(pk=task.pk)


def _require_reviewer(actor, task) -> None:
    if not permissions.can_review(actor, task):
        _deny(_("Only a reviewer of this department may do this."))


@transaction.atomic
def task_claim(*, actor, task: DepartmentTask) -> DepartmentTask:
    # The parent first, as task_decide does. A reviewer deciding a sibling task holds the
    # application and then waits for the audit chain's lock; a claim that appended to the chain
    # first and then touched the application (updating a task row version it created makes
    # PostgreSQL re-check the foreign key with a share lock) deadlocked with it. Found by
    # bench/faults.py; tests/approvals/test_claim_lock_order.py.
    Application.objects.select_for_update().get(pk=task.application_id)
    task = _lock_task(task)
    _require_reviewer(actor, task)
    task.assignee = actor
    _move_task(task, T.IN_REVIEW, actor=actor)
    return task


@transaction.atomic
def task_suspend(
    *, actor, task: DepartmentTask, procedure: str, reason: str, expected_days: int | None = None
) -> DepartmentTask:
    """Stop the task's clock for a special procedure the item allows (行政许可法 art. 45).

    The time a special procedure takes does not count toward the time limits, so the application's
    own (promised) clock pauses too while any of its tasks is suspended.
    """
    application = _lock(task.application)  # the parent first: tasks of one application queue here
    task = _lock_task(task)
    _require_reviewer(actor, task)
    if procedure not in (task.item.clock_stop_procedures or []):
        raise DomainError(_("This item does not allow that procedure to stop the clock."), field="procedure")
    _move_task(task, T.SUSPENDED, actor=actor, reason=reason)
    clocks.clock_pause(
        clock=_clock(task, "review"),
        actor=actor,
        reason=reason,
        legal_basis=str(rules.Procedure(procedure).label),
        expected_days=expected_days,
    )
    _sync_promised_clock(
        application,
        actor=actor,
        reason=reason,
        legal_basis=str(rules.Procedure(procedure).label),
        expected_days=expected_days,
    )
    _tell_applicant(
        task.application,
        "suspended",
        key_suffix=f":{task.pk}:{task.application.status_changes.count()}",
        department=task.department.name,
        reason=reason,
        expected_days=expected_days or 0,
    )
    return task


@transaction.atomic
def task_resume(*, actor, task: DepartmentTask) -> DepartmentTask:
    application = _lock(task.application)
    task = _lock_task(task)
    _require_reviewer(actor, task)
    _move_task(task, T.IN_REVIEW, actor=actor)
    clocks.clock_resume(clock=_clock(task, "review"), actor=actor)
    _sync_promised_clock(application, actor=actor)
    return task


def _sync_promised_clock(
    application: Application,
    *,
    actor,
    reason: str = "",
    legal_basis: str = "",
    expected_days: int | None = None,
) -> None:
    """Pause the application's promised clock while any task is suspended; resume it after the last."""
    promised = _clock(application, "promised")
    if promised is None or promised.state == "stopped":
        return
    suspended = application.tasks.filter(status=T.SUSPENDED).exists()
    if suspended and promised.state == "running":
        clocks.clock_pause(
            clock=promised, actor=actor, reason=reason, legal_basis=legal_basis, expected_days=expected_days
        )
    elif not suspended and promised.state == "paused":
        clocks.clock_resume(clock=promised, actor=actor)


@transaction.atomic
def task_request_extension(*, actor, task: DepartmentTask, days: int, reason: str) -> DepartmentTask:
    task = _lock_task(task)
    _require_reviewer(actor, task)
    if not task.item.extension_days:
        raise DomainError(_("This item allows no extension."), field="days")
    if not 1 <= int(days) <= task.item.extension_days:
        raise DomainError(
            _("An extension of this item is 1 to %(n)d working days.") % {"n": task.item.extension_days},
            field="days",
        )
    if not reason.strip():
        raise DomainError(_("An extension needs a reason; it is sent to the applicant."), field="reason")
    task.requested_extension_days, task.requested_extension_reason = int(days), reason
    task.save(update_fields=["requested_extension_days", "requested_extension_reason"])
    _move_task(task, T.EXTENSION_PENDING, actor=actor, reason=f"{days}: {reason}")
    return task


@transaction.atomic
def task_extension_decide(
    *, actor, task: DepartmentTask, approve: bool, days: int, reason: str
) -> DepartmentTask:
    """The head of the authority approves or refuses a requested extension."""
    task = _lock_task(task)
    if not permissions.can_approve_extension(actor, task):
        _deny(_("Only the head of the department may decide on an extension."))
    if approve and not 1 <= int(days or 0) <= task.item.extension_days:
        raise DomainError(
            _("An extension of this item is 1 to %(n)d working days.") % {"n": task.item.extension_days},
            field="days",
        )
    _move_task(task, T.IN_REVIEW, actor=actor, reason=reason)
    if approve:
        clocks.clock_extend(
            clock=_clock(task, "review"), actor=actor, days=days, approved_by=actor, reason=reason
        )
        _tell_applicant(
            task.application,
            "extended",
            key_suffix=f":{task.pk}",
            department=task.department.name,
            days=days,
            reason=reason,
        )
    return task


@transaction.atomic
def task_decide(
    *, actor, task: DepartmentTask, decision: str, opinion: str, conditions: str = ""
) -> DepartmentTask:
    """Decide one department's review. When the last task is decided, the application leaves review
    — exactly once, however many reviewers finish at the same moment (the application row is the
    lock they queue on)."""
    if decision not in (T.APPROVED, T.APPROVED_WITH_CONDITIONS, T.REJECTED):
        raise DomainError(_("Unknown decision."), field="decision")
    if not opinion.strip():
        raise DomainError(_("A decision needs an opinion."), field="opinion")
    if decision == T.APPROVED_WITH_CONDITIONS and not conditions.strip():
        raise DomainError(_("List the conditions."), field="conditions")
    application = Application.objects.select_for_update().get(pk=task.application_id)
    task = _lock_task(task)
    _require_reviewer(actor, task)
    if task.assignee_id and task.assignee_id != actor.pk:
        _deny(_("Another reviewer has claimed this task."))
    task.opinion, task.conditions, task.decided_at = opinion, conditions, timezone.now()
    _move_task(task, decision, actor=actor, reason=opinion)
    _stop_clock(task, "review", actor)
    if (
        application.status == A.IN_REVIEW
        and not application.tasks.exclude(status__in=TERMINAL_TASK_STATES).exists()
    ):
        application_transition(application, A.CONSOLIDATING, actor=actor)
        _tell(
            _staff(application.lead_department_id, "lead_coordinator"),
            application,
            "ready_to_decide",
            url=official_url(application),
        )
    return task


# -- lead department -------------------------------------------------------------------------------


@transaction.atomic
def application_decide(*, actor, application: Application, grant: bool, reasons: str = "") -> Application:
    """The lead consolidates the tasks' decisions and grants or refuses the application.

    A rejection of a mandatory item refuses the application. A grant of an application accepted
    on pledge waits for the pledged materials (AWAITING_SUPPLEMENT) unless they have arrived.
    """
    application = _lock(application)
    if not permissions.can_consolidate(actor, application):
        _deny(_("Only a lead coordinator of the lead department may decide."))
    if application.status != A.CONSOLIDATING:
        raise TransitionNotAllowed(_("The application can be decided once every department has reviewed it."))
    if grant and application.tasks.filter(mandatory=True, status=T.REJECTED).exists():
        raise DomainError(_("A mandatory item was rejected: the application must be refused."), field="grant")
    if not grant and not reasons.strip():
        raise DomainError(
            _("A refusal needs its reasons and the applicant's rights of review and appeal."), field="reasons"
        )
    application.reasons = reasons
    if (
        grant
        and application.acceptance_mode == AcceptanceMode.PLEDGE
        and not application.supplement_received_on
    ):
        application_transition(application, A.AWAITING_SUPPLEMENT, actor=actor, reason=reasons)
        _tell_applicant(application, "awaiting_supplement")
        return application
    application.decided_on = _today()
    application_transition(application, A.GRANTED if grant else A.REFUSED, actor=actor, reason=reasons)
    _tell_applicant(application, "granted" if grant else "refused", reason=reasons)
    _stop_clock(application, "promised", actor)
    return application
