from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "lendcrm.sales"
    label = "sales"
    verbose_name = _("销售跟进")
