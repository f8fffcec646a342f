"""Approval chains (审批流): configuration (chains, nodes, routing matrix), running instances
with their tasks and action history, and delegations while away."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lendcrm.approvals.choices import (
    ActionKind,
    ApprovalLevel,
    InstanceStatus,
    NodeKind,
    TaskStatus,
)
from lendcrm.core.models import TimeStampedModel
from lendcrm.identity.scoping import ScopeFields
from lendcrm.loans.choices import RepaymentMethod

# Approvals are scoped by their application's owner, team and branch.
_BY_APPLICATION = ScopeFields(
    owner="application__owner", team="application__team", branch="application__branch"
)


class ApprovalChain(TimeStampedModel):
    """An ordered list of approval nodes (审批流), chosen for an application by the routing matrix."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("审批流")
        verbose_name_plural = _("审批流")
        ordering = ("code",)

    def __str__(self) -> str:
        return self.name


class ApprovalNode(models.Model):
    """One step of a chain: a level, a kind (single, countersign, any-one) and how many approvers."""

    chain = models.ForeignKey(
        ApprovalChain, verbose_name=_("审批流"), on_delete=models.CASCADE, related_name="nodes"
    )
    position = models.PositiveSmallIntegerField(_("顺序"))
    level = models.CharField(_("审批层级"), max_length=20, choices=ApprovalLevel.choices)
    kind = models.CharField(_("节点类型"), max_length=10, choices=NodeKind.choices)
    approver_count = models.PositiveSmallIntegerField(_("审批人数"), default=1)

    class Meta:
        verbose_name = _("审批节点")
        verbose_name_plural = _("审批节点")
        ordering = ("chain", "position")
        constraints = [
            models.UniqueConstraint(fields=("chain", "position"), name="approvals_node_position"),
            models.CheckConstraint(
                condition=(Q(kind=NodeKind.SINGLE) & Q(approver_count=1))
                | (~Q(kind=NodeKind.SINGLE) & Q(approver_count__gte=2)),
                name="approvals_node_approver_count",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.get_level_display()} · {self.get_kind_display()}"


class ApprovalRoute(TimeStampedModel):
    """One row of the routing matrix: product × amount band × risk grades → chain.

    Rows are tried by ascending priority; the first that matches decides. Empty product or
    grades match any; the amount band is [min_amount, max_amount) with open ends when empty.
    """

    name = models.CharField(_("名称"), max_length=100)
    priority = models.PositiveIntegerField(_("优先级"), help_text=_("数字小的先匹配"))
    product = models.ForeignKey(
        "loans.Product",
        verbose_name=_("产品"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("为空表示任意产品"),
    )
    min_amount = models.DecimalField(
        _("金额下限 (含)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_amount = models.DecimalField(
        _("金额上限 (不含)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    risk_grades = models.JSONField(
        _("风险等级"), default=list, blank=True, help_text=_("为空表示任意等级")
    )
    chain = models.ForeignKey(
        ApprovalChain, verbose_name=_("审批流"), on_delete=models.PROTECT, related_name="routes"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("审批路由")
        verbose_name_plural = _("审批路由")
        ordering = ("priority", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_amount__isnull=True)
                | Q(max_amount__isnull=True)
                | Q(max_amount__gt=F("min_amount")),
                name="approvals_route_band",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApprovalInstance(TimeStampedModel):
    """One run of a chain for an application, from the reviewer's opinion to the decision.

    `current_*` are the terms in effect: the reviewer's opinion, then each approval's terms.
    """

    scope_fields = _BY_APPLICATION

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("进件"),
        on_delete=models.PROTECT,
        related_name="approval_instances",
    )
    chain = models.ForeignKey(
        ApprovalChain, verbose_name=_("审批流"), on_delete=models.PROTECT, related_name="+"
    )
    route = models.ForeignKey(
        ApprovalRoute,
        verbose_name=_("审批路由"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=InstanceStatus.choices,
        default=InstanceStatus.OPEN,
        db_index=True,
    )
    current_position = models.PositiveSmallIntegerField(_("当前节点"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_amount = models.DecimalField(_("当前金额"), max_digits=12, decimal_places=2)
    current_rate = models.DecimalField(_("当前年利率"), max_digits=6, decimal_places=4)
    current_term = models.PositiveSmallIntegerField(_("当前期数"))
    current_method = models.CharField(
        _("当前还款方式"), max_length=20, choices=RepaymentMethod.choices
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("审批实例")
        verbose_name_plural = _("审批实例")
        constraints = [
            models.UniqueConstraint(
                fields=("application",),
                condition=Q(status=InstanceStatus.OPEN),
                name="approvals_one_open_instance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.pk}"


class ApprovalTask(TimeStampedModel):
    """One approver's task at one node; created when the node becomes current."""

    scope_fields = ScopeFields(
        owner="instance__application__owner",
        team="instance__application__team",
        branch="instance__application__branch",
    )

    instance = models.ForeignKey(
        ApprovalInstance, verbose_name=_("审批实例"), on_delete=models.CASCADE, related_name="tasks"
    )
    node = models.ForeignKey(
        ApprovalNode, verbose_name=_("审批节点"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("顺序"))
    level = models.CharField(_("审批层级"), max_length=20, choices=ApprovalLevel.choices)
    kind = models.CharField(_("节点类型"), max_length=10, choices=NodeKind.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        related_name="approval_tasks",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("实际处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("审批任务")
        verbose_name_plural = _("审批任务")
        ordering = ("created_at", "pk")
        indexes = [models.Index(fields=("assignee", "status"), name="approvals_task_assignee")]
        constraints = [
            models.UniqueConstraint(
                fields=("instance", "position", "assignee"), name="approvals_task_once_per_node"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instance_id}#{self.position} {self.assignee_id}"


class ApprovalAction(models.Model):
    """The append-only history of an instance: the submission and every approver's action."""

    instance = models.ForeignKey(
        ApprovalInstance,
        verbose_name=_("审批实例"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    task = models.ForeignKey(
        ApprovalTask,
        verbose_name=_("审批任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
    )
    position = models.PositiveSmallIntegerField(_("顺序"))  # 0 = the reviewer's submission
    level = models.CharField(_("审批层级"), max_length=20, choices=ApprovalLevel.choices)
    action = models.CharField(_("操作"), max_length=10, choices=ActionKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("被代理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("委托代理审批时的原审批人"),
    )
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2, null=True, blank=True)
    annual_rate = models.DecimalField(
        _("年利率"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    term = models.PositiveSmallIntegerField(_("期数"), null=True, blank=True)
    repayment_method = models.CharField(
        _("还款方式"), max_length=20, choices=RepaymentMethod.choices, blank=True
    )
    note = models.TextField(_("意见"), blank=True)
    acted_at = models.DateTimeField(_("操作时间"), db_index=True)

    class Meta:
        verbose_name = _("审批记录")
        verbose_name_plural = _("审批记录")
        ordering = ("acted_at", "pk")

    def __str__(self) -> str:
        return f"{self.instance_id} {self.action} {self.actor_id}"


class Delegation(TimeStampedModel):
    """While `from_user` is away, `to_user` may act on their approval tasks (both are recorded)."""

    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("委托人"),
        on_delete=models.CASCADE,
        related_name="approval_delegations_given",
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代理人"),
        on_delete=models.CASCADE,
        related_name="approval_delegations_received",
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("审批委托")
        verbose_name_plural = _("审批委托")
        ordering = ("-starts_at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="approvals_delegation_period"
            ),
            models.CheckConstraint(
                condition=~Q(from_user=F("to_user")), name="approvals_delegation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_user_id}→{self.to_user_id}"
