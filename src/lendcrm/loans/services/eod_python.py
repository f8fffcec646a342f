"""End of day, row by row in Python: the reference the set-based SQL engine must equal."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from lendcrm.core.money import ZERO, to_money
from lendcrm.loans.buckets import bucket_for
from lendcrm.loans.choices import Account, EntryKind, InstallmentStatus, LoanStatus
from lendcrm.loans.models import Installment, Loan
from lendcrm.loans.services.billing import bill_installments
from lendcrm.loans.services.ledger import credit, debit, post_entry
from lendcrm.loans.services.repayments import apply_credit_balance
from lendcrm.loans.transitions import transition_installment, transition_loan

SERVICED = (LoanStatus.ACTIVE, LoanStatus.OVERDUE)
DAYS_IN_YEAR = Decimal(365)


def daily_penalty(outstanding_principal: Decimal, penalty_rate: Decimal) -> Decimal:
    return to_money(outstanding_principal * penalty_rate / DAYS_IN_YEAR)


def loans_in_chunk(first: int, last: int | None) -> list[Loan]:
    loans = Loan.objects.filter(pk__gte=first, status__in=SERVICED)
    if last is not None:
        loans = loans.filter(pk__lte=last)
    return list(loans.select_related("product", "line").order_by("pk"))


def process_chunk(first: int, last: int | None, business_date: date) -> None:
    for loan in loans_in_chunk(first, last):
        process_loan(loan, business_date)


def process_loan(loan: Loan, business_date: date) -> None:
    bill_installments(loan, upto=business_date, business_date=business_date)
    apply_credit_balance(loan, business_date=business_date)
    if loan.status not in SERVICED:
        return
    mark_overdue(loan, business_date)
    accrue_penalty(loan, business_date)
    measure_delinquency(loan, business_date)


def mark_overdue(loan: Loan, business_date: date) -> None:
    last_grace_day = business_date - timedelta(days=loan.product.grace_days + 1)
    for row in Installment.objects.filter(
        loan=loan, status=InstallmentStatus.DUE, due_date__lte=last_grace_day
    ):
        transition_installment(row, to=InstallmentStatus.OVERDUE)


def accrue_penalty(loan: Loan, business_date: date) -> None:
    total = ZERO
    for row in Installment.objects.filter(loan=loan, status=InstallmentStatus.OVERDUE):
        amount = daily_penalty(row.principal_due - row.principal_paid, loan.penalty_rate)
        if amount > ZERO:
            row.penalty_due += amount
            row.save(update_fields=["penalty_due"])
            total += amount
    post_entry(
        loan,
        kind=EntryKind.PENALTY_ACCRUAL,
        business_date=business_date,
        legs=[debit(Account.PENALTY_RECEIVABLE, total), credit(Account.PENALTY_INCOME, total)],
    )


def measure_delinquency(loan: Loan, business_date: date) -> None:
    oldest = (
        Installment.objects.filter(loan=loan, status=InstallmentStatus.OVERDUE)
        .order_by("due_date")
        .values_list("due_date", flat=True)
        .first()
    )
    dpd = (business_date - oldest).days if oldest else 0
    status = LoanStatus.OVERDUE if dpd > 0 else LoanStatus.ACTIVE
    if loan.dpd != dpd or loan.status != status:
        transition_loan(loan, to=status, dpd=dpd, bucket=bucket_for(dpd))
