"""Every write of coordination matters and meetings: one function per use case (DESIGN.md §4.1).

Each runs in one transaction: lock, check permission and transition, change, notify (outbox),
audit. Progress is recomputed (rollup.py) on every change that can move it, with the matter and
all its ancestors locked in primary-key order, so racing reports and milestone completions
serialise on the rows they share and the cached roll-up stays exact.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination.models import LeadingGroupMember, LeadingGroupRole, OrgKind, OrgUnit, RoleCode
from portal.audit.actions import register_actions
from portal.audit.services import audit_record
from portal.clocks import services as clocks
from portal.clocks.models import Clock, ClockState, Signal
from portal.errors import Conflict, DomainError, TransitionNotAllowed
from portal.notifications.services import notify
from portal.numbering import next_number

from . import conf, permissions, rollup
from .files import check_file
from .models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    Matter,
    MatterEscalation,
    MatterRating,
    Meeting,
    Milestone,
    ProgressReport,
    RatingGrade,
    ReportAttachment,
)
from .workflow import ACTIVE_STATES, FINAL_STATES, MatterStatus, MeetingStatus, next_status

register_actions(
    {
        "matter.create": gettext_lazy("Coordination matter created"),
        "matter.update": gettext_lazy("Coordination matter changed"),
        "matter.open": gettext_lazy("Coordination matter opened"),
        "matter.report": gettext_lazy("Progress reported on a coordination matter"),
        "matter.milestone": gettext_lazy("Milestone of a coordination matter changed"),
        "matter.report_completion": gettext_lazy("Completion of a coordination matter reported"),
        "matter.accept": gettext_lazy("Coordination matter accepted as completed"),
        "matter.return": gettext_lazy("Completion report of a coordination matter returned"),
        "matter.cancel": gettext_lazy("Coordination matter cancelled"),
        "matter.close": gettext_lazy("Coordination matter closed"),
        "matter.rate": gettext_lazy("Unit rated on a coordination matter"),
        "matter.escalate": gettext_lazy("Coordination matter escalated to the leading group"),
        "meeting.create": gettext_lazy("Coordination meeting planned"),
        "meeting.agenda": gettext_lazy("Agenda item added to a meeting"),
        "meeting.attendance": gettext_lazy("Meeting attendance recorded"),
        "meeting.minutes": gettext_lazy("Meeting minutes recorded"),
        "meeting.publish": gettext_lazy("Meeting minutes published"),
        "meeting.decision": gettext_lazy("Meeting decision recorded"),
    }
)

FIELDS = ["status", "progress", "reported_percent", "status_reason", "completion_report", "completed_on"]
KIND = "coordination_matter"


def _snapshot(matter: Matter) -> dict:
    return {name: getattr(matter, name) for name in FIELDS}


def _require(condition: bool, message) -> None:
    if not condition:
        raise PermissionDenied(message)


def _text(value, *, field: str, message, max_length: int = 5000) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    if len(value) > max_length:
        raise DomainError(_("At most %(max)d characters, please.") % {"max": max_length}, field=field)
    return value


def _people(unit_ids) -> list:
    from portal.models import User

    return list(
        User.objects.filter(
            positions__unit_id__in=list(unit_ids), positions__active=True, is_active=True
        ).distinct()
    )


def _office_coordinators(under: OrgUnit | None = None) -> list:
    from portal.models import User

    qs = User.objects.filter(
        positions__active=True, positions__roles__code=RoleCode.OFFICE_COORDINATOR, is_active=True
    )
    if under is not None:
        qs = qs.filter(positions__unit__path__startswith=under.path)
    return list(qs.distinct())


def _context(matter: Matter, **extra) -> dict:
    return {
        "number": matter.number,
        "title": matter.title,
        "lead_unit": matter.lead_unit.name,
        **extra,
    }


# -- the roll-up ---------------------------------------------------------------------------------------


def _lock_chain(matter_id: int) -> dict[int, Matter]:
    """Lock the matter and its ancestors (in primary-key order: no deadlock between racers)."""
    ids, current, seen = [], matter_id, set()
    while current and current not in seen:
        seen.add(current)
        ids.append(current)
        current = Matter.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return {m.pk: m for m in Matter.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def compute_progress(matter: Matter):
    """The matter's progress from the database as it is now (its children's cached values)."""
    milestones = list(matter.milestones.values_list("weight", "done"))
    children = list(
        Matter.objects.filter(parent=matter)
        .exclude(status=MatterStatus.CANCELLED)
        .values_list("weight", "progress")
    )
    return rollup.progress(
        milestones=milestones,
        children=children,
        reported=matter.reported_percent,
        completed=matter.status == MatterStatus.COMPLETED,
    )


def _refresh_up(matter_id: int, locked: dict[int, Matter]) -> None:
    """Recompute the matter's cached progress, then each ancestor's (all already locked)."""
    current = locked.get(matter_id)
    while current is not None:
        value = compute_progress(current)
        if value != current.progress:
            current.progress = value
            current.save(update_fields=["progress", "updated_at"])
        current = locked.get(current.parent_id) if current.parent_id else None


# -- matters -------------------------------------------------------------------------------------------


def _check_raiser(unit: OrgUnit) -> None:
    if unit.kind not in (OrgKind.LEADING_GROUP, OrgKind.OFFICE):
        raise DomainError(_("A matter is raised by a leading group or an office."), field="raised_by")


def _check_limit(limit_days) -> int:
    try:
        limit = int(limit_days)
    except (TypeError, ValueError):
        raise DomainError(_("Give the time limit in working days."), field="limit_days") from None
    if not 1 <= limit <= conf.MATTER_MAX_LIMIT_DAYS:
        raise DomainError(
            _("The time limit is between 1 and %(max)d working days.") % {"max": conf.MATTER_MAX_LIMIT_DAYS},
            field="limit_days",
        )
    return limit


@transaction.atomic
def matter_create(
    *,
    actor,
    title: str,
    raised_by: OrgUnit,
    lead_unit: OrgUnit,
    limit_days: int,
    description: str = "",
    cooperating_units=(),
    responsible_leader: LeadingGroupMember | None = None,
    parent: Matter | None = None,
    weight: int = 1,
    milestones=(),
    open_now: bool = True,
    decision: Decision | None = None,
    start_on: datetime.date | None = None,
) -> Matter:
    """The office creates a matter (a draft, or opened at once: its clock starts).

    `milestones` is a list of dicts (title, weight, due_date / due_days).
    """
    if actor is not None:
        _require(permissions.can_manage(actor), _("Only the smart-city office assigns coordination matters."))
    title = _text(title, field="title", message=_("Give the matter a title."), max_length=200)
    _check_raiser(raised_by)
    limit = _check_limit(limit_days)
    try:
        weight = int(weight)
    except (TypeError, ValueError):
        weight = 0
    if weight < 1:
        raise DomainError(_("A weight is a whole number of at least 1."), field="weight")
    cooperating = [u for u in cooperating_units if u.pk != lead_unit.pk]
    locked = {}
    if parent is not None:
        locked = _lock_chain(parent.pk)
        parent = locked[parent.pk]
        if parent.status in FINAL_STATES:
            raise Conflict(_("A finished matter cannot get new sub-matters."))
    today = clocks.local_today()
    matter = Matter.objects.create(
        number=next_number(f"{conf.MATTER_PREFIX}{today.year}"),
        title=title,
        description=(description or "").strip(),
        raised_by=raised_by,
        lead_unit=lead_unit,
        responsible_leader=responsible_leader,
        parent=parent,
        weight=weight,
        limit_days=limit,
        decision=decision,
        created_by=actor,
    )
    matter.cooperating_units.set(cooperating)
    for order, spec in enumerate(milestones):
        _milestone_new(matter, order=order, **spec)
    audit_record(
        actor=actor,
        action="matter.create",
        obj=matter,
        after={
            **_snapshot(matter),
            "number": matter.number,
            "lead_unit": lead_unit.code,
            "cooperating_units": sorted(u.code for u in cooperating),
            "limit_days": limit,
        },
    )
    if open_now:
        _open(matter, actor=actor, start_on=start_on)
    if parent is not None:
        locked[matter.pk] = matter
        _refresh_up(matter.pk, locked)
    return matter


def _milestone_new(matter: Matter, *, title, weight=1, due_date=None, due_days=None, order=0, done=False):
    title = _text(title, field="title", message=_("Give the milestone a title."), max_length=200)
    try:
        weight = int(weight)
    except (TypeError, ValueError):
        weight = 0
    if weight < 1:
        raise DomainError(_("A weight is a whole number of at least 1."), field="weight")
    if due_date is not None and due_days is not None:
        raise DomainError(
            _("Give either a due date or a number of working days, not both."), field="due_days"
        )
    return Milestone.objects.create(
        matter=matter, title=title, weight=weight, due_date=due_date, due_days=due_days, sort_order=order
    )


def _open(matter: Matter, *, actor, start_on=None) -> None:
    matter.status = MatterStatus.OPEN
    matter.save(update_fields=["status", "updated_at"])
    clock = clocks.clock_start(
        subject=matter,
        limit_days=matter.limit_days,
        actor=actor,
        purpose=conf.CLOCK_PURPOSE,
        label=_("Coordination matter %(number)s %(title)s")
        % {"number": matter.number, "title": matter.title},
        start_on=start_on,
    )
    matter.clock = clock
    matter.save(update_fields=["clock", "updated_at"])
    notify(
        recipients=_people([matter.lead_unit_id, *matter.cooperating_units.values_list("pk", flat=True)]),
        kind=KIND,
        key=f"matter:{matter.pk}:assigned",
        url=matter.get_absolute_url(),
        subject=matter,
        context=_context(matter, event="assigned", due_date=clock.due_date),
    )
    audit_record(actor=actor, action="matter.open", obj=matter, after=_snapshot(matter))
    if clock.signal == Signal.RED:  # started in the past and already overdue: no signal change to hear
        escalate(clock)


def _lock(matter: Matter) -> tuple[Matter, dict[int, Matter]]:
    locked = _lock_chain(matter.pk)
    return locked[matter.pk], locked


def _transition(matter: Matter, action: str) -> str:
    target = next_status(matter.status, action)
    if target is None:
        raise TransitionNotAllowed(
            _("This cannot be done while the matter is “%(status)s”.")
            % {"status": matter.get_status_display()}
        )
    return target


@transaction.atomic
def matter_open(*, actor, matter: Matter, start_on=None) -> Matter:
    matter, _locked = _lock(matter)
    _require(permissions.can_manage(actor), _("Only the smart-city office opens coordination matters."))
    _transition(matter, "open")
    _open(matter, actor=actor, start_on=start_on)
    return matter


@transaction.atomic
def matter_update(
    *, actor, matter: Matter, title: str, description: str, cooperating_units, responsible_leader=None
) -> Matter:
    matter, _locked = _lock(matter)
    _require(permissions.can_manage(actor), _("Only the smart-city office edits coordination matters."))
    if matter.status in FINAL_STATES:
        raise TransitionNotAllowed(_("A finished matter can no longer be changed."))
    before = {**_snapshot(matter), "title": matter.title}
    matter.title = _text(title, field="title", message=_("Give the matter a title."), max_length=200)
    matter.description = (description or "").strip()
    matter.responsible_leader = responsible_leader
    matter.save()
    matter.cooperating_units.set([u for u in cooperating_units if u.pk != matter.lead_unit_id])
    audit_record(
        actor=actor,
        action="matter.update",
        obj=matter,
        before=before,
        after={**_snapshot(matter), "title": matter.title},
    )
    return matter


def _require_active(matter: Matter) -> None:
    if matter.status not in ACTIVE_STATES:
        raise TransitionNotAllowed(_("Progress can only be reported on an open matter."))


def _start_if_open(matter: Matter) -> None:
    if matter.status == MatterStatus.OPEN:
        matter.status = MatterStatus.IN_PROGRESS
        matter.save(update_fields=["status", "updated_at"])


@transaction.atomic
def milestone_add(*, actor, matter: Matter, title, weight=1, due_date=None, due_days=None) -> Milestone:
    matter, locked = _lock(matter)
    _require(
        permissions.can_manage(actor) or permissions.can_report_completion(actor, matter),
        _("Only the office or the lead unit adds milestones."),
    )
    if matter.status in FINAL_STATES:
        raise TransitionNotAllowed(_("A finished matter can no longer be changed."))
    order = matter.milestones.count()
    milestone = _milestone_new(
        matter, title=title, weight=weight, due_date=due_date, due_days=due_days, order=order
    )
    before = _snapshot(matter)
    _refresh_up(matter.pk, locked)
    audit_record(
        actor=actor,
        action="matter.milestone",
        obj=matter,
        before=before,
        after={**_snapshot(matter), "milestone": milestone.title, "added": True},
    )
    return milestone


def _complete_milestones(matter: Matter, milestone_ids, actor) -> list[Milestone]:
    ids = {int(pk) for pk in milestone_ids}
    if not ids:
        return []
    rows = list(Milestone.objects.select_for_update().filter(matter=matter, pk__in=ids).order_by("pk"))
    if len(rows) != len(ids):
        raise DomainError(_("Choose milestones of this matter."), field="milestones")
    if any(m.done for m in rows):
        raise Conflict(_("A milestone you chose is already done."))
    now = timezone.now()
    for m in rows:
        m.done, m.done_at, m.done_by = True, now, actor
        m.save(update_fields=["done", "done_at", "done_by"])
    return rows


@transaction.atomic
def milestone_complete(*, actor, milestone: Milestone) -> Milestone:
    matter, locked = _lock(milestone.matter)
    _require(
        permissions.can_report(actor, matter), _("Only the lead and cooperating units report on a matter.")
    )
    _require_active(matter)
    before = _snapshot(matter)
    (done,) = _complete_milestones(matter, [milestone.pk], actor)
    _start_if_open(matter)
    _refresh_up(matter.pk, locked)
    audit_record(
        actor=actor,
        action="matter.milestone",
        obj=matter,
        before=before,
        after={**_snapshot(matter), "milestone": done.title},
    )
    return done


@transaction.atomic
def progress_report_submit(
    *, actor, matter: Matter, text: str, percent=None, milestones=(), files=()
) -> ProgressReport:
    """A lead or cooperating unit reports progress, optionally completing milestones and
    attaching files (checked for size and type). The lead's percentage is the matter's own
    estimate (used only when it has no milestones or sub-matters)."""
    matter, locked = _lock(matter)
    unit_id = permissions.reporting_unit_id(actor, matter)
    _require(unit_id is not None, _("Only the lead and cooperating units report on a matter."))
    _require_active(matter)
    text = _text(text, field="text", message=_("Write what has been done."))
    if percent not in (None, ""):
        try:
            percent = int(percent)
        except (TypeError, ValueError):
            percent = -1
        if not 0 <= percent <= 100:
            raise DomainError(_("Progress is a whole number from 0 to 100."), field="percent")
    else:
        percent = None
    files = [f for f in files if f]
    if len(files) > conf.ATTACHMENTS_PER_REPORT:
        raise DomainError(
            _("At most %(n)d files per report.") % {"n": conf.ATTACHMENTS_PER_REPORT}, field="files"
        )
    checked = [(f, check_file(f)) for f in files]
    before = _snapshot(matter)
    report = ProgressReport.objects.create(
        matter=matter, unit_id=unit_id, author=actor, text=text, percent=percent
    )
    done = _complete_milestones(matter, milestones, actor)
    report.milestones_done.set(done)
    for upload, (name, content_type, size, digest) in checked:
        row = ReportAttachment(
            report=report, original_name=name, content_type=content_type, size=size, sha256=digest
        )
        row.file.save(name, upload, save=False)
        row.save()
    if percent is not None and unit_id == matter.lead_unit_id:
        matter.reported_percent = percent
        matter.save(update_fields=["reported_percent", "updated_at"])
    _start_if_open(matter)
    _refresh_up(matter.pk, locked)
    audit_record(
        actor=actor,
        action="matter.report",
        obj=matter,
        before=before,
        after={**_snapshot(matter), "report": report.pk, "milestones_done": [m.pk for m in done]},
    )
    return report


def _stop_clock(matter: Matter, *, actor, reason: str) -> None:
    clock = Clock.objects.filter(pk=matter.clock_id).first() if matter.clock_id else None
    if clock is not None and clock.state != ClockState.STOPPED:
        clocks.clock_stop(clock=clock, actor=actor, reason=reason)


@transaction.atomic
def matter_report_completion(*, actor, matter: Matter, text: str) -> Matter:
    matter, _locked = _lock(matter)
    _require(permissions.can_report_completion(actor, matter), _("Only the lead unit reports completion."))
    target = _transition(matter, "report_completion")
    text = _text(text, field="text", message=_("Describe what was delivered."))
    before = _snapshot(matter)
    matter.status, matter.completion_report, matter.status_reason = target, text, ""
    matter.save()
    notify(
        recipients=_office_coordinators(),
        kind=KIND,
        key=f"matter:{matter.pk}:reported:{timezone.now().isoformat()}",
        url=matter.get_absolute_url(),
        subject=matter,
        context=_context(matter, event="reported"),
    )
    audit_record(
        actor=actor, action="matter.report_completion", obj=matter, before=before, after=_snapshot(matter)
    )
    return matter


def _lock_clock_first(matter: Matter) -> None:
    """Services that stop the clock lock it before the matter, in the order the daily sweep
    takes them (clock, then the matter in the escalation receiver): no deadlock between them."""
    clock_id = Matter.objects.filter(pk=matter.pk).values_list("clock_id", flat=True).first()
    if clock_id:
        list(Clock.objects.select_for_update().filter(pk=clock_id))


@transaction.atomic
def matter_accept(*, actor, matter: Matter) -> Matter:
    _lock_clock_first(matter)
    matter, locked = _lock(matter)
    _require(permissions.can_accept(actor, matter), _("Only the unit that raised the matter accepts it."))
    target = _transition(matter, "accept")
    open_children = Matter.objects.filter(parent=matter).exclude(status__in=FINAL_STATES)
    if open_children.exists():
        raise Conflict(_("Its sub-matters are not finished yet."))
    before = _snapshot(matter)
    matter.status, matter.completed_on = target, clocks.local_today()
    matter.save()
    _stop_clock(matter, actor=actor, reason=str(_("The matter was completed.")))
    _refresh_up(matter.pk, locked)
    notify(
        recipients=_people([matter.lead_unit_id]),
        kind=KIND,
        key=f"matter:{matter.pk}:completed",
        url=matter.get_absolute_url(),
        subject=matter,
        context=_context(matter, event="completed"),
    )
    audit_record(actor=actor, action="matter.accept", obj=matter, before=before, after=_snapshot(matter))
    return matter


@transaction.atomic
def matter_return(*, actor, matter: Matter, reason: str) -> Matter:
    matter, _locked = _lock(matter)
    _require(permissions.can_accept(actor, matter), _("Only the unit that raised the matter accepts it."))
    target = _transition(matter, "return")
    reason = _text(reason, field="reason", message=_("Say what is still missing."))
    before = _snapshot(matter)
    matter.status, matter.status_reason = target, reason
    matter.save()
    notify(
        recipients=_people([matter.lead_unit_id]),
        kind=KIND,
        key=f"matter:{matter.pk}:returned:{timezone.now().isoformat()}",
        url=matter.get_absolute_url(),
        subject=matter,
        context=_context(matter, event="returned", reason=reason),
    )
    audit_record(
        actor=actor, action="matter.return", obj=matter, before=before, after=_snapshot(matter), reason=reason
    )
    return matter


def _end(actor, matter: Matter, action: str, reason: str) -> Matter:
    _lock_clock_first(matter)
    matter, locked = _lock(matter)
    _require(permissions.can_manage(actor), _("Only the smart-city office ends a coordination matter."))
    target = _transition(matter, action)
    reason = _text(reason, field="reason", message=_("Give the reason."))
    before = _snapshot(matter)
    matter.status, matter.status_reason = target, reason
    matter.save()
    _stop_clock(matter, actor=actor, reason=reason)
    if matter.parent_id:
        _refresh_up(matter.parent_id, locked)  # a cancelled sub-matter no longer counts
    audit_record(
        actor=actor,
        action=f"matter.{action}",
        obj=matter,
        before=before,
        after=_snapshot(matter),
        reason=reason,
    )
    return matter


@transaction.atomic
def matter_cancel(*, actor, matter: Matter, reason: str) -> Matter:
    return _end(actor, matter, "cancel", reason)


@transaction.atomic
def matter_close(*, actor, matter: Matter, reason: str) -> Matter:
    return _end(actor, matter, "close", reason)


@transaction.atomic
def matter_rate(*, actor, matter: Matter, unit: OrgUnit, grade: str, comment: str = "") -> MatterRating:
    matter, _locked = _lock(matter)
    _require(permissions.can_manage(actor), _("Only the smart-city office rates the units."))
    if matter.status == MatterStatus.DRAFT:
        raise TransitionNotAllowed(_("A draft matter cannot be rated."))
    if unit.pk not in permissions.participant_units(matter):
        raise DomainError(_("Rate the lead unit or a cooperating unit of this matter."), field="unit")
    if grade not in RatingGrade.values:
        raise DomainError(_("Choose a rating."), field="grade")
    rating, _created = MatterRating.objects.update_or_create(
        matter=matter,
        unit=unit,
        defaults={"grade": grade, "comment": (comment or "").strip(), "rated_by": actor},
    )
    audit_record(
        actor=actor,
        action="matter.rate",
        obj=matter,
        after={"unit": unit.code, "grade": grade, "comment": rating.comment},
    )
    return rating


# -- escalation (from the clock's signal, receivers.py) -----------------------------------------------


def leading_group_of(unit: OrgUnit) -> OrgUnit | None:
    if unit.kind == OrgKind.LEADING_GROUP:
        return unit
    step = OrgUnit.steplen
    paths = [unit.path[:i] for i in range(step, len(unit.path), step)]
    return OrgUnit.objects.filter(path__in=paths, kind=OrgKind.LEADING_GROUP).order_by("-depth").first()


def escalation_recipients(group: OrgUnit | None) -> list:
    seats = LeadingGroupMember.objects.filter(
        role__in=[LeadingGroupRole.OFFICE_DIRECTOR, LeadingGroupRole.CO_LEADER], user__isnull=False
    ).select_related("user")
    if group is not None:
        seats = seats.filter(group=group)
    return [s.user for s in seats] + _office_coordinators(group)


def escalate(clock: Clock) -> MatterEscalation | None:
    """The matter's clock turned red while it is open: escalate to its leading group, once per
    level and due date (the unique constraint decides a race)."""
    matter = (
        Matter.objects.select_for_update(of=("self",))
        .select_related("lead_unit", "raised_by")
        .filter(pk=int(clock.subject_id))
        .first()
    )
    if matter is None or matter.status not in ACTIVE_STATES:
        return None
    group = leading_group_of(matter.raised_by)
    try:
        with transaction.atomic():
            row = MatterEscalation.objects.create(
                matter=matter,
                level=clock.signal,
                due_date=clock.due_date,
                escalated_on=clock.signal_since,
                group=group,
            )
    except IntegrityError:
        return None
    notify(
        recipients=escalation_recipients(group),
        kind=KIND,
        key=f"matter:{matter.pk}:escalated:{clock.signal}:{clock.due_date.isoformat()}",
        url=matter.get_absolute_url(),
        subject=matter,
        context=_context(matter, event="escalated", due_date=clock.due_date),
    )
    audit_record(
        actor=None,
        action="matter.escalate",
        obj=matter,
        after={"level": clock.signal, "due_date": clock.due_date},
    )
    return row


# -- meetings ------------------------------------------------------------------------------------------


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("convened_by").get(pk=meeting.pk)


@transaction.atomic
def meeting_create(
    *, actor, title: str, date: datetime.date, convened_by: OrgUnit, place: str = ""
) -> Meeting:
    _require(permissions.can_manage(actor), _("Only the smart-city office plans meetings."))
    title = _text(title, field="title", message=_("Give the meeting a title."), max_length=200)
    if convened_by.kind not in (OrgKind.LEADING_GROUP, OrgKind.OFFICE):
        raise DomainError(_("A meeting is convened by a leading group or an office."), field="convened_by")
    if date is None:
        raise DomainError(_("Give the meeting date."), field="date")
    meeting = Meeting.objects.create(
        number=next_number(f"{conf.MEETING_PREFIX}{date.year}", width=3),
        title=title,
        date=date,
        place=(place or "").strip(),
        convened_by=convened_by,
        created_by=actor,
    )
    audit_record(actor=actor, action="meeting.create", obj=meeting, after={"title": title, "date": date})
    return meeting


@transaction.atomic
def meeting_add_agenda_item(*, actor, meeting: Meeting, title: str, matters=()) -> AgendaItem:
    meeting = _lock_meeting(meeting)
    _require(permissions.can_manage(actor), _("Only the smart-city office plans meetings."))
    if meeting.status == MeetingStatus.PUBLISHED:
        raise TransitionNotAllowed(_("The minutes are published; the meeting can no longer be changed."))
    title = _text(title, field="title", message=_("Give the agenda item a title."), max_length=200)
    item = AgendaItem.objects.create(meeting=meeting, title=title, sort_order=meeting.agenda.count())
    item.matters.set(matters)
    audit_record(actor=actor, action="meeting.agenda", obj=meeting, after={"item": title})
    return item


@transaction.atomic
def meeting_record_attendance(
    *, actor, meeting: Meeting, unit: OrgUnit, status: str, person: str = ""
) -> Attendance:
    meeting = _lock_meeting(meeting)
    _require(permissions.can_manage(actor), _("Only the smart-city office records attendance."))
    if meeting.status == MeetingStatus.PUBLISHED:
        raise TransitionNotAllowed(_("The minutes are published; the meeting can no longer be changed."))
    if status not in AttendanceStatus.values:
        raise DomainError(_("Choose how the unit attended."), field="status")
    person = (person or "").strip()
    if status == AttendanceStatus.DELEGATED and not person:
        raise DomainError(_("Name the person the unit delegated."), field="person")
    row, _created = Attendance.objects.update_or_create(
        meeting=meeting, unit=unit, defaults={"status": status, "person": person}
    )
    audit_record(
        actor=actor, action="meeting.attendance", obj=meeting, after={"unit": unit.code, "status": status}
    )
    return row


@transaction.atomic
def meeting_record_minutes(*, actor, meeting: Meeting, minutes: str) -> Meeting:
    meeting = _lock_meeting(meeting)
    _require(permissions.can_manage(actor), _("Only the smart-city office records the minutes."))
    if meeting.status == MeetingStatus.PUBLISHED:
        raise TransitionNotAllowed(_("The minutes are published; the meeting can no longer be changed."))
    if meeting.date > clocks.local_today():
        raise Conflict(_("The meeting has not taken place yet."))
    minutes = _text(minutes, field="minutes", message=_("Write the minutes."), max_length=20000)
    before = {"status": meeting.status}
    meeting.minutes, meeting.status = minutes, MeetingStatus.HELD
    meeting.save()
    audit_record(
        actor=actor, action="meeting.minutes", obj=meeting, before=before, after={"status": meeting.status}
    )
    return meeting


@transaction.atomic
def meeting_publish_minutes(*, actor, meeting: Meeting) -> Meeting:
    meeting = _lock_meeting(meeting)
    _require(permissions.can_manage(actor), _("Only the smart-city office publishes the minutes."))
    if meeting.status != MeetingStatus.HELD:
        raise TransitionNotAllowed(_("Record the minutes before publishing them."))
    meeting.status, meeting.published_on = MeetingStatus.PUBLISHED, clocks.local_today()
    meeting.save()
    audit_record(actor=actor, action="meeting.publish", obj=meeting, after={"status": meeting.status})
    return meeting


@transaction.atomic
def decision_record(*, actor, meeting: Meeting, text: str, matters=()) -> Decision:
    """Record a decision (议定事项) and create the matters it assigns, linked to it, atomically.

    `matters`: dicts with title, lead_unit, limit_days and optionally description,
    cooperating_units, responsible_leader, milestones. They are raised by the convening unit.
    """
    meeting = _lock_meeting(meeting)
    _require(permissions.can_manage(actor), _("Only the smart-city office records decisions."))
    if meeting.status == MeetingStatus.PUBLISHED:
        raise TransitionNotAllowed(_("The minutes are published; the meeting can no longer be changed."))
    if meeting.date > clocks.local_today():
        raise Conflict(_("The meeting has not taken place yet."))
    text = _text(text, field="text", message=_("Write the decision."))
    decision = Decision.objects.create(
        meeting=meeting, text=text, sort_order=meeting.decisions.count(), created_by=actor
    )
    created = [
        matter_create(actor=actor, raised_by=meeting.convened_by, decision=decision, open_now=True, **spec)
        for spec in matters
    ]
    audit_record(
        actor=actor,
        action="meeting.decision",
        obj=meeting,
        after={"decision": text, "matters": [m.number for m in created]},
    )
    return decision
