from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "lendcrm.documents"
    label = "documents"
    verbose_name = _("资料与证照识别")
