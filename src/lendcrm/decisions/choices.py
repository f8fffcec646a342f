from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StrategyVersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待复核")
    APPROVED = "approved", _("已复核")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已下线")


class DeploymentMode(models.TextChoices):
    SPLIT = "split", _("分流")
    SHADOW = "shadow", _("影子")


class DecisionArm(models.TextChoices):
    CHAMPION = "champion", _("冠军")
    CHALLENGER = "challenger", _("挑战者")
    SHADOW = "shadow", _("影子")


class DecisionOutcome(models.TextChoices):
    APPROVE = "approve", _("通过")
    MANUAL_REVIEW = "manual_review", _("人工审核")
    DECLINE = "decline", _("拒绝")


class ListType(models.TextChoices):
    BLACK = "black", _("黑名单")
    GRAY = "gray", _("灰名单")


class ListEntryKind(models.TextChoices):
    ID_NUMBER = "id_number", _("身份证号")
    MOBILE = "mobile", _("手机号")
    DEVICE = "device", _("设备指纹")
    BANK_CARD = "bank_card", _("银行卡号")
