"""Logins, logouts, failures and lock-outs go to the audit trail (portal.audit).

Only those made through an HTTP request: a login() from code without one (the test client's
force_login, a management command) is no one's login at the door.

After a password login the session remembers whether a second factor is still owed (the user
must use two-factor, or chose to); TwoFactorMiddleware holds the session to the 2FA pages until
it is given.
"""

import time

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from portal.audit.services import audit_record

from .rules import has_confirmed_device, two_factor_required

SESSION_PENDING = "security_2fa_pending"
# When an official's session last saw a request (epoch seconds); set at login, so the first
# requests after it write nothing (IdleTimeoutMiddleware refreshes it at most every 30 s).
SESSION_LAST_SEEN = "security_last_seen"
USERNAME_MAX = 150


def _over_http(request) -> bool:
    """A login through an HTTP request (not the test client's force_login or a script's login())."""
    return request is not None and bool(getattr(request, "META", {}).get("REQUEST_METHOD"))


def _user_named(username):
    if not username:
        return None
    return get_user_model()._default_manager.filter(username=str(username)[:USERNAME_MAX]).first()


@receiver(user_logged_in, dispatch_uid="security_user_logged_in")
def on_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        if user.is_staff or user.is_superuser or getattr(user, "is_official", False):
            request.session[SESSION_LAST_SEEN] = int(time.time())
        if two_factor_required(user) or has_confirmed_device(user):
            request.session[SESSION_PENDING] = True
        else:
            request.session.pop(SESSION_PENDING, None)
    if not _over_http(request):
        return
    with transaction.atomic():
        audit_record(actor=user, action="auth.login", obj=user)


@receiver(user_logged_out, dispatch_uid="security_user_logged_out")
def on_logged_out(sender, request, user, **kwargs):
    if user is None or not _over_http(request):
        return
    with transaction.atomic():
        audit_record(actor=user, action="auth.logout", obj=user, reason=getattr(request, "logout_reason", ""))


@receiver(user_login_failed, dispatch_uid="security_user_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    if not _over_http(request):
        return
    username = str(credentials.get("username") or "")[:USERNAME_MAX]
    user = _user_named(username)
    with transaction.atomic():
        audit_record(actor=None, action="auth.login_failed", obj=user, after={"username": username})


@receiver(user_locked_out, dispatch_uid="security_user_locked_out")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    username = str(username or "")[:USERNAME_MAX]
    with transaction.atomic():
        audit_record(
            actor=None,
            action="auth.locked_out",
            obj=_user_named(username),
            after={"username": username, "ip": ip_address},
        )
