from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductKind(models.TextChoices):
    SINGLE_LOAN = "single_loan", _("单笔单贷")
    REVOLVING = "revolving", _("循环额度")


class RepaymentMethod(models.TextChoices):
    EQUAL_INSTALLMENT = "equal_installment", _("等额本息")
    EQUAL_PRINCIPAL = "equal_principal", _("等额本金")
    INTEREST_FIRST = "interest_first", _("先息后本")
    BULLET = "bullet", _("一次性还本付息")


class Component(models.TextChoices):
    """The parts of a due amount, named as the allocation order names them."""

    PENALTY = "penalty", _("罚息")
    FEE = "fee", _("费用")
    INTEREST = "interest", _("利息")
    PRINCIPAL = "principal", _("本金")


class AllocationStrategy(models.TextChoices):
    OLDEST_INSTALLMENT_FIRST = "installment_first", _("逐期结清 (最早一期优先)")
    COMPONENT_FIRST = "component_first", _("按科目结清 (各期罚息优先)")


class CreditLineStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    FROZEN = "frozen", _("冻结")
    EXPIRED = "expired", _("已过期")
    CLOSED = "closed", _("已关闭")


class LineAdjustmentKind(models.TextChoices):
    FREEZE = "freeze", _("冻结")
    UNFREEZE = "unfreeze", _("解冻")
    LIMIT = "limit", _("调额")
    PRICE = "price", _("调价")


class DrawdownStatus(models.TextChoices):
    PENDING = "pending", _("待放款")
    DISBURSED = "disbursed", _("已放款")
    FAILED = "failed", _("放款失败")


class LoanStatus(models.TextChoices):
    PENDING = "pending", _("待放款")
    ACTIVE = "active", _("正常")
    OVERDUE = "overdue", _("逾期")
    PAID_OFF = "paid_off", _("已结清")
    WRITTEN_OFF = "written_off", _("已核销")
    CANCELLED = "cancelled", _("已取消")


class InstallmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("未到期")
    DUE = "due", _("已到期")
    OVERDUE = "overdue", _("逾期")
    PAID = "paid", _("已结清")


class DisbursementStatus(models.TextChoices):
    PENDING = "pending", _("处理中")
    DISBURSED = "disbursed", _("已放款")
    FAILED = "failed", _("失败")


class PaymentSource(models.TextChoices):
    WEBHOOK = "webhook", _("支付渠道通知")
    MANUAL = "manual", _("手工入账")
    RECONCILIATION = "reconciliation", _("对账导入")


class PostingStatus(models.TextChoices):
    POSTED = "posted", _("已入账")
    REVERSED = "reversed", _("已冲正")


class NoticeStatus(models.TextChoices):
    """Where a channel's payment notice stands in the inbox (支付通知收件箱)."""

    RECEIVED = "received", _("待入账")
    POSTED = "posted", _("已入账")
    DUPLICATE = "duplicate", _("重复通知")
    REVERSED = "reversed", _("已冲正")
    REVERSAL_RECORDED = "reversal_recorded", _("冲正先于还款到达")
    FAILED = "failed", _("入账失败")


class Account(models.TextChoices):
    PRINCIPAL_RECEIVABLE = "principal_receivable", _("应收本金")
    INTEREST_RECEIVABLE = "interest_receivable", _("应收利息")
    PENALTY_RECEIVABLE = "penalty_receivable", _("应收罚息")
    FEE_RECEIVABLE = "fee_receivable", _("应收费用")
    CLEARING = "clearing", _("清算/现金")
    INTEREST_INCOME = "interest_income", _("利息收入")
    PENALTY_INCOME = "penalty_income", _("罚息收入")
    FEE_INCOME = "fee_income", _("费用收入")
    SUSPENSE = "suspense", _("挂账/溢缴款")
    WRITE_OFF_EXPENSE = "write_off_expense", _("核销损失")


class EntryKind(models.TextChoices):
    DISBURSEMENT = "disbursement", _("放款")
    BILLING = "billing", _("到期入账")
    PENALTY_ACCRUAL = "penalty_accrual", _("罚息计提")
    REPAYMENT = "repayment", _("还款")
    CREDIT_APPLIED = "credit_applied", _("溢缴款冲抵")
    PREPAYMENT_FEE = "prepayment_fee", _("提前还款手续费")
    REVERSAL = "reversal", _("冲正")
    WRITE_OFF = "write_off", _("核销")


class EodRunStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    COMPLETED = "completed", _("已完成")
