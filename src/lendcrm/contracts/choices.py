from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractStatus(models.TextChoices):
    GENERATED = "generated", _("已生成")
    LENDER_SIGNED = "lender_signed", _("待客户签署")
    CUSTOMER_SIGNED = "customer_signed", _("签约完成")
    CANCELLED = "cancelled", _("已作废")


class SignatureParty(models.TextChoices):
    LENDER = "lender", _("贷款人")
    CUSTOMER = "customer", _("借款人")


class SignatureMethod(models.TextChoices):
    PADES = "pades", _("PAdES 数字签名")
    CLICK_TO_SIGN = "click_to_sign", _("点击确认签署")
