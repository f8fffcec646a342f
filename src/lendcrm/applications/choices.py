from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    MANUAL_REVIEW = "manual_review", _("人工审核")
    IN_APPROVAL = "in_approval", _("审批中")
    RETURNED = "returned", _("退回补件")
    APPROVED = "approved", _("已批准")
    DECLINED = "declined", _("已拒绝")
    CANCELLED = "cancelled", _("已取消")
    SIGNED = "signed", _("已签约")
    DISBURSED = "disbursed", _("已放款")


class ApplicationSource(models.TextChoices):
    ASSISTED = "assisted", _("客户经理代录")
    H5 = "h5", _("客户自助（H5）")
    API = "api", _("接口")
