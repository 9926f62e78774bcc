"""Issuing and revoking API credentials.

A credential is `<prefix>.<secret>`: the prefix (12 hex characters) is public and finds the row;
the secret (32 random bytes, URL-safe base64) is shown once and only its SHA-256 is stored. A
secret this long cannot be guessed or brute-forced from its hash, so a slow password hash would
only cost time on every call (docs/data-exchange.md).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.actions import register_actions
from portal.audit.services import audit_record, snapshot
from portal.errors import Conflict, DomainError
from sharing.models import Agreement

from .. import conf, permissions
from ..models import ApiCredential

register_actions(
    {"credential.issue": _("API credential issued"), "credential.revoke": _("API credential revoked")}
)
FIELDS = ["label", "prefix", "expires_on", "revoked_at", "revoke_reason"]


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_token(token: str) -> tuple[str, str] | None:
    prefix, dot, secret = token.strip().partition(".")
    if not dot or not prefix or not secret or len(prefix) > 16:
        return None
    return prefix, secret


def find_credential(token: str) -> ApiCredential | None:
    """The credential the token names, if its secret matches (constant-time comparison)."""
    parts = split_token(token)
    if parts is None:
        return None
    prefix, secret = parts
    credential = ApiCredential.objects.select_related("agreement").filter(prefix=prefix).first()
    if credential is None or not hmac.compare_digest(credential.secret_hash, hash_secret(secret)):
        return None
    return credential


@transaction.atomic
def credential_issue(
    *, actor, agreement: Agreement, label: str, expires_on: datetime.date | None = None
) -> tuple[ApiCredential, str]:
    """A new credential and its token (`prefix.secret`), which is never shown again."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if not permissions.can_issue_credential(actor, agreement):
        raise PermissionDenied(
            _("Only the consumer's data stewards may issue credentials for this agreement.")
        )
    today = timezone.localdate()
    if agreement.status != "active" or agreement.valid_until < today:
        raise Conflict(_("Credentials can be issued only for an active agreement."))
    label = (label or "").strip()
    if not label:
        raise DomainError(_("Name the system that will use the credential."), field="label")
    latest = agreement.valid_until
    expires_on = expires_on or min(latest, today + datetime.timedelta(days=conf.credential_days()))
    if expires_on > latest:
        raise DomainError(
            _("A credential cannot outlive its agreement (valid until %(day)s).") % {"day": latest},
            field="expires_on",
        )
    if expires_on < today:
        raise DomainError(_("The expiry date has passed."), field="expires_on")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    credential = ApiCredential.objects.create(
        agreement=agreement,
        label=label[:100],
        prefix=prefix,
        secret_hash=hash_secret(secret),
        expires_on=expires_on,
        issued_by=actor,
    )
    audit_record(actor=actor, action="credential.issue", obj=credential, after=snapshot(credential, FIELDS))
    return credential, f"{prefix}.{secret}"


@transaction.atomic
def credential_revoke(*, actor, credential: ApiCredential, reason: str) -> ApiCredential:
    credential = ApiCredential.objects.select_for_update().select_related("agreement").get(pk=credential.pk)
    if not permissions.can_revoke_credential(actor, credential):
        raise PermissionDenied(_("You may not revoke this credential."))
    if credential.revoked_at is not None:
        raise Conflict(_("This credential is already revoked."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason."), field="reason")
    before = snapshot(credential, FIELDS)
    credential.revoked_at, credential.revoked_by, credential.revoke_reason = timezone.now(), actor, reason
    credential.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        actor=actor,
        action="credential.revoke",
        obj=credential,
        before=before,
        after=snapshot(credential, FIELDS),
    )
    return credential
