"""Who must use two-factor authentication (settings.TWO_FACTOR_RULE): admins and supervisors.

Supervisors are officials holding the `supervisor` role in an active position (the same role
approvals.permissions.is_supervisor reads); the rule lives here because the platform may not
import coordination, and coordination may not import approvals.
"""

from portal.security.rules import default_rule

TWO_FACTOR_ROLES = ("supervisor",)


def requires_two_factor(user) -> bool:
    if default_rule(user):
        return True
    from coordination.models import Position

    return Position.objects.filter(user=user, active=True, roles__code__in=TWO_FACTOR_ROLES).exists()
