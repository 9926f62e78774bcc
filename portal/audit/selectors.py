"""Reads of the audit trail.

These do not check who is asking: the page that shows a timeline decides whether this person
may see the history of that object (e.g. coordination.selectors.org_unit_history), and simply
does not call them otherwise.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from portal.audit.models import AuditEvent


def audit_events_for(*, obj, limit: int | None = 50) -> list[AuditEvent]:
    """The newest `limit` events about `obj` (a model instance, possibly deleted since), newest
    first, with actors loaded: one query (plus the content type on its first use)."""
    qs: QuerySet[AuditEvent] = (
        AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
        .select_related("actor", "on_behalf_of")
        .order_by("-sequence")
    )
    return list(qs[:limit] if limit is not None else qs)
