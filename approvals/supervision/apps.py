from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "approvals.supervision"
    label = "supervision"
    verbose_name = _("Electronic supervision")

    def ready(self):
        from approvals.supervision import receivers  # noqa: F401 - reacts to clock signals
