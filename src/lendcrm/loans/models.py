from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lendcrm.core.models import TimeStampedModel
from lendcrm.loans.choices import ProductKind, RepaymentMethod


class Product(TimeStampedModel):
    """A loan product (贷款产品): what may be borrowed, for how long, at what price."""

    code = models.CharField(_("产品编码"), max_length=40, unique=True)
    name = models.CharField(_("产品名称"), max_length=100)
    kind = models.CharField(_("产品类型"), max_length=16, choices=ProductKind.choices)
    min_amount = models.DecimalField(_("最低金额"), max_digits=12, decimal_places=2)
    max_amount = models.DecimalField(_("最高金额"), max_digits=12, decimal_places=2)
    terms = models.JSONField(_("可选期数"), default=list)
    min_rate = models.DecimalField(_("最低年利率"), max_digits=6, decimal_places=4)
    max_rate = models.DecimalField(_("最高年利率"), max_digits=6, decimal_places=4)
    repayment_methods = models.JSONField(_("还款方式"), default=list)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("贷款产品")
        verbose_name_plural = _("贷款产品")

    def __str__(self) -> str:
        return self.name

    @property
    def method_labels(self) -> list[str]:
        return [str(RepaymentMethod(m).label) for m in self.repayment_methods]
