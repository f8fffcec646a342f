"""Scoped reads of lines, loans, schedules, payments and the journal (identity.scoping)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lendcrm.core.errors import NotFound
from lendcrm.identity.scoping import get_scoped, scoped
from lendcrm.loans.choices import Account
from lendcrm.loans.models import (
    CreditLine,
    Drawdown,
    EodRun,
    Installment,
    JournalEntry,
    Loan,
    Payment,
)
from lendcrm.loans.services.ledger import journal_balances

PAGE_SIZE = 50


def list_lines_for_user(user: Any, *, status: str = "", offset: int = 0) -> list[CreditLine]:
    lines = scoped(CreditLine.objects.select_related("customer", "product"), user)
    if status:
        lines = lines.filter(status=status)
    return list(lines.order_by("-id")[offset : offset + PAGE_SIZE])


def get_line_for_user(user: Any, line_id: int) -> CreditLine:
    return get_scoped(CreditLine.objects.select_related("customer", "product"), user, line_id)


def get_loan_for_user(user: Any, loan_id: int) -> Loan:
    return get_scoped(Loan.objects.select_related("customer", "product", "line"), user, loan_id)


def get_payment_for_user(user: Any, payment_id: int) -> Payment:
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        raise NotFound("payment not found")
    get_loan_for_user(user, payment.loan_id)  # outside the caller's scope: not found either
    return payment


def drawdowns_of(line: CreditLine) -> list[Drawdown]:
    return list(line.drawdowns.select_related("loan").order_by("-id"))


def schedule_of(loan: Loan) -> list[Installment]:
    return list(Installment.objects.filter(loan=loan).order_by("period"))


def payments_of(loan: Loan) -> list[Payment]:
    return list(Payment.objects.filter(loan=loan).order_by("-id"))


def journal_of(loan: Loan) -> list[JournalEntry]:
    return list(
        JournalEntry.objects.filter(loan=loan).prefetch_related("lines").order_by("-id")[:200]
    )


@dataclass(frozen=True)
class LoanView:
    """A loan note with the balances its journal implies: what every page and API shows."""

    loan: Loan
    principal: Decimal
    interest: Decimal
    penalty: Decimal
    fee: Decimal
    credit: Decimal

    @property
    def total_owed(self) -> Decimal:
        return self.interest + self.penalty + self.fee + self.principal


def loan_view(loan: Loan) -> LoanView:
    balances = journal_balances(loan.pk)
    return LoanView(
        loan=loan,
        principal=balances[Account.PRINCIPAL_RECEIVABLE],
        interest=balances[Account.INTEREST_RECEIVABLE],
        penalty=balances[Account.PENALTY_RECEIVABLE],
        fee=balances[Account.FEE_RECEIVABLE],
        credit=balances[Account.SUSPENSE],
    )


def recent_runs(limit: int = 20) -> list[EodRun]:
    return list(EodRun.objects.order_by("-business_date")[:limit])
