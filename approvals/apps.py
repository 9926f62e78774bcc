from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from approvals import receivers  # noqa: F401 - reacts to the approval clocks' signals
        from approvals.overview import section
        from coordination.overview.registry import register

        register("approvals", section, order=10)
