from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntermediariesConfig(AppConfig):
    name = "approvals.intermediaries"
    label = "intermediaries"
    verbose_name = _("Intermediary services market")
