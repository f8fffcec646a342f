from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lendcrm.core.fields import EncryptedTextField
from lendcrm.core.models import TimeStampedModel
from lendcrm.identity.scoping import ScopeFields
from lendcrm.loans.choices import (
    Account,
    AllocationStrategy,
    Component,
    CreditLineStatus,
    DisbursementStatus,
    DrawdownStatus,
    EntryKind,
    EodRunStatus,
    InstallmentStatus,
    LineAdjustmentKind,
    LoanStatus,
    NoticeStatus,
    PaymentSource,
    PostingStatus,
    ProductKind,
    RepaymentMethod,
)
from lendcrm.loans.schedules import InterestConvention, PrepaymentMode

ZERO = Decimal("0.00")
if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

    DecimalColumn = models.DecimalField[str | float | Decimal | Combinable, Decimal]
DEFAULT_ALLOCATION_ORDER = [c.value for c in Component]


def _default_allocation_order() -> list[str]:
    return list(DEFAULT_ALLOCATION_ORDER)


def money_field(label: Any, **kwargs: Any) -> DecimalColumn:
    """Yuan to the cent; fourteen digits is beyond any single balance we hold."""
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kwargs)


def rate_field(label: Any, **kwargs: Any) -> DecimalColumn:
    """An annual rate as a fraction (0.180000 = 18 %): six places keep 1.5 × 0.1825 exact."""
    return models.DecimalField(label, max_digits=9, decimal_places=6, **kwargs)


class Product(TimeStampedModel):
    """A loan product (贷款产品): what may be borrowed, for how long, at what price."""

    code = models.CharField(_("产品编码"), max_length=40, unique=True)
    name = models.CharField(_("产品名称"), max_length=100)
    kind = models.CharField(_("产品类型"), max_length=16, choices=ProductKind.choices)
    min_amount = models.DecimalField(_("最低金额"), max_digits=12, decimal_places=2)
    max_amount = models.DecimalField(_("最高金额"), max_digits=12, decimal_places=2)
    terms = models.JSONField(_("可选期数"), default=list)
    min_rate = models.DecimalField(_("最低年利率"), max_digits=6, decimal_places=4)
    max_rate = models.DecimalField(_("最高年利率"), max_digits=6, decimal_places=4)
    repayment_methods = models.JSONField(_("还款方式"), default=list)
    is_active = models.BooleanField(_("启用"), default=True)
    fee_rate_per_period = rate_field(_("每期服务费率 (占本金)"), default=Decimal("0"))
    penalty_rate_multiplier = models.DecimalField(
        _("罚息倍数 (合同利率的倍数)"), max_digits=5, decimal_places=2, default=Decimal("1.50")
    )
    penalty_annual_rate = rate_field(_("罚息年利率 (为空则按倍数)"), null=True, blank=True)
    grace_days = models.PositiveSmallIntegerField(_("宽限期天数"), default=0)
    prepayment_after_periods = models.PositiveSmallIntegerField(_("满几期后可提前还款"), default=0)
    prepayment_fee_rate = rate_field(_("提前还款手续费率"), default=Decimal("0"))
    prepayment_mode = models.CharField(
        _("提前还款方式"),
        max_length=20,
        choices=PrepaymentMode.choices,
        default=PrepaymentMode.KEEP_INSTALLMENT,
    )
    allocation_order = models.JSONField(_("还款冲销顺序"), default=_default_allocation_order)
    allocation_strategy = models.CharField(
        _("冲销策略"),
        max_length=20,
        choices=AllocationStrategy.choices,
        default=AllocationStrategy.OLDEST_INSTALLMENT_FIRST,
    )
    interest_convention = models.CharField(
        _("计息方式"),
        max_length=20,
        choices=InterestConvention.choices,
        default=InterestConvention.MONTHLY_30_360,
    )

    class Meta:
        verbose_name = _("贷款产品")
        verbose_name_plural = _("贷款产品")

    def __str__(self) -> str:
        return self.name

    @property
    def method_labels(self) -> list[str]:
        return [str(RepaymentMethod(m).label) for m in self.repayment_methods]

    def penalty_rate_for(self, annual_rate: Decimal) -> Decimal:
        if self.penalty_annual_rate is not None:
            return Decimal(self.penalty_annual_rate)
        return (annual_rate * self.penalty_rate_multiplier).quantize(Decimal("0.000001"))


class ScopedOwnership(models.Model):
    """Owner, team and branch columns read by identity.scoping."""

    scope_fields = ScopeFields(owner="owner", team="team", branch="branch")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("客户经理"),
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

    class Meta:
        abstract = True


