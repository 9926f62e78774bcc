"""Notifications: the API other apps call, and the writes behind the notification pages.

Other apps tell people things with exactly one function::

    from portal.notifications.services import notify

    with transaction.atomic():
        ...  # the change itself
        notify(
            recipients=[official],
            kind="deadline_signal",
            context={"subject_label": "SP-20261126-000123", "level": "RED",
                     "due_date": date(2026, 12, 1), "remaining_days": 2},
            key=f"deadline-signal:{task.pk}:RED:2026-12-01",
            url=task_url,
            subject=task,
        )

`notify(*, recipients, kind, context, key, url="", subject=None) -> list[Notification]`

- Runs inside the caller's transaction (it opens a savepoint-free atomic block of its own when
  there is none), so the outbox rows commit or roll back with the change they report.
- It renders `templates/notifications/<kind>/title.txt`, `body.txt` and, when present,
  `body.html` once per language among the distinct active recipients (`User.language`, else
  settings.LANGUAGE_CODE). The template context is `context` plus `url` and `absolute_url` (url
  with NOTIFICATIONS_BASE_URL in front); the text is the same for everyone who reads that
  language, so a template never names its reader. The notifications are inserted in one
  statement (a concurrent notify of the same event falls back to one row at a time).
- `key` names the event. A recipient who already has a notification with this key is skipped, so
  calling notify twice for the same event notifies nobody twice. Returns the notifications it
  created (not the skipped ones).
- One Delivery per channel the recipient has enabled (in-app always; e-mail unless switched off;
  SMS when switched on, by default when the user has a phone number), each with a unique
  idempotency key derived from (key, recipient, channel). In-app counts as sent when the
  transaction commits; e-mail and SMS deliveries are dispatched to the Celery task
  `portal.notifications.tasks.deliver` by `transaction.on_commit`. Dispatch never raises: when
  the broker is down the rows stay pending and the periodic sweeper sends them later.
- `subject` (optional) is any model instance the notification is about (a generic relation).

Kinds shipped: `generic` (context: title, text), `deadline_signal` (subject_label, level
GREEN/YELLOW/RED/PAUSED, due_date, remaining_days), `deadline_changed` (subject_label,
old_due, new_due, reason) and `deadline_digest` (portal.clocks.digest: one person's changed
deadlines from a sweep). A new kind is a new template directory.

The other services here back the notification pages and the admin:
`notification_mark_read`, `notifications_mark_all_read`, `channel_preferences_update`,
`delivery_resend` (the last two leave an audit event). The worker side (claim, send, retry,
sweep) is in outbox.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.audit.services import audit_record, snapshot
from portal.errors import DomainError, TransitionNotAllowed
from portal.notifications import conf, selectors
from portal.notifications.channels import absolute_url
from portal.notifications.models import (
    Channel,
    ChannelPreference,
    Delivery,
    DeliveryStatus,
    Notification,
)
from portal.notifications.outbox import dispatch_on_commit, idempotency_key

TITLE_MAX = Notification._meta.get_field("title").max_length


# --- Rendering ----------------------------------------------------------------------------------


def _template_name(kind: str, part: str) -> str:
    return f"notifications/{kind}/{part}"


def _check_kind(kind: str) -> None:
    if not kind or "/" in kind or "." in kind:
        raise ValueError(f"invalid notification kind {kind!r}")
    try:
        get_template(_template_name(kind, "title.txt"))
    except TemplateDoesNotExist as exc:
        raise ValueError(f"unknown notification kind {kind!r}: no {exc}") from exc


def _clean_text(text: str) -> str:
    """Trim each line and keep at most one blank line between paragraphs."""
    lines = [line.strip() for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _language_of(recipient) -> str:
    return getattr(recipient, "language", "") or settings.LANGUAGE_CODE


def render_notification(*, kind: str, context: dict, language: str, url: str = "") -> dict:
    """{title, body, body_html} of `kind` in `language`.

    The text depends only on the event and the language, never on the person (a template gets
    `context`, `url` and `absolute_url`), so notify() renders once per language however many
    people it tells."""
    full_context = {**context, "url": url, "absolute_url": absolute_url(url)}
    with translation.override(language):
        title = " ".join(get_template(_template_name(kind, "title.txt")).render(full_context).split())
        body = _clean_text(get_template(_template_name(kind, "body.txt")).render(full_context))
        try:
            html_template = get_template(_template_name(kind, "body.html"))
        except TemplateDoesNotExist:
            body_html = ""
        else:
            body_html = html_template.render(full_context).strip()
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    return {"title": title, "body": body, "body_html": body_html}


# --- notify ---------------------------------------------------------------------------------------


def _distinct_active(recipients: Iterable) -> list:
    seen: set[int] = set()
    users = []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        users.append(user)
    return users


def notify(
    *, recipients, kind: str, context: dict, key: str, url: str = "", subject=None
) -> list[Notification]:
    """Write notifications and their deliveries in the caller's transaction (see module docstring)."""
    if not key:
        raise ValueError("notify() needs a key naming the event")
    _check_kind(kind)
    users = _distinct_active(recipients)
    if not users:
        return []
    subject_fields = {}
    if subject is not None:
        subject_fields = {
            "subject_type": ContentType.objects.get_for_model(subject),
            "subject_id": str(subject.pk),
        }
    now = timezone.now()
    grace = now + timedelta(seconds=conf.dispatch_grace_seconds())
    created: list[Notification] = []
    deliveries: list[Delivery] = []
    with transaction.atomic(savepoint=False):
        already = set(
            Notification.objects.filter(recipient__in=users, key=key).values_list("recipient_id", flat=True)
        )
        users = [user for user in users if user.pk not in already]
        channels = selectors.enabled_channels(users)
        rendered: dict[str, dict] = {}  # one rendering per language, not per person
        rows = []
        for user in users:
            language = _language_of(user)
            if language not in rendered:
                rendered[language] = render_notification(
                    kind=kind, context=context, language=language, url=url
                )
            text = rendered[language]
            rows.append(Notification(recipient=user, key=key, kind=kind, url=url, **text, **subject_fields))
        try:
            with transaction.atomic():  # a savepoint: a concurrent notify of the same event may win
                created = Notification.objects.bulk_create(rows)
        except IntegrityError:
            created = []
            for row in rows:
                # get_or_create takes a savepoint of its own: whoever wrote first keeps the row.
                fields = {f: getattr(row, f) for f in ("kind", "url", "title", "body", "body_html")}
                notification, made = Notification.objects.get_or_create(
                    recipient=row.recipient, key=key, defaults={**fields, **subject_fields}
                )
                if made:
                    created.append(notification)
        for notification in created:
            user = notification.recipient
            for channel in channels[user.pk]:
                inapp = channel == Channel.INAPP
                deliveries.append(
                    Delivery(
                        notification=notification,
                        channel=channel,
                        status=DeliveryStatus.SENT if inapp else DeliveryStatus.PENDING,
                        sent_at=now if inapp else None,
                        next_attempt_at=None if inapp else grace,
                        idempotency_key=idempotency_key(key=key, recipient_id=user.pk, channel=channel),
                    )
                )
        Delivery.objects.bulk_create(deliveries)
        dispatch_on_commit(d.pk for d in deliveries if d.status == DeliveryStatus.PENDING)
    return created


