from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lendcrm.core.models import TimeStampedModel
from lendcrm.identity.scoping import ScopeFields
from lendcrm.leads.choices import LeadStatus
from lendcrm.sales.choices import (
    FollowUpChannel,
    FollowUpResult,
    IntentLevel,
    ScriptKind,
    TaskEvent,
    TaskKind,
    TaskStatus,
)


class TaskRule(TimeStampedModel):
    """An event that creates a follow-up task due a number of minutes later (任务规则)."""

    name = models.CharField(_("名称"), max_length=100)
    event = models.CharField(_("触发事件"), max_length=24, choices=TaskEvent.choices)
    task_kind = models.CharField(_("任务类型"), max_length=20, choices=TaskKind.choices)
    due_minutes = models.PositiveIntegerField(_("时限（分钟）"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("任务规则")
        verbose_name_plural = _("任务规则")

    def __str__(self) -> str:
        return self.name


class FollowUpTask(TimeStampedModel):
    """Something a rep must do for a lead by a due time (跟进任务), escalated when overdue."""

    scope_fields = ScopeFields(owner="assignee", team="team", branch="branch")

    lead = models.ForeignKey(
        "leads.Lead", verbose_name=_("线索"), on_delete=models.CASCADE, related_name="tasks"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("客户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        on_delete=models.PROTECT,
        related_name="sales_tasks",
    )
    team = models.ForeignKey(
        "identity.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    branch = models.ForeignKey(
        "identity.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("任务类型"), max_length=20, choices=TaskKind.choices)
    rule = models.ForeignKey(
        TaskRule, verbose_name=_("任务规则"), null=True, blank=True, on_delete=models.SET_NULL
    )
    due_at = models.DateTimeField(_("截止时间"))
    status = models.CharField(
        _("状态"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("升级给"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="escalated_sales_tasks",
    )
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Rule tasks that must exist at most once per lead (e.g. "rule:3:lead:42").
    dedupe_key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("跟进任务")
        verbose_name_plural = _("跟进任务")
        indexes = [models.Index(fields=["status", "due_at"], name="sales_task_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class RefusalReason(models.Model):
    """A managed reason why a person refused (拒绝原因), e.g. 利率太高."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    is_opt_out = models.BooleanField(
        _("拒绝营销"), default=False, help_text=_("客户明确表示不希望再被联系")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("拒绝原因")
        verbose_name_plural = _("拒绝原因")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name


class FollowUpRecord(models.Model):
    """One contact attempt with a lead (跟进记录): channel, result, intent change, refusal."""

    scope_fields = ScopeFields(owner="owner", team="team", branch="branch")

    lead = models.ForeignKey(
        "leads.Lead", verbose_name=_("线索"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    channel = models.CharField(_("方式"), max_length=10, choices=FollowUpChannel.choices)
    result = models.CharField(_("结果"), max_length=16, choices=FollowUpResult.choices)
    intent_before = models.CharField(
        _("跟进前意向"), max_length=1, choices=IntentLevel.choices, blank=True
    )
    intent_after = models.CharField(
        _("跟进后意向"), max_length=1, choices=IntentLevel.choices, blank=True
    )
    refusal_reason = models.ForeignKey(
        RefusalReason,
        verbose_name=_("拒绝原因"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    refusal_note = models.CharField(_("拒绝说明"), max_length=300, blank=True)
    next_follow_up_at = models.DateTimeField(_("下次跟进时间"), null=True, blank=True)
    note = models.TextField(_("沟通要点"), blank=True)
    occurred_at = models.DateTimeField(_("跟进时间"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("跟进人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        "identity.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    branch = models.ForeignKey(
        "identity.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("跟进记录")
        verbose_name_plural = _("跟进记录")
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.lead_id} · {self.get_result_display()}"


class Script(TimeStampedModel):
    """A sales script, FAQ answer or objection-handling text (话术库)."""

    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("类型"), max_length=12, choices=ScriptKind.choices)
    product = models.ForeignKey(
        "loans.Product",
        verbose_name=_("产品"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    stage = models.CharField(_("销售阶段"), max_length=12, choices=LeadStatus.choices, blank=True)
    body = models.TextField(_("内容"))
    tags = models.JSONField(_("标签"), default=list, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    seed_key = models.CharField(max_length=40, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("话术")
        verbose_name_plural = _("话术库")

    def __str__(self) -> str:
        return self.title


class LeadStageChange(models.Model):
    """One period a lead spent in a pipeline stage; left_at and duration once it moves on."""

    scope_fields = ScopeFields(owner="lead__owner", team="lead__team", branch="lead__branch")

    lead = models.ForeignKey(
        "leads.Lead",
        verbose_name=_("线索"),
        on_delete=models.CASCADE,
        related_name="stage_changes",
    )
    stage = models.CharField(_("阶段"), max_length=12, choices=LeadStatus.choices)
    previous_stage = models.CharField(
        _("上一阶段"), max_length=12, choices=LeadStatus.choices, blank=True
    )
    entered_at = models.DateTimeField(_("进入时间"))
    left_at = models.DateTimeField(_("离开时间"), null=True, blank=True)
    duration_seconds = models.PositiveBigIntegerField(_("停留秒数"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("阶段变更")
        verbose_name_plural = _("阶段变更")
        indexes = [models.Index(fields=["lead", "left_at"], name="sales_stage_open_idx")]

    def __str__(self) -> str:
        return f"{self.lead_id} · {self.stage}"
