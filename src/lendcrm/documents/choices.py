from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    ID_FRONT = "id_front", _("身份证人像面")
    ID_BACK = "id_back", _("身份证国徽面")
    BANK_CARD = "bank_card", _("银行卡")
    CREDIT_REPORT = "credit_report", _("征信报告")
    INCOME_PROOF = "income_proof", _("收入证明")
    SOCIAL_SECURITY = "social_security", _("社保截图")
    HOUSING_FUND = "housing_fund", _("公积金截图")


# ID card sides are read by OCR on upload; only these kinds may be PDFs (multi-page documents).
ID_CARD_KINDS = frozenset({DocumentKind.ID_FRONT, DocumentKind.ID_BACK})
PDF_KINDS = frozenset({DocumentKind.CREDIT_REPORT, DocumentKind.INCOME_PROOF})


class OcrStatus(models.TextChoices):
    NOT_APPLICABLE = "", _("不适用")
    PENDING = "pending", _("识别中")
    OK = "ok", _("已识别")
    NOTHING_READ = "nothing_read", _("未能识别")
    FAILED = "failed", _("识别失败")