# --- The notification pages ----------------------------------------------------------------------


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (reading it again changes nothing)."""
    if notification.recipient_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notifications_mark_all_read(*, actor) -> int:
    """Mark all the actor's unread notifications read; returns how many."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def channel_preferences_update(*, actor, user, enabled: dict[str, bool]) -> dict[str, bool]:
    """Save the user's channel choices. In-app cannot be switched off; SMS needs a phone number."""
    if actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied
    before = selectors.channel_preferences(user=user)
    for channel, value in enabled.items():
        if channel not in Channel.values:
            raise DomainError(_("Unknown channel."), field=channel)
        if channel == Channel.INAPP:
            continue
        if channel == Channel.SMS and value and not user.phone:
            raise DomainError(
                _("Add a mobile phone number to your account before choosing text messages."), field=channel
            )
        ChannelPreference.objects.update_or_create(
            user=user, channel=channel, defaults={"enabled": bool(value)}
        )
    after = selectors.channel_preferences(user=user)
    if after != before:
        audit_record(
            actor=actor, action="notification_preferences.update", obj=user, before=before, after=after
        )
    return after


@transaction.atomic
def delivery_resend(*, actor, delivery: Delivery) -> Delivery:
    """Give a failed delivery a fresh set of attempts and dispatch it after commit.

    The idempotency key is unchanged, so a sink that already has the message does not get it twice.
    `attempts` starts again at 0, so workers are fenced on `claim_token` (new at every claim), not
    on the attempt count: a worker still hanging on an earlier attempt cannot finish the new one.
    """
    if not actor.has_perm("notifications.change_delivery"):
        raise PermissionDenied
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status != DeliveryStatus.FAILED:
        raise TransitionNotAllowed(_("Only failed deliveries can be sent again."))
    fields = ["status", "attempts", "next_attempt_at"]
    before = snapshot(delivery, [*fields, "last_error"])
    now = timezone.now()
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.claim_token = None
    delivery.next_attempt_at = now + timedelta(seconds=conf.dispatch_grace_seconds())
    delivery.save(update_fields=[*fields, "claim_token", "updated_at"])
    dispatch_on_commit([delivery.pk])
    audit_record(
        actor=actor, action="delivery.resend", obj=delivery, before=before, after=snapshot(delivery, fields)
    )
    return delivery
