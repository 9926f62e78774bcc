from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = _("Data sharing")

    def ready(self):
        from coordination.overview.registry import register
        from sharing.overview import section

        register("sharing", section, order=20)
