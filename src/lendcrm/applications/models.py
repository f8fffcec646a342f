from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lendcrm.applications.choices import ApplicationSource, ApplicationStatus
from lendcrm.core.models import TimeStampedModel
from lendcrm.identity.scoping import ScopeFields
from lendcrm.loans.choices import RepaymentMethod


class Application(TimeStampedModel):
    """A submitted loan application (进件)."""

    scope_fields = ScopeFields(owner="owner", team="team", branch="branch")

    application_no = models.CharField(_("申请编号"), max_length=24, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("客户"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    product = models.ForeignKey(
        "loans.Product",
        verbose_name=_("产品"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    channel = models.ForeignKey(
        "leads.Channel",
        verbose_name=_("渠道"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    amount = models.DecimalField(_("申请金额"), max_digits=12, decimal_places=2)
    term = models.PositiveSmallIntegerField(_("期数"))
    repayment_method = models.CharField(
        _("还款方式"), max_length=20, choices=RepaymentMethod.choices
    )
    purpose = models.CharField(_("借款用途"), max_length=100, blank=True)
    source = models.CharField(
        _("进件方式"),
        max_length=12,
        choices=ApplicationSource.choices,
        default=ApplicationSource.ASSISTED,
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    risk_grade = models.CharField(
        _("风险等级"), max_length=8, blank=True, help_text=_("定价档位，来自预审决策")
    )
    # The terms the approval chain settled on (审批结论); contracts and disbursement use these.
    approved_amount = models.DecimalField(
        _("批准金额"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    approved_rate = models.DecimalField(
        _("批准年利率"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    approved_term = models.PositiveSmallIntegerField(_("批准期数"), null=True, blank=True)
    approved_method = models.CharField(
        _("批准还款方式"), max_length=20, choices=RepaymentMethod.choices, blank=True
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("客户经理"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    team = models.ForeignKey(
        "identity.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    branch = models.ForeignKey(
        "identity.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("进件")
        verbose_name_plural = _("进件")

    def __str__(self) -> str:
        return self.application_no
