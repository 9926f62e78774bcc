"""The state machines of matters and meetings: states, allowed transitions, who may fire each.

Matter:
    draft ──open──▶ open ──(first progress report)──▶ in_progress ──report completion──▶ reported
    reported ──accept (the raiser)──▶ completed          reported ──return──▶ in_progress
    draft / open / in_progress / reported ──cancel (reason)──▶ cancelled
    open / in_progress / reported ──close (reason)──▶ closed   (ended by the office without acceptance)

Meeting: planned ──record minutes──▶ held ──publish minutes──▶ minutes_published.

Actors: "office" = smart-city office coordinators (and superusers); "lead" = people of the lead
unit; "participant" = people of the lead or a cooperating unit; "raiser" = the office or people of
the raising unit (the leading group or office).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MatterStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("matter status", "Draft")
    OPEN = "open", pgettext_lazy("matter status", "Open (not started)")
    IN_PROGRESS = "in_progress", pgettext_lazy("matter status", "In progress")
    REPORTED = "reported", pgettext_lazy("matter status", "Completion reported")
    COMPLETED = "completed", pgettext_lazy("matter status", "Completed (accepted)")
    CLOSED = "closed", pgettext_lazy("matter status", "Closed")
    CANCELLED = "cancelled", pgettext_lazy("matter status", "Cancelled")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Meeting planned")
    HELD = "held", _("Held (minutes recorded)")
    PUBLISHED = "published", _("Minutes published")


M = MatterStatus
ACTIVE_STATES = frozenset({M.OPEN, M.IN_PROGRESS, M.REPORTED})
FINAL_STATES = frozenset({M.COMPLETED, M.CLOSED, M.CANCELLED})

# (from, action) -> (to, who)
MATTER_TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (M.DRAFT, "open"): (M.OPEN, "office"),
    (M.OPEN, "start"): (M.IN_PROGRESS, "participant"),
    (M.OPEN, "report_completion"): (M.REPORTED, "lead"),
    (M.IN_PROGRESS, "report_completion"): (M.REPORTED, "lead"),
    (M.REPORTED, "accept"): (M.COMPLETED, "raiser"),
    (M.REPORTED, "return"): (M.IN_PROGRESS, "raiser"),
    (M.DRAFT, "cancel"): (M.CANCELLED, "office"),
    (M.OPEN, "cancel"): (M.CANCELLED, "office"),
    (M.IN_PROGRESS, "cancel"): (M.CANCELLED, "office"),
    (M.REPORTED, "cancel"): (M.CANCELLED, "office"),
    (M.OPEN, "close"): (M.CLOSED, "office"),
    (M.IN_PROGRESS, "close"): (M.CLOSED, "office"),
    (M.REPORTED, "close"): (M.CLOSED, "office"),
}

MEETING_TRANSITIONS: dict[tuple[str, str], str] = {
    (MeetingStatus.PLANNED, "record_minutes"): MeetingStatus.HELD,
    (MeetingStatus.HELD, "record_minutes"): MeetingStatus.HELD,
    (MeetingStatus.HELD, "publish"): MeetingStatus.PUBLISHED,
}


def next_status(status: str, action: str) -> str | None:
    found = MATTER_TRANSITIONS.get((status, action))
    return found[0] if found else None


def allowed_actions(status: str) -> set[str]:
    return {action for (state, action) in MATTER_TRANSITIONS if state == status}
