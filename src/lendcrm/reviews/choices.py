from django.db import models
from django.utils.translation import gettext_lazy as _

from lendcrm.identity.choices import Role


class ReviewTaskStatus(models.TextChoices):
    """OPEN is the pool (no assignee); CLAIMED is held by a reviewer (claimed, assigned by
    rule or reassigned by a supervisor); DONE once the opinion is recorded."""

    OPEN = "open", _("待领取")
    CLAIMED = "claimed", _("处理中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


ACTIVE_TASK_STATUSES = (ReviewTaskStatus.OPEN, ReviewTaskStatus.CLAIMED)


class ReviewLevel(models.TextChoices):
    """Reviewer levels, lowest first; the values are the identity roles."""

    REVIEWER = Role.REVIEWER.value, _("信审员")
    REVIEW_SUPERVISOR = Role.REVIEW_SUPERVISOR.value, _("信审主管")
    REVIEW_DIRECTOR = Role.REVIEW_DIRECTOR.value, _("信审总监")


LEVEL_ORDER: dict[str, int] = {
    ReviewLevel.REVIEWER: 1,
    ReviewLevel.REVIEW_SUPERVISOR: 2,
    ReviewLevel.REVIEW_DIRECTOR: 3,
}


def roles_at_or_above(level: str) -> list[str]:
    """The role codes whose level is at least `level`."""
    floor = LEVEL_ORDER[level]
    return [code for code, rank in LEVEL_ORDER.items() if rank >= floor]


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("建议通过")
    DECLINE = "decline", _("建议拒绝")
    RETURN = "return", _("退回补件")


class RiskPoint(models.TextChoices):
    """Risk points a reviewer can tick (风险点); free text goes beside them."""

    INCOME_UNVERIFIED = "income_unverified", _("收入无法核实")
    HIGH_DEBT_RATIO = "high_debt_ratio", _("负债率偏高")
    MULTI_LENDING = "multi_lending", _("多头借贷")
    BUREAU_OVERDUE = "bureau_overdue", _("征信有逾期")
    FREQUENT_INQUIRIES = "frequent_inquiries", _("征信查询频繁")
    IDENTITY_MISMATCH = "identity_mismatch", _("身份信息不一致")
    EMPLOYER_UNVERIFIED = "employer_unverified", _("单位信息无法核实")
    CONTACT_UNREACHABLE = "contact_unreachable", _("联系人无法联系")
    PURPOSE_UNCLEAR = "purpose_unclear", _("借款用途不明")
    FRAUD_SUSPECTED = "fraud_suspected", _("疑似欺诈")
    DOCUMENTS_INCOMPLETE = "documents_incomplete", _("资料不全")


class CallTarget(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    EMERGENCY_CONTACT = "emergency_contact", _("紧急联系人")
    EMPLOYER = "employer", _("工作单位")


class CallOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("信息核实一致")
    MISMATCH = "mismatch", _("信息不一致")
    NO_ANSWER = "no_answer", _("无人接听")
    REFUSED = "refused", _("拒绝配合")
