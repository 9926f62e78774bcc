"""When the working-day calendar changes, recompute the open deadlines that depend on it.

The request is written to the database first (an outbox row) and then queued; if the broker is
down, the daily sweep finds the row and does the work.
"""

from django.dispatch import receiver

from portal.dispatch import queue
from portal.workcal.signals import calendar_changed

from .models import RecomputeRequest
from .tasks import recompute_for_request_task


@receiver(calendar_changed)
def recompute_after_calendar_change(sender, years, **kwargs):
    request = RecomputeRequest.objects.create(years=sorted({int(y) for y in years}))
    queue(recompute_for_request_task, [(request.pk,)])
