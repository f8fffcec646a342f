from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已复核")
    DEPLOYED = "deployed", _("已上线")
    RETIRED = "retired", _("已下线")


class StabilityLevelChoice(models.TextChoices):
    STABLE = "stable", _("稳定")
    WARN = "warn", _("预警")
    ALERT = "alert", _("告警")
