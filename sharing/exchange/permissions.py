"""Who may do what in the exchange (built on sharing.permissions' roles).

- The provider's data stewards load records (upload or API push), handle objections and see who
  used their data.
- The consumer's data stewards issue and revoke credentials for their agreements, file objections,
  see their own calls and start a return-flow sync of a downward agreement.
- The data authority sees every call, run and objection and the whole dashboard.
"""

from __future__ import annotations

from sharing import permissions as sp


def steward_units(user) -> set[int]:
    return sp.steward_unit_ids(user)


def sees_everything(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or sp.is_data_authority(user)))


def can_load_records(user, resource) -> bool:
    return resource.provider_id in steward_units(user)


def can_issue_credential(user, agreement) -> bool:
    return agreement.consumer_id in steward_units(user)


def can_revoke_credential(user, credential) -> bool:
    agreement = credential.agreement
    return sees_everything(user) or bool({agreement.consumer_id, agreement.provider_id} & steward_units(user))


def can_file_objection(user, agreement) -> bool:
    return agreement.consumer_id in steward_units(user)


def can_handle_objection(user, objection) -> bool:
    return objection.agreement.provider_id in steward_units(user)


def can_sync_return_flow(user, agreement) -> bool:
    return sees_everything(user) or bool({agreement.consumer_id, agreement.provider_id} & steward_units(user))


def can_use_exchange(user) -> bool:
    return sees_everything(user) or sp.is_steward(user)
