"""Quality objections: the consumer files, the provider handles; each step has a working-day clock."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.actions import register_actions
from portal.audit.services import audit_record, snapshot
from portal.clocks.models import Clock, ClockState
from portal.clocks.services import clock_start, clock_stop
from portal.errors import DomainError, TransitionNotAllowed
from portal.notifications.services import notify
from sharing import permissions as sp
from sharing.models import Agreement

from .. import conf, permissions, workflow
from ..models import DataRecord, Objection, ObjectionEvent, ObjectionState
from .records import record_correct

register_actions(
    {
        "objection.file": _("Objection filed"),
        "objection.accept": _("Objection accepted"),
        "objection.mark": _("Record marked disputed"),
        "objection.verify": _("Objection verified"),
        "objection.correct": _("Objection: record corrected"),
        "objection.reject": _("Objection rejected"),
        "objection.revoke_mark": _("Dispute mark revoked"),
    }
)
FIELDS = ["state", "item_code", "description", "proposed_value", "resolution"]
LABELS = {
    ObjectionState.SUBMITTED: _("Accept the objection"),
    ObjectionState.ACCEPTED: _("Mark the record disputed"),
    ObjectionState.MARKED: _("Verify the data"),
    ObjectionState.VERIFIED: _("Correct the record or reject the objection"),
    ObjectionState.CORRECTED: _("Revoke the dispute mark"),
    ObjectionState.REJECTED: _("Revoke the dispute mark"),
}


def _start_clock(objection: Objection, actor) -> None:
    state = objection.state
    if state not in LABELS:
        return
    clock_start(
        subject=objection,
        limit_days=conf.objection_days(state),
        actor=actor,
        purpose=state,
        label=f"{LABELS[state]} · {objection.record.key}",
    )


def _stop_clocks(objection: Objection, actor) -> None:
    for clock in Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(Objection), subject_id=str(objection.pk)
    ).exclude(state=ClockState.STOPPED):
        clock_stop(clock=clock, actor=actor)


def _tell(objection: Objection, recipients, event: str) -> None:
    notify(
        recipients=recipients,
        kind="exchange_objection",
        key=f"exchange-objection:{objection.pk}:{event}",
        url=objection.get_absolute_url(),
        subject=objection,
        context={"event": event, "key": objection.record.key, "resource": objection.record.resource.name},
    )


@transaction.atomic
def objection_file(
    *,
    actor,
    agreement: Agreement,
    record: DataRecord,
    description: str,
    item_code: str = "",
    proposed_value: str = "",
) -> Objection:
    if not permissions.can_file_objection(actor, agreement):
        raise PermissionDenied(_("Only the consumer's data stewards may object to its data."))
    if record.resource_id != agreement.resource_id:
        raise DomainError(_("The record is not of the agreement's resource."), field="record")
    if not (description or "").strip():
        raise DomainError(_("Say what is wrong."), field="description")
    if item_code and item_code not in agreement.approved_item_codes():
        raise DomainError(_("Object only to an item of your agreement."), field="item_code")
    objection = Objection.objects.create(
        record=record,
        agreement=agreement,
        item_code=item_code,
        description=description.strip(),
        proposed_value=(proposed_value or "").strip()[:500],
        filed_by=actor,
    )
    ObjectionEvent.objects.create(
        objection=objection, to_state=objection.state, actor=actor, at=timezone.now()
    )
    _start_clock(objection, actor)
    _tell(objection, sp.stewards_of([agreement.provider_id]), "submitted")
    audit_record(actor=actor, action="objection.file", obj=objection, after=snapshot(objection, FIELDS))
    return objection


@transaction.atomic
def objection_move(
    *, actor, objection: Objection, action: str, note: str = "", changes: dict | None = None
) -> Objection:
    """Fire `action` (workflow.TRANSITIONS). `correct` applies `changes` to the record (a new version)."""
    objection = (
        Objection.objects.select_for_update().select_related("agreement", "record").get(pk=objection.pk)
    )
    if not permissions.can_handle_objection(actor, objection):
        raise PermissionDenied(_("Only the provider's data stewards handle objections to its data."))
    if not workflow.allowed(action, objection.state):
        raise TransitionNotAllowed(
            _("An objection that is %(state)s cannot do this.")
            % {"state": objection.get_state_display().lower()}
        )
    note = (note or "").strip()
    if action in ("reject", "correct") and not note:
        raise DomainError(_("Give the reasons."), field="note")
    if action == "correct":
        if not changes:
            raise DomainError(_("Give the corrected values."), field="changes")
        record_correct(actor=actor, record=objection.record, changes=changes, reason=note)
    before = snapshot(objection, FIELDS)
    previous = objection.state
    objection.state = workflow.TRANSITIONS[action][1]
    if note:
        objection.resolution = note
    objection.save(update_fields=["state", "resolution", "updated_at"])
    ObjectionEvent.objects.create(
        objection=objection,
        from_state=previous,
        to_state=objection.state,
        actor=actor,
        note=note,
        at=timezone.now(),
    )
    _stop_clocks(objection, actor)
    _start_clock(objection, actor)
    _tell(objection, sp.stewards_of([objection.agreement.consumer_id]), objection.state)
    audit_record(
        actor=actor,
        action=f"objection.{action}",
        obj=objection,
        before=before,
        after=snapshot(objection, FIELDS),
        reason=note,
    )
    return objection
