"""Channel backends: how one delivery reaches a person.

`outbox.delivery_attempt` calls `get_channel(delivery.channel).send(delivery)` inside the database
transaction that then marks the delivery sent. A backend raises `DeliveryError` (worth retrying)
or `PermanentDeliveryError` (retrying cannot help, e.g. no address); any other exception is
treated as worth retrying.

- In-app: nothing to send; the notification row is the message (counted as sent on commit).
- E-mail: Django's mail framework (EMAIL_BACKEND / EMAIL_URL), text plus optional HTML, with a
  Message-ID derived from the idempotency key. SMTP is at-least-once: a crash after the server
  accepted the message and before the commit sends it again, with the same Message-ID.
- SMS: an adapter (`SmsBackend`) chosen by NOTIFICATIONS_SMS_BACKEND. The default
  `LoggingSmsBackend` logs and stores `SmsMessage` rows keyed by the idempotency key, in the same
  transaction that marks the delivery sent, so its sink receives each message exactly once.
"""

from __future__ import annotations

import logging

from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from portal.masking import mask_phone
from portal.notifications import conf
from portal.notifications.models import Channel, Delivery, SmsMessage

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """Sending failed; a later attempt may succeed."""


class PermanentDeliveryError(DeliveryError):
    """Sending cannot succeed as things stand (no address, refused number): do not retry."""


def absolute_url(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return conf.base_url() + ("" if url.startswith("/") else "/") + url


class ChannelBackend:
    channel: str = ""

    def send(self, delivery: Delivery) -> None:
        raise NotImplementedError


class InAppChannel(ChannelBackend):
    channel = Channel.INAPP

    def send(self, delivery: Delivery) -> None:
        """The notification row is the in-app message; there is nothing else to do."""


class EmailChannel(ChannelBackend):
    channel = Channel.EMAIL

    def build_message(self, delivery: Delivery) -> EmailMultiAlternatives:
        notification = delivery.notification
        recipient = notification.recipient
        if not recipient.email:
            raise PermanentDeliveryError(_("The recipient has no e-mail address."))
        text = notification.body
        link = absolute_url(notification.url)
        if link:
            text = f"{text}\n\n{link}" if text else link
        message = EmailMultiAlternatives(
            subject=notification.title,
            body=text,
            to=[recipient.email],
            headers={"Message-ID": f"<{delivery.idempotency_key}@{conf.message_id_domain()}>"},
        )
        if notification.body_html:
            message.attach_alternative(notification.body_html, "text/html")
        return message

    def send(self, delivery: Delivery) -> None:
        self.build_message(delivery).send(fail_silently=False)


class SmsBackend:
    """The SMS adapter interface. A provider's adapter subclasses this.

    `send` must be idempotent per `idempotency_key` (pass it to the provider as the client
    reference), raise DeliveryError / PermanentDeliveryError on failure, and may write to the
    database: it runs inside the transaction that marks the delivery sent.
    """

    def send(self, *, phone: str, text: str, idempotency_key: str) -> None:
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    """Writes the message to the log and to the SmsMessage table (the demo's and tests' sink).

    Inserting ignores a conflict on the idempotency key, so a repeated send stores nothing new.
    """

    def send(self, *, phone: str, text: str, idempotency_key: str) -> None:
        if SmsMessage.objects.filter(idempotency_key=idempotency_key).exists():
            logger.info("SMS %s was sent before; not sending it again", idempotency_key[:12])
            return
        SmsMessage.objects.bulk_create(
            [SmsMessage(phone=phone, text=text, idempotency_key=idempotency_key)], ignore_conflicts=True
        )
        logger.info("SMS to %s (%s): %s", mask_phone(phone), idempotency_key[:12], text)


def sms_text(delivery: Delivery) -> str:
    notification = delivery.notification
    parts = [notification.title]
    if notification.body:
        parts.append(" ".join(notification.body.split()))
    link = absolute_url(notification.url)
    text = " ".join(parts)
    limit = conf.sms_max_length()
    suffix = f" {link}" if link else ""
    if len(text) + len(suffix) > limit:
        text = text[: max(limit - len(suffix) - 1, 0)] + "…"
    return text + suffix


class SmsChannel(ChannelBackend):
    channel = Channel.SMS

    def __init__(self, backend: SmsBackend | None = None):
        self.backend = backend or import_string(conf.sms_backend())()

    def send(self, delivery: Delivery) -> None:
        # The ORM decrypts the phone to send the message: a use, not a display, so not audited
        # (docs/security.md, personal data). Logs show it masked.
        phone = delivery.notification.recipient.phone
        if not phone:
            raise PermanentDeliveryError(_("The recipient has no mobile phone number."))
        self.backend.send(phone=phone, text=sms_text(delivery), idempotency_key=delivery.idempotency_key)


CHANNELS = {Channel.INAPP: InAppChannel, Channel.EMAIL: EmailChannel, Channel.SMS: SmsChannel}


def get_channel(channel: str) -> ChannelBackend:
    return CHANNELS[channel]()
