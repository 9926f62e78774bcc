"""Who must use two-factor authentication.

The rule is a setting (TWO_FACTOR_RULE, a dotted path to `rule(user) -> bool`) so the platform
need not import the apps that know about roles: the default lives in coordination.security
(admins and supervisors). `default_rule` is the platform's own part (staff and superusers).
"""

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string


def default_rule(user) -> bool:
    return bool(user.is_staff or user.is_superuser)


@lru_cache(maxsize=8)
def _load(path: str):
    return import_string(path) if path else default_rule


def two_factor_required(user) -> bool:
    """True when the enforcement switch is on and the rule names this user."""
    if not (user and user.is_authenticated):
        return False
    if not getattr(settings, "TWO_FACTOR_REQUIRED", True):
        return False
    return bool(_load(getattr(settings, "TWO_FACTOR_RULE", ""))(user))


def has_confirmed_device(user) -> bool:
    from django_otp import devices_for_user

    return any(True for _ in devices_for_user(user, confirmed=True))
