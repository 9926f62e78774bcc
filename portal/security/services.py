"""Two-factor devices: enrolment, backup codes, reset. Each change is audited in its transaction."""

from __future__ import annotations

import base64

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.audit.services import audit_record

TOTP_NAME = "authenticator"
BACKUP_NAME = "backup"


def totp_pending_device(*, user) -> TOTPDevice:
    """The user's unconfirmed authenticator (created on first call) - shown as a QR code until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def totp_secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


@transaction.atomic
def two_factor_confirm(*, user, device_id: int, token: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it; returns fresh backup codes, or None
    when the code is wrong. Earlier devices of the user are replaced."""
    device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
    if device is None or not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_backup_codes(user)
    audit_record(actor=user, action="auth.otp_enrolled", obj=user, after={"device": device.name})
    return codes


def _new_backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(getattr(settings, "TWO_FACTOR_BACKUP_CODES", 10))]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


@transaction.atomic
def two_factor_backup_codes_renew(*, user) -> list[str]:
    codes = _new_backup_codes(user)
    audit_record(actor=user, action="auth.otp_enrolled", obj=user, after={"device": BACKUP_NAME})
    return codes


@transaction.atomic
def two_factor_reset(*, actor, user) -> int:
    """Remove every device of the user (an admin's reset, or the user's own opt-out)."""
    removed = (
        TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    )
    audit_record(actor=actor, action="auth.otp_reset", obj=user, after={"devices_removed": removed})
    return removed


@transaction.atomic
def lockout_lift(*, actor, user) -> int:
    """Lift django-axes' lock-out of this username (every IP)."""
    from axes.utils import reset

    count = reset(username=user.get_username())
    audit_record(actor=actor, action="auth.unlocked", obj=user, after={"attempts_cleared": count})
    return count
