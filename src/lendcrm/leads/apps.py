from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "lendcrm.leads"
    label = "leads"
    verbose_name = _("线索")
