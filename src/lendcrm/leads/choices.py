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


class ChannelKeyScope(models.TextChoices):
    """What a channel's API key may do (checked by leads.services.authenticate_channel_key)."""

    LEADS_CREATE = "leads:create", _("推送单条线索")
    LEADS_BULK = "leads:bulk", _("批量推送线索")


class CaptureOutcome(models.TextChoices):
    CREATED = "created", _("已创建")
    DUPLICATE = "duplicate", _("撞单")
    REJECTED = "rejected", _("已拒收")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("等待中")
    RUNNING = "running", _("导入中")
    COMPLETED = "completed", _("已完成")
    FAILED = "failed", _("失败")


class AssignmentStrategy(models.TextChoices):
    ROUND_ROBIN = "round_robin", _("轮询")
    WEIGHTED = "weighted", _("按权重")
    REGION = "region", _("按地区")


class AssignmentReason(models.TextChoices):
    ARRIVAL = "arrival", _("新线索分配")
    SLA_BREACH = "sla_breach", _("首呼超时改派")
    MANUAL = "manual", _("手工改派")
    DUPLICATE = "duplicate", _("撞单归属原跟进人")


class BlacklistKind(models.TextChoices):
    MOBILE = "mobile", _("手机号")
    ID_NUMBER = "id_number", _("身份证号")
