from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClocksConfig(AppConfig):
    name = "portal.clocks"
    label = "clocks"
    verbose_name = _("Clocks and deadlines")

    def ready(self):
        pass  # TEMP: receivers connect once the calendar's signal exists
