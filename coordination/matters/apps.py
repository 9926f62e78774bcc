from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattersConfig(AppConfig):
    name = "coordination.matters"
    label = "matters"
    verbose_name = _("Coordination matters and meetings")

    def ready(self):
        from coordination.overview import registry

        from . import receivers  # noqa: F401 - escalates on the clock's red signal
        from .overview import matters_section

        registry.register("coordination", matters_section, order=40)
