from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "approvals.results"
    label = "results"
    verbose_name = _("Certificates and public results")

    def ready(self):
        from approvals.results import receivers  # noqa: F401 - publishes grants, revokes certificates
