from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClocksConfig(AppConfig):
    name = "portal.clocks"
    label = "clocks"
    verbose_name = _("Clocks and deadlines")

    def ready(self):
        from portal.clocks import receivers  # noqa: F401 - connects to the calendar's change signal
