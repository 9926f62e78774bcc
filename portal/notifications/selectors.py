"""Reads of the notifications app. Everything a person sees is scoped to that person in SQL."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from portal.notifications.models import Channel, ChannelPreference, Delivery, DeliveryStatus, Notification


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def notification_get(*, user, pk) -> Notification:
    """One of the user's own notifications; anyone else's answers 404 (existence does not leak)."""
    return get_object_or_404(notification_list(user=user), pk=pk)


def unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def channel_default(user, channel: str) -> bool:
    """Without a saved choice: in-app and e-mail on; text messages on only when there is a phone."""
    if channel == Channel.SMS:
        return bool(user.phone)
    return True


def channel_preferences(*, user) -> dict[str, bool]:
    """{channel: enabled} for every channel, saved choices over defaults; in-app is always on."""
    saved = dict(ChannelPreference.objects.filter(user=user).values_list("channel", "enabled"))
    result = {channel: saved.get(channel, channel_default(user, channel)) for channel in Channel.values}
    result[Channel.INAPP] = True
    return result


def enabled_channels(users: Iterable) -> dict[int, list[str]]:
    """{user pk: enabled channels in Channel order} for many users in one query."""
    users = list(users)
    saved: dict[int, dict[str, bool]] = {}
    for user_id, channel, enabled in ChannelPreference.objects.filter(user__in=users).values_list(
        "user_id", "channel", "enabled"
    ):
        saved.setdefault(user_id, {})[channel] = enabled
    result = {}
    for user in users:
        choices = saved.get(user.pk, {})
        result[user.pk] = [
            channel
            for channel in Channel.values
            if channel == Channel.INAPP or choices.get(channel, channel_default(user, channel))
        ]
    return result


def undelivered_count() -> int:
    """Deliveries not (yet) sent: pending, sending or failed. /healthz reports it."""
    return Delivery.objects.exclude(status=DeliveryStatus.SENT).count()
