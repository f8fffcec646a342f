from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductKind(models.TextChoices):
    SINGLE_LOAN = "single_loan", _("单笔单贷")
    REVOLVING = "revolving", _("循环额度")


class RepaymentMethod(models.TextChoices):
    EQUAL_INSTALLMENT = "equal_installment", _("等额本息")
    EQUAL_PRINCIPAL = "equal_principal", _("等额本金")
    INTEREST_FIRST = "interest_first", _("先息后本")
    BULLET = "bullet", _("一次性还本付息")
