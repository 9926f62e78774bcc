"""Reads of clocks. Callers decide who may see the subject; a clock is shown with its subject."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch

from .ledger import entries_from
from .models import Clock, ClockEvent
from .services import evaluate, local_today


def clocks_for(*, subject) -> list[Clock]:
    """The clocks of one subject with their ledgers (2 queries), each annotated with `remaining_days`."""
    events = ClockEvent.objects.select_related("actor", "approved_by").order_by("id")
    clocks = list(
        Clock.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
        )
        .prefetch_related(Prefetch("events", queryset=events))
        .order_by("purpose")
    )
    today = local_today()
    for clock in clocks:
        clock.remaining_days = evaluate(
            clock, today=today, entries=entries_from(clock.events.all())
        ).remaining_days
    return clocks
