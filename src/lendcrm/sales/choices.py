from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskKind(models.TextChoices):
    FIRST_CALL = "first_call", _("首呼")
    FOLLOW_UP = "follow_up", _("二次跟进")
    CALLBACK = "callback", _("约定回访")
    COLLECT_DOCUMENTS = "collect_documents", _("收集材料")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待办")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")
    ESCALATED = "escalated", _("已升级")


class TaskEvent(models.TextChoices):
    LEAD_ASSIGNED = "lead_assigned", _("线索分配后")
    FOLLOW_UP_LOGGED = "follow_up_logged", _("记录跟进后")
    NO_APPLICATION_AFTER = "no_application_after", _("分配后仍未提交申请")


class FollowUpChannel(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")
    VISIT = "visit", _("上门拜访")


class FollowUpResult(models.TextChoices):
    CONNECTED = "connected", _("已接通")
    CALLBACK = "callback", _("约定回访")
    NO_ANSWER = "no_answer", _("无人接听")
    BUSY = "busy", _("占线")
    WRONG_NUMBER = "wrong_number", _("空号/错号")
    REFUSED = "refused", _("拒绝")


# Results in which we actually spoke with the person: the first one moves NEW → CONTACTED.
CONTACT_RESULTS = frozenset(
    {FollowUpResult.CONNECTED, FollowUpResult.CALLBACK, FollowUpResult.REFUSED}
)
REFUSAL_RESULTS = frozenset({FollowUpResult.REFUSED})


class IntentLevel(models.TextChoices):
    A = "A", _("A 高意向")
    B = "B", _("B 中意向")
    C = "C", _("C 低意向")
    D = "D", _("D 无意向")


POSITIVE_INTENTS = frozenset({IntentLevel.A, IntentLevel.B})


class ScriptKind(models.TextChoices):
    SCRIPT = "script", _("话术")
    FAQ = "faq", _("常见问题")
    OBJECTION = "objection", _("异议处理")


class FunnelGroup(models.TextChoices):
    TEAM = "team", _("团队")
    OWNER = "owner", _("电销顾问")
    CHANNEL = "channel", _("渠道")
    CAMPAIGN = "campaign", _("活动")