class CreditLine(TimeStampedModel, ScopedOwnership):
    """A credit grant (授信): a limit the customer may draw on while it is valid."""

    line_no = models.CharField(_("授信编号"), max_length=24, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("客户"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(Product, verbose_name=_("产品"), on_delete=models.PROTECT)
    limit = money_field(_("授信额度"))
    available = money_field(_("可用额度"))
    annual_rate = rate_field(_("年利率"))
    valid_from = models.DateField(_("生效日"))
    valid_until = models.DateField(_("到期日"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=CreditLineStatus.choices,
        default=CreditLineStatus.ACTIVE,
        db_index=True,
    )
    revolving = models.BooleanField(_("循环额度"), default=True)

    class Meta:
        verbose_name = _("授信")
        verbose_name_plural = _("授信")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(available__lte=models.F("limit")),
                name="creditline_available_within_limit",
            )
        ]

    def __str__(self) -> str:
        return self.line_no


class LineAdjustment(models.Model):
    """Freeze, unfreeze, limit or price adjustment of a line, with four-eyes approval."""

    line = models.ForeignKey(CreditLine, on_delete=models.PROTECT, related_name="adjustments")
    kind = models.CharField(_("类型"), max_length=12, choices=LineAdjustmentKind.choices)
    reason = models.CharField(_("原因"), max_length=200)
    before = models.JSONField(_("调整前"), default=dict)
    after = models.JSONField(_("调整后"), default=dict)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("额度调整")
        verbose_name_plural = _("额度调整")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.line_id} {self.kind}"


