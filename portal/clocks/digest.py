"""The deadline digest: one notification per person instead of one per clock and person.

The daily sweep and the recomputation after a calendar change (tasks.py) change many clocks at
once. Inside each batch's transaction (services.clocks_recompute_batch) the people on every
changing clock get `DigestItem` rows (`items_write`): a durable outbox, unique per person and
event, so a re-run adds nothing. After the batches, `digests_send` sends each person with unsent
items one `deadline_digest` notification listing them and marks them sent in the same
transaction; whatever a crash left unsent is sent by the next sweep. The services that change one
clock interactively (pause, resume, extend, stop, start) still notify at once (services.py).

Who is on a clock is the subject's business, as for one clock (services.recipients): a subject
model may define a classmethod ``clock_recipients_bulk(clocks) -> {clock id: iterable of users}``
(the clocks have their subjects loaded), so a batch does not read each subject's people
separately; otherwise ``clock_recipients(self, clock)`` is called per clock; nobody named: the
clock's owner.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.notifications.services import notify

from . import conf
from .models import Clock, DigestItem, DigestKind, Signal
from .services import subject_url

KIND = "deadline_digest"


# --- Recipients in bulk ---------------------------------------------------------------------------


def load_subjects(clocks) -> None:
    """Attach each clock's subject, one query per subject model (not one per clock)."""
    field = Clock._meta.get_field("subject")
    by_type: dict[int, list[Clock]] = defaultdict(list)
    for clock in clocks:
        if not field.is_cached(clock):
            by_type[clock.subject_type_id].append(clock)
    for type_id, group in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            for clock in group:
                field.set_cached_value(clock, None)
            continue
        to_python = model._meta.pk.to_python
        found = model._base_manager.in_bulk({to_python(clock.subject_id) for clock in group})
        for clock in group:
            field.set_cached_value(clock, found.get(to_python(clock.subject_id)))


def recipients_bulk(clocks) -> dict[int, list]:
    """{clock id: the active people told about it}: what services.recipients gives per clock."""
    clocks = list(clocks)
    load_subjects(clocks)
    by_model: dict[type | None, list[Clock]] = defaultdict(list)
    for clock in clocks:
        by_model[type(clock.subject) if clock.subject is not None else None].append(clock)
    people: dict[int, list] = {}
    for model, group in by_model.items():
        bulk = getattr(model, "clock_recipients_bulk", None) if model is not None else None
        if bulk is not None:
            found = bulk(group)
            for clock in group:
                people[clock.pk] = list(found.get(clock.pk, ()))
            continue
        for clock in group:
            method = getattr(clock.subject, "clock_recipients", None)
            people[clock.pk] = list(method(clock)) if method else []
    owner_ids = {clock.owner_id for clock in clocks if not people[clock.pk] and clock.owner_id}
    owners = get_user_model().objects.in_bulk(owner_ids) if owner_ids else {}
    for clock in clocks:
        if not people[clock.pk] and clock.owner_id in owners:
            people[clock.pk] = [owners[clock.owner_id]]
        people[clock.pk] = [p for p in people[clock.pk] if p is not None and p.is_active]
    return people


# --- Writing items (inside the batch's transaction) -----------------------------------------------


def items_write(changes) -> int:
    """Write digest items for `changes`, a list of (clock, [item fields]) (services._digest_rows),
    for every person on each clock, in one INSERT; an item already written is skipped."""
    if not changes:
        return 0
    people = recipients_bulk([clock for clock, _rows in changes])
    items = []
    for clock, rows in changes:
        for user in {p.pk: p for p in people[clock.pk]}.values():
            url = subject_url(clock, user)
            items.extend(DigestItem(user=user, clock=clock, url=url, **row) for row in rows)
    DigestItem.objects.bulk_create(items, ignore_conflicts=True, batch_size=1000)
    return len(items)


# --- Sending ---------------------------------------------------------------------------------------


def digest_lines(items: list[DigestItem]) -> list[DigestItem]:
    """The lines of a digest: a clock's newest level once, each moved due date; overdue first,
    then approaching, then moved due dates, each by due date."""
    latest: dict[int, DigestItem] = {}
    lines = []
    for item in items:  # in id order
        if item.kind == DigestKind.SIGNAL:
            latest[item.clock_id] = item
        else:
            lines.append(item)
    order = {Signal.RED: 0, Signal.YELLOW: 1}
    lines.extend(latest.values())
    lines.sort(key=lambda i: (order.get(i.level, 2), i.due_date, i.clock.label, i.pk))
    return lines


def line_context(item: DigestItem) -> dict:
    from portal.notifications.channels import absolute_url

    return {
        "kind": item.kind,
        "subject_label": item.clock.label,
        "level": item.level.upper(),
        "level_label": Signal(item.level).label if item.level else "",
        "due_date": item.due_date,
        "remaining_days": item.remaining_days,
        "due_provisional": item.due_provisional,
        "old_due": item.old_due,
        "new_due": item.due_date,
        "reason": item.reason,
        "url": item.url,
        "absolute_url": absolute_url(item.url),
    }


def digest_context(items: list[DigestItem]) -> dict:
    """The template context of one person's digest (templates/notifications/deadline_digest)."""
    lines = digest_lines(items)
    shown = [line_context(item) for item in lines[: conf.DIGEST_LIST_LIMIT]]
    reasons = list(dict.fromkeys(i.reason for i in lines if i.kind == DigestKind.DUE_CHANGED and i.reason))
    return {
        "count": len(lines),
        "items": shown,
        "more": len(lines) - len(shown),
        "reasons": reasons,
        "overdue": sum(1 for i in lines if i.level == Signal.RED),
        "approaching": sum(1 for i in lines if i.level == Signal.YELLOW),
        "moved": sum(1 for i in lines if i.kind == DigestKind.DUE_CHANGED),
        "single": shown[0] if len(lines) == 1 else None,
    }


def digest_token(item_ids, day) -> str:
    digest = hashlib.sha256(",".join(map(str, sorted(item_ids))).encode()).hexdigest()[:16]
    return f"{day:%Y%m%d}-{digest}"


@transaction.atomic
def digest_send(*, user_id: int) -> bool:
    """Send one person's unsent digest items as one notification and mark them sent, in one
    transaction. Items another process is sending are skipped (it sends them). Returns whether
    a digest was written."""
    items = list(
        DigestItem.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(user_id=user_id, sent_at__isnull=True)
        .select_related("clock", "user")
        .order_by("pk")
    )
    if not items:
        return False
    ids = [item.pk for item in items]
    token = digest_token(ids, timezone.localdate())
    url = reverse("clocks:digest", args=[token])
    notify(
        recipients=[items[0].user],
        kind=KIND,
        key=f"deadline-digest:{user_id}:{token}",
        url=url,
        context=digest_context(items),
    )
    DigestItem.objects.filter(pk__in=ids).update(sent_at=timezone.now(), digest=token)
    return True


def digests_send() -> int:
    """Send every person their unsent digest items (one notification each); returns how many
    digests were written. Safe to run twice and alongside another run."""
    user_ids = list(
        DigestItem.objects.filter(sent_at__isnull=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    return sum(digest_send(user_id=user_id) for user_id in user_ids)
