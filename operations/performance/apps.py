from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "operations.performance"
    label = "performance"
    verbose_name = _("PPP performance and payment")

    def ready(self):
        from operations import ocds

        from . import ocds as performance_ocds

        ocds.register_contract_hook(performance_ocds.add_performance)
