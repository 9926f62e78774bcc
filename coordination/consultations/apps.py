from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "coordination.consultations"
    label = "consultations"
    verbose_name = _("Public consultations")

    def ready(self):
        from coordination.overview import registry

        from . import services  # noqa: F401 - registers the audit action labels
        from .overview import consultations_section

        registry.register("participation", consultations_section, order=50)
