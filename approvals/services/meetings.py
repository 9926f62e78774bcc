"""Joint-review meetings (联合审查会议): the lead department records that the departments met.

A meeting is a record on the application, not a transition: the status does not change and no
clock stops, pauses or extends — internal consultation and joint meetings do not stop the clock
(DOMAIN.md §2; only the special procedures of 行政许可法 art. 45 do, see task_suspend).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals import permissions
from approvals.models import Application, ReviewMeeting
from approvals.workflow import ApplicationStatus
from portal.audit.actions import register_actions
from portal.audit.services import audit_record
from portal.clocks import services as clocks
from portal.errors import DomainError, TransitionNotAllowed
from portal.models import User
from portal.notifications.services import notify

from .applications import _lock, official_url

A = ApplicationStatus

# While the departments are reviewing, or the lead is consolidating their opinions.
MEETING_STATES = frozenset({A.IN_REVIEW, A.CONSOLIDATING})

register_actions({"application.meeting": gettext_lazy("Joint-review meeting recorded")})


def _clean(value) -> str:
    return (value or "").strip()


@transaction.atomic
def review_meeting_record(
    *,
    actor,
    application: Application,
    held_on: datetime.date,
    place: str = "",
    departments,
    attendees: str = "",
    minutes: str,
    conclusions: str = "",
) -> ReviewMeeting:
    """Record a joint-review meeting held for the application and tell the attending departments'
    reviewers. Only a lead coordinator of the lead department, while the application is in review
    or being consolidated. The status and every clock stay as they are."""
    application = _lock(application)
    if not permissions.can_consolidate(actor, application):
        raise PermissionDenied(_("Only a lead coordinator of the lead department may record a meeting."))
    if application.status not in MEETING_STATES:
        raise TransitionNotAllowed(
            _("A joint-review meeting is recorded while the application is in review or being consolidated.")
        )
    if held_on is None:
        raise DomainError(_("Give the date of the meeting."), field="held_on")
    if held_on > clocks.local_today():
        raise DomainError(_("A meeting cannot be recorded before it is held."), field="held_on")
    if application.accepted_on and held_on < application.accepted_on:
        raise DomainError(_("The meeting cannot precede the acceptance of the application."), field="held_on")
    units = list(departments or [])
    if not units:
        raise DomainError(_("Choose the departments that attended."), field="departments")
    involved = {application.lead_department_id, *application.tasks.values_list("department_id", flat=True)}
    strangers = [unit for unit in units if unit.pk not in involved]
    if strangers:
        raise DomainError(
            _("Not involved in this application: %(names)s.")
            % {"names": "、".join(str(unit) for unit in strangers)},
            field="departments",
        )
    minutes = _clean(minutes)
    if not minutes:
        raise DomainError(_("A meeting needs its minutes."), field="minutes")

    meeting = ReviewMeeting.objects.create(
        application=application,
        held_on=held_on,
        place=_clean(place),
        attendees=_clean(attendees),
        minutes=minutes,
        conclusions=_clean(conclusions),
        recorded_by=actor,
    )
    meeting.departments.set(units)
    unit_ids = sorted(u.pk for u in units)
    audit_record(
        actor=actor,
        action="application.meeting",
        obj=application,
        after={
            "meeting": meeting.pk,
            "held_on": held_on,
            "place": meeting.place,
            "departments": [str(u) for u in sorted(units, key=lambda u: u.pk)],
            "conclusions": meeting.conclusions,
        },
    )
    reviewers = User.objects.filter(
        positions__unit_id__in=unit_ids,
        positions__active=True,
        positions__roles__code="reviewer",
        is_active=True,
    ).distinct()
    notify(
        recipients=reviewers,
        kind="generic",
        key=f"meeting:{meeting.pk}",
        url=official_url(application),
        subject=application,
        context={
            "title": _("Joint-review meeting on %(number)s") % {"number": application.number or application},
            "text": _("%(date)s, %(place)s. Conclusions: %(conclusions)s")
            % {
                "date": f"{held_on:%Y-%m-%d}",
                "place": meeting.place or "—",
                "conclusions": meeting.conclusions or "—",
            },
        },
    )
    return meeting
