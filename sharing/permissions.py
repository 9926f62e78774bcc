"""Who may see and do what in data sharing. The one place that says so.

- A **data steward** is an official holding an active position with the `data_steward` role.
  A unit's stewards maintain the unit's catalogue entries, request data for the unit, review
  requests addressed to it as provider, and see the requests and agreements the unit is party to.
- The **data authority** (数据主管部门) is every unit flagged by a `DataAuthority` row (demo: 云溪市大数据局
  `yx-data`). Its data stewards approve catalogue entries, check requests, coordinate disputes and
  see every request and agreement.
- Any official may browse the published catalogue; the public sees open resources only.

Object reads go through `sharing.selectors`, which apply the same rules in SQL; an object the
user may not see answers 404, a page the user may not use answers 403.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from portal.models import UserKind

STEWARD = "data_steward"


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_official(user) -> bool:
    return _active(user) and (user.is_superuser or user.kind == UserKind.OFFICIAL)


def steward_unit_ids(user) -> set[int]:
    """The units in which the user is a data steward (cached on the user object)."""
    if not _active(user):
        return set()
    cached = getattr(user, "_sharing_steward_units", None)
    if cached is None:
        from coordination.models import Position

        cached = set(
            Position.objects.filter(user=user, active=True, roles__code=STEWARD).values_list(
                "unit_id", flat=True
            )
        )
        user._sharing_steward_units = cached
    return cached


def authority_unit_ids() -> set[int]:
    from sharing.models import DataAuthority

    return set(DataAuthority.objects.values_list("unit_id", flat=True))


def is_data_authority(user) -> bool:
    """A data steward of a unit flagged as data authority."""
    if not _active(user):
        return False
    cached = getattr(user, "_sharing_is_authority", None)
    if cached is None:
        cached = bool(steward_unit_ids(user) & authority_unit_ids())
        user._sharing_is_authority = cached
    return cached


def is_steward(user) -> bool:
    return bool(steward_unit_ids(user))


def stewards_of(unit_ids) -> list:
    """Active users holding the steward role in any of the units."""
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            positions__active=True,
            positions__unit_id__in=list(unit_ids),
            positions__roles__code=STEWARD,
        )
        .distinct()
        .order_by("pk")
    )


def authority_stewards() -> list:
    return stewards_of(authority_unit_ids())


# -- Catalogue --------------------------------------------------------------------------------------


def can_browse_catalogue(user) -> bool:
    return is_official(user)


def can_maintain(user, resource) -> bool:
    """The provider's stewards edit, submit, publish and withdraw their own resources."""
    return resource.provider_id in steward_unit_ids(user)


def can_create_resource(user, provider) -> bool:
    return provider.pk in steward_unit_ids(user)


def can_approve_resource(user, resource=None) -> bool:
    return is_data_authority(user)


def can_import(user) -> bool:
    return is_steward(user)


# -- Requests ---------------------------------------------------------------------------------------


def can_request_for(user, consumer) -> bool:
    return consumer.pk in steward_unit_ids(user)


def can_edit_request(user, request) -> bool:
    return request.consumer_id in steward_unit_ids(user)


def can_review_as_provider(user, request) -> bool:
    return request.resource.provider_id in steward_unit_ids(user)


def can_see_request(user, request) -> bool:
    units = steward_unit_ids(user)
    return is_data_authority(user) or request.consumer_id in units or request.resource.provider_id in units


def request_responsible(request) -> list:
    """Who must act next on a request (told by its clocks)."""
    from sharing.models import RequestStatus

    if request.status in (
        RequestStatus.SUBMITTED,
        RequestStatus.AUTHORITY_REVIEW,
        RequestStatus.COORDINATION,
    ):
        return authority_stewards()
    if request.status == RequestStatus.PROVIDER_REVIEW:
        return stewards_of([request.resource.provider_id])
    if request.status == RequestStatus.NEGOTIATION:
        return stewards_of([request.resource.provider_id, request.consumer_id])
    return stewards_of([request.consumer_id])


# -- Agreements -------------------------------------------------------------------------------------


def can_see_agreements(user) -> bool:
    return is_data_authority(user) or is_steward(user)


def can_manage_agreement(user, agreement) -> bool:
    """Suspend / resume / revoke / renew: the provider's stewards and the data authority."""
    return is_data_authority(user) or agreement.provider_id in steward_unit_ids(user)
