"""The vocabulary of approval chains (审批流): levels, node kinds, statuses and actions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lendcrm.identity.choices import Role


class ApprovalLevel(models.TextChoices):
    """The levels of the chain; each is held by the identity role of the same code."""

    REVIEWER = "reviewer", _("信审员")
    REVIEW_SUPERVISOR = "review_supervisor", _("信审主管")
    REVIEW_DIRECTOR = "review_director", _("信审总监")
    COMMITTEE = "committee", _("贷审会")


LEVEL_ROLES: dict[str, Role] = {
    ApprovalLevel.REVIEWER: Role.REVIEWER,
    ApprovalLevel.REVIEW_SUPERVISOR: Role.REVIEW_SUPERVISOR,
    ApprovalLevel.REVIEW_DIRECTOR: Role.REVIEW_DIRECTOR,
    ApprovalLevel.COMMITTEE: Role.COMMITTEE,
}


class NodeKind(models.TextChoices):
    SINGLE = "single", _("单人审批")
    ALL_OF = "all_of", _("会签")  # every assigned approver must approve
    ANY_OF = "any_of", _("或签")  # the first approval decides, the others are cancelled


class InstanceStatus(models.TextChoices):
    OPEN = "open", _("审批中")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已拒绝")
    RETURNED = "returned", _("已退回")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待审批")
    APPROVED = "approved", _("已同意")
    REJECTED = "rejected", _("已拒绝")
    RETURNED = "returned", _("已退回")
    CANCELLED = "cancelled", _("已取消")


class ActionKind(models.TextChoices):
    SUBMIT = "submit", _("提交审批")  # the reviewer's opinion that starts the chain
    APPROVE = "approve", _("同意")
    REJECT = "reject", _("拒绝")
    RETURN = "return", _("退回补件")


# What an approver may do on a task (the reviewer's SUBMIT is not one of them).
TASK_ACTIONS: tuple[str, ...] = (ActionKind.APPROVE, ActionKind.REJECT, ActionKind.RETURN)