class Loan(TimeStampedModel, ScopedOwnership):
    """A loan note (借据): one disbursed amount with its own schedule."""

    loan_no = models.CharField(_("借据号"), max_length=24, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("客户"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(Product, verbose_name=_("产品"), on_delete=models.PROTECT)
    line = models.ForeignKey(
        CreditLine, null=True, blank=True, on_delete=models.PROTECT, related_name="loans"
    )
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    principal = money_field(_("借款本金"))
    annual_rate = rate_field(_("年利率"))
    penalty_rate = rate_field(_("罚息年利率"))
    term = models.PositiveSmallIntegerField(_("期数"))
    method = models.CharField(_("还款方式"), max_length=20, choices=RepaymentMethod.choices)
    start_date = models.DateField(_("起息日"))
    maturity_date = models.DateField(_("到期日"))
    status = models.CharField(
        _("状态"), max_length=12, choices=LoanStatus.choices, default=LoanStatus.PENDING
    )
    dpd = models.PositiveIntegerField(_("逾期天数"), default=0)
    bucket = models.CharField(_("账龄"), max_length=4, default="M0")
    principal_balance = money_field(_("本金余额"))
    interest_balance = money_field(_("应收利息"))
    penalty_balance = money_field(_("应收罚息"))
    fee_balance = money_field(_("应收费用"))
    credit_balance = money_field(_("溢缴款"))
    paid_off_on = models.DateField(_("结清日"), null=True, blank=True)
    convention = models.CharField(_("计息方式"), max_length=20, default="monthly_30_360")
    prepayments = models.JSONField(_("提前还款记录"), default=list, blank=True)

    class Meta:
        verbose_name = _("借据")
        verbose_name_plural = _("借据")
        indexes = [models.Index(fields=["status"], name="loan_status_idx")]

    def __str__(self) -> str:
        return self.loan_no


class Installment(models.Model):
    """One period of a loan's repayment schedule (还款计划), with what has been paid."""

    # (loan, period) is unique, and that index serves every lookup by loan.
    loan = models.ForeignKey(
        Loan, on_delete=models.CASCADE, related_name="installments", db_index=False
    )
    period = models.PositiveSmallIntegerField(_("期次"))
    due_date = models.DateField(_("应还日"))
    principal_due = money_field(_("应还本金"))
    interest_due = money_field(_("应还利息"))
    fee_due = money_field(_("应还费用"))
    penalty_due = money_field(_("罚息"))
    principal_paid = money_field(_("已还本金"))
    interest_paid = money_field(_("已还利息"))
    fee_paid = money_field(_("已还费用"))
    penalty_paid = money_field(_("已还罚息"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=InstallmentStatus.choices,
        default=InstallmentStatus.SCHEDULED,
    )
    paid_on = models.DateField(_("结清日"), null=True, blank=True)

    class Meta:
        verbose_name = _("还款计划")
        verbose_name_plural = _("还款计划")
        ordering = ["loan_id", "period"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "period"], name="installment_loan_period")
        ]
        indexes = [
            # End of day reads open installments by status and a range of loans; settled
            # rows, the bulk of the table, are in neither index.
            models.Index(
                fields=["status", "loan", "due_date"],
                name="installment_open_idx",
                condition=~models.Q(status="paid"),
            ),
            models.Index(
                fields=["due_date", "loan"],
                name="installment_billing_idx",
                condition=models.Q(status="scheduled"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}#{self.period}"


class Drawdown(models.Model):
    """A drawdown (用信) on a credit line; it creates one loan note."""

    drawdown_no = models.CharField(_("用信编号"), max_length=24, unique=True)
    line = models.ForeignKey(CreditLine, on_delete=models.PROTECT, related_name="drawdowns")
    loan = models.OneToOneField(Loan, on_delete=models.PROTECT, related_name="drawdown")
    amount = money_field(_("用信金额"))
    status = models.CharField(
        _("状态"), max_length=12, choices=DrawdownStatus.choices, default=DrawdownStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("用信")
        verbose_name_plural = _("用信")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.drawdown_no


class Disbursement(models.Model):
    """Money paid out (放款) through a payment adapter."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="disbursements")
    amount = money_field(_("放款金额"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=DisbursementStatus.choices,
        default=DisbursementStatus.PENDING,
    )
    channel = models.CharField(_("渠道"), max_length=40)
    external_ref = models.CharField(_("渠道流水号"), max_length=64, blank=True)
    failure_reason = models.CharField(_("失败原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("放款")
        verbose_name_plural = _("放款")

    def __str__(self) -> str:
        return f"{self.loan_id} {self.amount}"


class PaymentChannel(models.Model):
    """A payment channel whose webhooks are signed with its own secret (HMAC-SHA256)."""

    code = models.CharField(_("渠道编码"), max_length=40, unique=True)
    name = models.CharField(_("渠道名称"), max_length=100)
    secret = EncryptedTextField(_("签名密钥"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("支付渠道")
        verbose_name_plural = _("支付渠道")

    def __str__(self) -> str:
        return self.code


class Payment(models.Model):
    """Money received for a loan and its posting; unique per channel transaction id."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="payments")
    channel = models.CharField(_("渠道"), max_length=40)
    channel_txn_id = models.CharField(_("渠道流水号"), max_length=64)
    amount = money_field(_("金额"))
    value_date = models.DateField(_("入账日"))
    source = models.CharField(_("来源"), max_length=16, choices=PaymentSource.choices)
    prepay = models.BooleanField(_("提前还款"), default=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=PostingStatus.choices, default=PostingStatus.POSTED
    )
    allocation = models.JSONField(_("冲销明细"), default=dict)
    schedule_before = models.JSONField(_("提前还款前计划"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reversal_reason = models.CharField(_("冲正原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("还款")
        verbose_name_plural = _("还款")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "channel_txn_id"], name="payment_channel_txn"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.channel_txn_id}"


class PaymentNotice(models.Model):
    """A channel's payment notice as received, posted later in batches (the webhook inbox).

    Unique per channel, transaction id and event: a redelivery finds the first row and its
    result instead of being stored twice.
    """

    channel = models.CharField(_("渠道"), max_length=40)
    txn_id = models.CharField(_("渠道流水号"), max_length=64)
    event = models.CharField(_("事件"), max_length=24)
    loan_no = models.CharField(_("借据号"), max_length=24)
    amount = money_field(_("金额"))
    paid_on = models.DateField(_("支付日"))
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.RECEIVED
    )
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    error = models.CharField(_("失败原因"), max_length=200, blank=True)
    processed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("支付通知")
        verbose_name_plural = _("支付通知")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "txn_id", "event"], name="payment_notice_channel_txn_event"
            )
        ]
        indexes = [
            models.Index(
                fields=["id"],
                name="payment_notice_pending_idx",
                condition=models.Q(status="received"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.txn_id} {self.event}"


class JournalEntry(models.Model):
    """One balanced double-entry journal entry. Never updated or deleted."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="journal_entries")
    business_date = models.DateField(_("会计日"))
    kind = models.CharField(_("类型"), max_length=20, choices=EntryKind.choices)
    payment = models.ForeignKey(
        Payment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        db_index=False,
    )
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    memo = models.CharField(_("摘要"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("记账时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会计分录")
        verbose_name_plural = _("会计分录")
        ordering = ["id"]
        # Most entries (billing, penalty) have neither: index only the rows that do.
        indexes = [
            models.Index(
                fields=["payment"],
                name="journalentry_payment_idx",
                condition=models.Q(payment__isnull=False),
            ),
            models.Index(
                fields=["reverses"],
                name="journalentry_reverses_idx",
                condition=models.Q(reverses__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.kind}"


class JournalLine(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="+", db_index=False)
    account = models.CharField(_("科目"), max_length=24, choices=Account.choices)
    debit = money_field(_("借方"))
    credit = money_field(_("贷方"))

    class Meta:
        verbose_name = _("分录行")
        verbose_name_plural = _("分录行")
        indexes = [models.Index(fields=["loan", "account"], name="journalline_loan_account")]

    def __str__(self) -> str:
        return f"{self.account} {self.debit}/{self.credit}"


class EodRun(models.Model):
    """End of day (日终批处理) for one business date; its chunks record their own completion."""

    business_date = models.DateField(_("会计日"), unique=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=EodRunStatus.choices, default=EodRunStatus.RUNNING
    )
    engine = models.CharField(_("引擎"), max_length=8, default="sql")
    total_chunks = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("日终批处理")
        verbose_name_plural = _("日终批处理")
        ordering = ["-business_date"]

    def __str__(self) -> str:
        return f"EOD {self.business_date}"


class EodChunk(models.Model):
    run = models.ForeignKey(EodRun, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    first_loan_id = models.BigIntegerField()
    last_loan_id = models.BigIntegerField(null=True)
    done = models.BooleanField(default=False)
    loans_processed = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="eodchunk_run_no")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.number}"
