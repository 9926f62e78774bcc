from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Platform")

    def ready(self):
        from portal import pii  # noqa: F401  (registers the personal-data key check)
