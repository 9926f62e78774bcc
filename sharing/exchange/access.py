"""The pull API's authorisation: every call re-checks the credential and its agreement.

`authorise_pull` returns a `Grant` or raises `Refused(status, code, message)`. The view writes one
access-log row for every call either way (`chain.append`), so the reasons below are what the log's
`outcome` column holds.

| outcome | status | when |
|---|---|---|
| credential_required | 401 | no `Authorization: Bearer <prefix>.<secret>` |
| invalid_credential | 401 | unknown prefix or wrong secret |
| credential_revoked / credential_expired | 401 | the credential was revoked / is past its expiry |
| purpose_required / end_user_required | 400 | `X-Purpose` / `X-End-User` missing |
| resource_not_found | 404 | no resource with that code |
| consumer_mismatch | 403 | `X-Consumer` names another unit than the credential's consumer |
| no_agreement | 403 | the consumer has no agreement at all for this resource |
| wrong_resource | 403 | the credential's agreement is for another resource |
| agreement_suspended, _revoked, _expired, | 403 | the agreement is not usable today |
| _superseded, _not_yet_valid | | |
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from sharing.models import Agreement, DataResource

from .models import ApiCredential, DataRecord, Objection
from .models.objections import DISPUTED_STATES


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, str(message)


@dataclass
class Grant:
    credential: ApiCredential
    agreement: Agreement
    resource: DataResource
    item_codes: list[str]
    key_code: str


def authorise_pull(
    *,
    credential: ApiCredential | None,
    resource_code: str,
    purpose: str,
    end_user: str,
    consumer_code: str = "",
    today: datetime.date,
    context: dict,
) -> Grant:
    """Check everything a pull needs; fill `context` (what the log records) as facts become known."""
    if credential is None:
        raise Refused(
            401, "credential_required", _("Send a credential: Authorization: Bearer <prefix>.<secret>.")
        )
    agreement = credential.agreement
    context.update(
        credential_id=credential.pk,
        agreement_id=agreement.pk,
        consumer_id=agreement.consumer_id,
    )
    if credential.revoked_at is not None:
        raise Refused(401, "credential_revoked", _("This credential was revoked."))
    if today > credential.expires_on:
        raise Refused(
            401,
            "credential_expired",
            _("This credential expired on %(day)s.") % {"day": credential.expires_on},
        )
    if not purpose.strip():
        raise Refused(400, "purpose_required", _("Send the purpose or case number in the X-Purpose header."))
    if not end_user.strip():
        raise Refused(400, "end_user_required", _("Send the end user in the X-End-User header."))
    resource = DataResource.objects.filter(code=resource_code).first()
    if resource is None:
        raise Refused(
            404, "resource_not_found", _("No resource has the code %(code)s.") % {"code": resource_code}
        )
    # The provider of the data asked for: it sees the attempt, whichever agreement the key is for.
    context.update(resource_id=resource.pk, provider_id=resource.provider_id)
    if consumer_code and consumer_code != agreement.consumer.code:
        raise Refused(403, "consumer_mismatch", _("This credential belongs to another consumer."))
    if agreement.resource_id != resource.pk:
        has_any = Agreement.objects.filter(consumer_id=agreement.consumer_id, resource=resource).exists()
        if not has_any:
            raise Refused(403, "no_agreement", _("Your unit has no agreement for this resource."))
        raise Refused(
            403,
            "wrong_resource",
            _("This credential is for resource %(code)s; use the credential of the agreement for this one.")
            % {"code": agreement.resource.code},
        )
    if agreement.status != "active":
        raise Refused(
            403,
            f"agreement_{agreement.status}",
            _("The agreement %(number)s is %(status)s.")
            % {"number": agreement.number, "status": agreement.get_status_display().lower()},
        )
    if today < agreement.valid_from:
        raise Refused(
            403,
            "agreement_not_yet_valid",
            _("The agreement is valid from %(day)s.") % {"day": agreement.valid_from},
        )
    if today > agreement.valid_until:
        raise Refused(
            403, "agreement_expired", _("The agreement ended on %(day)s.") % {"day": agreement.valid_until}
        )
    key_code = resource.items.filter(is_key=True).values_list("code", flat=True).first() or ""
    return Grant(credential, agreement, resource, agreement.approved_item_codes(), key_code)


def records_queryset(grant: Grant):
    """The resource's records in id order, with `disputed` (an objection has marked them)."""
    disputed = Objection.objects.filter(record=OuterRef("pk"), state__in=DISPUTED_STATES)
    return (
        DataRecord.objects.filter(resource=grant.resource)
        .annotate(disputed=Exists(disputed))
        .order_by("id")
        .only("id", "key", "data", "version", "updated_at")
    )


def project(record, grant: Grant) -> dict:
    """What a consumer sees of a record: only the approved items (the key only if it is one)."""
    codes = grant.item_codes
    return {
        "id": record.pk,
        "key": record.key if grant.key_code in codes else None,
        "version": record.version,
        "updated_at": record.updated_at.isoformat(),
        "disputed": bool(record.disputed),
        "data": {code: record.data.get(code) for code in codes},
    }
