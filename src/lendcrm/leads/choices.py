from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelKind(models.TextChoices):
    WEBSITE = "website", _("官网")
    H5 = "h5", _("H5落地页")
    APP = "app", _("APP")
    MARKETPLACE = "marketplace", _("贷款超市")
    OFFLINE = "offline", _("线下活动")
    REFERRAL = "referral", _("转介绍")


class LeadStatus(models.TextChoices):
    NEW = "new", _("新线索")
    CONTACTED = "contacted", _("已联系")
    INTERESTED = "interested", _("初步意向")
    PREPARING = "preparing", _("准备材料")
    APPLIED = "applied", _("已提交申请")
    REJECTED = "rejected", _("已拒单")
    DISBURSED = "disbursed", _("已放款")
    INVALID = "invalid", _("无效")
