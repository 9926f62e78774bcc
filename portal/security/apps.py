from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "portal.security"
    label = "portal_security"
    verbose_name = _("Security")

    def ready(self):
        from portal.audit.actions import register_actions

        from . import signals  # noqa: F401 - connects the login / logout / lock-out receivers

        register_actions(
            {
                "auth.login": _("Logged in"),
                "auth.logout": _("Logged out"),
                "auth.login_failed": _("Login failed"),
                "auth.locked_out": _("Login locked out after repeated failures"),
                "auth.unlocked": _("Login lock-out lifted"),
                "auth.otp_enrolled": _("Two-factor authentication enrolled"),
                "auth.otp_verified": _("Two-factor code verified"),
                "auth.otp_failed": _("Two-factor code refused"),
                "auth.otp_reset": _("Two-factor devices reset"),
            }
        )
