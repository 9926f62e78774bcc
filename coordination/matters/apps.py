from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattersConfig(AppConfig):
    name = "coordination.matters"
    label = "matters"
    verbose_name = _("Coordination matters and meetings")
