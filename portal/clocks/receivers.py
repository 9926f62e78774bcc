"""When the working-day calendar changes, recompute the open deadlines that depend on it.

The recomputation request is written inside the calendar change's own transaction (an outbox
row: it commits or rolls back with the change), and queued after commit. It is queued with a
delay of WORKCAL_CACHE_SECONDS, so that by the time it runs every process has dropped its cached
copy of the old calendar — a deadline another process computed from a stale cache in the meantime
is corrected too. If the broker is down, the daily sweep finds the row and does the work.
"""

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver

from portal.dispatch import queue
from portal.workcal.signals import calendar_changing

from .models import RecomputeRequest
from .tasks import recompute_for_request_task


@receiver(calendar_changing)
def recompute_after_calendar_change(sender, years, **kwargs):
    request = RecomputeRequest.objects.create(years=sorted({int(y) for y in years}))
    delay = int(getattr(settings, "WORKCAL_CACHE_SECONDS", 60))
    transaction.on_commit(
        lambda: queue(recompute_for_request_task, [(request.pk,)], countdown=delay + 1 if delay else 0),
        robust=True,
    )
