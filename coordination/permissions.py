"""Who may see and change the organisation chart. The one place that says so.

Officials see the whole chart (it is how they find each other); applicants, intermediaries
and evaluators do not. Only admins change it: superusers, or staff granted the model
permissions in Django admin.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from portal.models import UserKind


def is_official(user) -> bool:
    """An active government official's account (or a superuser)."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.kind == UserKind.OFFICIAL)
    )


def can_view_chart(user) -> bool:
    return is_official(user)


def can_edit_chart(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (
            user.is_superuser
            or (
                user.is_staff
                and user.has_perms(
                    [
                        "coordination.add_orgunit",
                        "coordination.change_orgunit",
                    ]
                )
            )
        )
    )


def can_delete_units(user) -> bool:
    return can_edit_chart(user) and user.has_perm("coordination.delete_orgunit")


class ChartPermission(BasePermission):
    """API: officials read; admins write."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return can_view_chart(request.user)
        if request.method == "DELETE":
            return can_delete_units(request.user)
        return can_edit_chart(request.user)


def sees_whole_programme(user) -> bool:
    """Who steers the whole programme and therefore sees all of it (matters, the city overview).

    Superusers; officials holding the smart-city office's coordinator role in an active position;
    and officials holding a seat in a leading group (its co-leaders, deputies, members and office
    director). Everyone else sees what their own units lead or take part in.
    """
    if not can_view_chart(user):
        return False
    if user.is_superuser:
        return True
    from coordination.models import LeadingGroupMember, Position, RoleCode

    return (
        Position.objects.filter(user=user, active=True, roles__code=RoleCode.OFFICE_COORDINATOR).exists()
        or LeadingGroupMember.objects.filter(user=user).exists()
    )
