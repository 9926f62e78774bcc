"""Reads of clocks. A clock is shown with its subject: callers check who may see the subject."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Prefetch, When

from . import services
from .ledger import entries_from
from .models import Clock, ClockEvent, ClockState, DigestItem, Signal

SEVERITY = Case(
    When(signal=Signal.RED, then=0),
    When(signal=Signal.YELLOW, then=1),
    When(signal=Signal.GREEN, then=2),
    When(signal=Signal.PAUSED, then=3),
    default=4,
)


def _with_ledgers(queryset) -> list[Clock]:
    """Clocks with their ledgers (2 queries), each annotated with `remaining_days` as of today."""
    events = ClockEvent.objects.select_related("actor", "approved_by").order_by("id")
    clocks = list(queryset.prefetch_related(Prefetch("events", queryset=events)))
    today = services.local_today()
    for clock in clocks:
        # Show every figure as of today (the stored ones are as of the last service call or sweep).
        result = services.evaluate(clock, today=today, entries=entries_from(clock.events.all()))
        clock.remaining_days = result.remaining_days
        for name in ("consumed_days", "paused_days", "due_date", "due_provisional", "signal"):
            setattr(clock, name, getattr(result, name))
    return clocks


def clocks_for(*, subject) -> list[Clock]:
    """The clocks of one subject. The caller has already checked that the user may see it."""
    subject_type = ContentType.objects.get_for_model(subject)
    queryset = Clock.objects.filter(subject_type=subject_type, subject_id=str(subject.pk))
    return _with_ledgers(queryset.order_by("purpose"))


def clocks_by_subject(*, subjects) -> dict[str, list[Clock]]:
    """The clocks of several subjects of one model, keyed by str(subject.pk): 3 queries in all."""
    subjects = list(subjects)
    if not subjects:
        return {}
    subject_type = ContentType.objects.get_for_model(subjects[0])
    queryset = Clock.objects.filter(subject_type=subject_type, subject_id__in=[str(s.pk) for s in subjects])
    found: dict[str, list[Clock]] = {}
    for clock in _with_ledgers(queryset.order_by("purpose", "pk")):
        found.setdefault(clock.subject_id, []).append(clock)
    return found


def clocks_owned_by(*, user, finished: bool = False, limit: int = 200) -> list[Clock]:
    """The clocks a person is responsible for: most urgent first; finished ones only on request."""
    queryset = Clock.objects.filter(owner=user)
    if finished:
        queryset = queryset.filter(state=ClockState.STOPPED)
    else:
        queryset = queryset.exclude(state=ClockState.STOPPED)
    return _with_ledgers(queryset.annotate(severity=SEVERITY).order_by("severity", "due_date", "pk")[:limit])


def digest_items(*, user, token: str) -> list[dict]:
    """The lines of one of the user's deadline digests (as in the message, without its limit);
    someone else's digest gives nothing."""
    from . import digest

    items = list(DigestItem.objects.filter(user=user, digest=token).select_related("clock").order_by("pk"))
    return [{**digest.line_context(item), "sent_at": item.sent_at} for item in digest.digest_lines(items)]
