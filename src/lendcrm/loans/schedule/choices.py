"""Options of the schedule engine, and its input error."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lendcrm.core.errors import DomainError


class InterestConvention(models.TextChoices):
    MONTHLY_30_360 = "monthly_30_360", _("按月计息（年利率/12）")
    ACTUAL_365 = "actual_365", _("按日计息（实际天数/365）")


class PrepaymentMode(models.TextChoices):
    KEEP_TERM = "keep_term", _("期限不变，减少月供")
    KEEP_INSTALLMENT = "keep_installment", _("月供不变，缩短期限")


class ScheduleInputError(DomainError):
    """An argument the schedule cannot be built from; `field` names it."""

    status_code = 422
