"""Settings of the notifications app, read when used (so `override_settings` works in tests).

Each value comes from, in this order: the environment variable of the same name, the Django
setting of the same name, the default below. The environment override exists so that a worker
process can be configured without touching settings.py (the integration tests start workers with
a short lease and a slow SMS backend this way). See docs/notifications.md for the meaning of each.
"""

import os

from django.conf import settings

DEFAULTS = {
    # First retry after this many seconds; each further retry waits FACTOR times longer, up to CAP.
    "NOTIFICATIONS_RETRY_BASE_SECONDS": 30,
    "NOTIFICATIONS_RETRY_FACTOR": 2,
    "NOTIFICATIONS_RETRY_CAP_SECONDS": 3600,
    # Attempts (including the first) before a delivery is marked failed.
    "NOTIFICATIONS_MAX_ATTEMPTS": 8,
    # How long a claimed delivery (status `sending`) or a re-dispatched one is left alone before
    # the sweeper considers its worker lost and dispatches it again.
    "NOTIFICATIONS_LEASE_SECONDS": 300,
    # New deliveries are dispatched on commit; the sweeper leaves them alone this long first.
    "NOTIFICATIONS_DISPATCH_GRACE_SECONDS": 30,
    # Deliveries the sweeper re-dispatches per batch, and batches per run.
    "NOTIFICATIONS_SWEEP_BATCH_SIZE": 500,
    "NOTIFICATIONS_SWEEP_MAX_BATCHES": 20,
    # Dotted path of the SMS backend class (see portal.notifications.channels.SmsBackend).
    "NOTIFICATIONS_SMS_BACKEND": "portal.notifications.channels.LoggingSmsBackend",
    # Scheme and host put in front of notification URLs in e-mails and text messages.
    "NOTIFICATIONS_BASE_URL": "http://127.0.0.1:8000",
    # Domain part of the e-mail Message-ID (<idempotency key>@domain); empty: DEFAULT_FROM_EMAIL's.
    "NOTIFICATIONS_MESSAGE_ID_DOMAIN": "",
    # Longest text message sent (characters); longer text is cut with an ellipsis.
    "NOTIFICATIONS_SMS_MAX_LENGTH": 300,
}

_INTEGERS = {name for name, value in DEFAULTS.items() if isinstance(value, int)}


def get(name: str):
    """The value of one NOTIFICATIONS_* setting: environment, then settings, then default."""
    default = DEFAULTS[name]
    raw = os.environ.get(name)
    if raw is not None and raw != "":
        return int(raw) if name in _INTEGERS else raw
    return getattr(settings, name, default)


def retry_base() -> int:
    return get("NOTIFICATIONS_RETRY_BASE_SECONDS")


def retry_factor() -> int:
    return get("NOTIFICATIONS_RETRY_FACTOR")


def retry_cap() -> int:
    return get("NOTIFICATIONS_RETRY_CAP_SECONDS")


def max_attempts() -> int:
    return get("NOTIFICATIONS_MAX_ATTEMPTS")


def lease_seconds() -> int:
    return get("NOTIFICATIONS_LEASE_SECONDS")


def dispatch_grace_seconds() -> int:
    return get("NOTIFICATIONS_DISPATCH_GRACE_SECONDS")


def sweep_batch_size() -> int:
    return get("NOTIFICATIONS_SWEEP_BATCH_SIZE")


def sweep_max_batches() -> int:
    return get("NOTIFICATIONS_SWEEP_MAX_BATCHES")


def sms_backend() -> str:
    return get("NOTIFICATIONS_SMS_BACKEND")


def base_url() -> str:
    return get("NOTIFICATIONS_BASE_URL").rstrip("/")


def message_id_domain() -> str:
    domain = get("NOTIFICATIONS_MESSAGE_ID_DOMAIN")
    if domain:
        return domain
    sender = getattr(settings, "DEFAULT_FROM_EMAIL", "") or ""
    return sender.rsplit("@", 1)[-1].strip("> ") or "localhost"


def sms_max_length() -> int:
    return get("NOTIFICATIONS_SMS_MAX_LENGTH")
