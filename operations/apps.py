from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = _("PPP operations")

    def ready(self):
        from coordination.overview.registry import register
        from operations.overview import section

        register("ppp", section, order=30)
