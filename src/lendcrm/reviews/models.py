"""Review rules, review tasks (信审任务), phone verifications (电审) and review opinions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lendcrm.core.models import TimeStampedModel
from lendcrm.identity.scoping import ScopeFields
from lendcrm.loans.choices import RepaymentMethod
from lendcrm.reviews.choices import (
    ACTIVE_TASK_STATUSES,
    CallOutcome,
    CallTarget,
    Recommendation,
    ReviewLevel,
    ReviewTaskStatus,
)

# Tasks, checks and opinions are seen by whoever may see their application.
_APPLICATION_SCOPE = ScopeFields(
    owner="application__owner", team="application__team", branch="application__branch"
)


class ReviewRule(TimeStampedModel):
    """Which reviewer level an application needs and how fast (分单规则). The active rule with
    the lowest priority number that matches product, amount band and risk grade applies."""

    name = models.CharField(_("名称"), max_length=100)
    product = models.ForeignKey(
        "loans.Product",
        verbose_name=_("产品"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空表示所有产品"),
    )
    min_amount = models.DecimalField(
        _("金额下限"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_amount = models.DecimalField(
        _("金额上限"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    risk_grades = models.JSONField(
        _("风险等级"), default=list, blank=True, help_text=_("留空表示所有等级")
    )
    min_level = models.CharField(
        _("最低信审级别"),
        max_length=20,
        choices=ReviewLevel.choices,
        default=ReviewLevel.REVIEWER,
    )
    priority = models.PositiveIntegerField(_("优先级"), default=100, help_text=_("数字小者优先"))
    sla_minutes = models.PositiveIntegerField(_("处理时限（分钟）"), default=240)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["priority", "pk"]
        verbose_name = _("分单规则")
        verbose_name_plural = _("分单规则")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_amount__isnull=True)
                | models.Q(max_amount__isnull=True)
                | models.Q(min_amount__lte=models.F("max_amount")),
                name="reviews_rule_amount_band",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ReviewTask(TimeStampedModel):
    """The manual review of one application; at most one active task per application."""

    scope_fields = _APPLICATION_SCOPE

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("进件"),
        on_delete=models.PROTECT,
        related_name="review_tasks",
    )
    rule = models.ForeignKey(
        ReviewRule,
        verbose_name=_("分单规则"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    level = models.CharField(
        _("信审级别"), max_length=20, choices=ReviewLevel.choices, default=ReviewLevel.REVIEWER
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ReviewTaskStatus.choices,
        default=ReviewTaskStatus.OPEN,
        db_index=True,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("信审员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_tasks",
    )
    assigned_at = models.DateTimeField(_("分配时间"), null=True, blank=True)
    due_at = models.DateTimeField(_("截止时间"), db_index=True)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("升级至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_review_tasks",
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("信审任务")
        verbose_name_plural = _("信审任务")
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status__in=ACTIVE_TASK_STATUSES),
                name="reviews_one_active_task",
            )
        ]
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"], name="reviews_task_mine"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_status_display()}"


class PhoneVerification(models.Model):
    """One verification call (电审) and its outcome. Only the masked number is stored here."""

    scope_fields = _APPLICATION_SCOPE

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("进件"),
        on_delete=models.PROTECT,
        related_name="phone_verifications",
    )
    task = models.ForeignKey(
        ReviewTask,
        verbose_name=_("信审任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="phone_verifications",
    )
    target = models.CharField(_("核实对象"), max_length=20, choices=CallTarget.choices)
    contact = models.ForeignKey(
        "customers.CustomerContact",
        verbose_name=_("联系人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    number_masked = models.CharField(_("号码（脱敏）"), max_length=40, blank=True)
    outcome = models.CharField(_("结果"), max_length=12, choices=CallOutcome.choices)
    notes = models.TextField(_("备注"), blank=True)
    recording_url = models.URLField(_("录音"), max_length=500, blank=True)
    call_id = models.CharField(_("通话编号"), max_length=64, blank=True)
    called_at = models.DateTimeField(_("通话时间"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("信审员"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["-called_at", "-pk"]
        verbose_name = _("电审记录")
        verbose_name_plural = _("电审记录")

    def __str__(self) -> str:
        return f"{self.get_target_display()} {self.get_outcome_display()}"


class ReviewOpinion(models.Model):
    """The reviewer's opinion (审核意见) that closes a review task."""

    scope_fields = _APPLICATION_SCOPE

    task = models.OneToOneField(
        ReviewTask, verbose_name=_("信审任务"), on_delete=models.PROTECT, related_name="opinion"
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("进件"),
        on_delete=models.PROTECT,
        related_name="review_opinions",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("信审员"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recommendation = models.CharField(_("审核结论"), max_length=10, choices=Recommendation.choices)
    approved_amount = models.DecimalField(
        _("核准金额"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    approved_rate = models.DecimalField(
        _("核准年利率"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    approved_term = models.PositiveSmallIntegerField(_("核准期数"), null=True, blank=True)
    approved_method = models.CharField(
        _("核准还款方式"), max_length=20, choices=RepaymentMethod.choices, blank=True
    )
    risk_points = models.JSONField(_("风险点"), default=list, blank=True)
    risk_note = models.CharField(_("其他风险点"), max_length=500, blank=True)
    comment = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_recommendation_display()}"
