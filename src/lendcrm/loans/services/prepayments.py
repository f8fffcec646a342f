"""Prepayment (提前还款): credit left after every due amount repays principal ahead of time.

The broken-period interest on the prepaid principal (from the last due date to the value date,
actual/365) and the product's prepayment fee are charged in the same entry. The rest of the
schedule is rebuilt by the schedule engine, shortening the term or lowering the installment.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from lendcrm.core.errors import Conflict, DomainError
from lendcrm.core.money import CENT, ZERO, to_money
from lendcrm.loans.choices import Account, EntryKind, InstallmentStatus
from lendcrm.loans.models import Installment, Loan, Payment
from lendcrm.loans.services.ledger import credit, debit, post_entry
from lendcrm.loans.services.schedule_bridge import ScheduleRow, rows_after_prepayment

OPEN = (InstallmentStatus.DUE, InstallmentStatus.OVERDUE)
DAYS_IN_YEAR = Decimal(365)


def _charges(loan: Loan, principal: Decimal, days: int) -> tuple[Decimal, Decimal]:
    fee = to_money(principal * loan.product.prepayment_fee_rate)
    interest = to_money(principal * loan.annual_rate * days / DAYS_IN_YEAR)
    return fee, interest


def _largest_principal(loan: Loan, available: Decimal, outstanding: Decimal, days: int) -> Decimal:
    """The most principal that `available` repays together with its own fee and interest."""
    rate = loan.product.prepayment_fee_rate + loan.annual_rate * days / DAYS_IN_YEAR
    principal = min(outstanding, (available / (1 + rate)).quantize(CENT, rounding=ROUND_DOWN))
    while principal > ZERO and principal + sum(_charges(loan, principal, days)) > available:
        principal -= CENT
    return principal


def prepay_principal(loan: Loan, *, payment: Payment, value_date: date) -> dict[str, Any]:
    """Repay principal from the loan's credit balance once nothing billed is still owed."""
    if Installment.objects.filter(loan=loan, status__in=OPEN).exists():
        return {}
    future = list(
        Installment.objects.filter(loan=loan, status=InstallmentStatus.SCHEDULED).order_by("period")
    )
    if not future or loan.credit_balance <= ZERO:
        return {}
    paid_through = future[0].period - 1
    if paid_through < loan.product.prepayment_after_periods:
        raise DomainError(
            f"prepayment is allowed after {loan.product.prepayment_after_periods} periods",
            field="prepay",
        )
    last_due = _last_due_date(loan, paid_through)
    days = max(0, (value_date - last_due).days)
    outstanding = sum((row.principal_due - row.principal_paid for row in future), ZERO)
    principal = _largest_principal(loan, loan.credit_balance, outstanding, days)
    if principal <= ZERO:
        return {}
    fee, interest = _charges(loan, principal, days)
    before = [_row_snapshot(row) for row in future]
    _replace_future(loan, future, principal, outstanding, paid_through)
    _book(loan, payment, value_date, principal, fee, interest)
    payment.schedule_before = before
    payment.save(update_fields=["schedule_before"])
    return {
        "principal": str(principal),
        "fee": str(fee),
        "interest": str(interest),
        "rescheduled": principal != outstanding,
    }


def _book(
    loan: Loan, payment: Payment, on: date, principal: Decimal, fee: Decimal, interest: Decimal
) -> None:
    post_entry(
        loan,
        kind=EntryKind.REPAYMENT,
        business_date=on,
        legs=[
            debit(Account.SUSPENSE, principal + fee + interest),
            credit(Account.PRINCIPAL_RECEIVABLE, principal),
            credit(Account.FEE_INCOME, fee),
            credit(Account.INTEREST_INCOME, interest),
        ],
        payment=payment,
        memo="prepayment",
    )


def _last_due_date(loan: Loan, paid_through: int) -> date:
    if paid_through == 0:
        return loan.start_date
    due: date = Installment.objects.get(loan=loan, period=paid_through).due_date
    return due


def _replace_future(
    loan: Loan, future: list[Installment], principal: Decimal, outstanding: Decimal, through: int
) -> None:
    Installment.objects.filter(pk__in=[row.pk for row in future]).delete()
    if principal == outstanding:
        return
    rows, step = rows_after_prepayment(loan, paid_through=through, amount=principal)
    create_rows(loan, rows)
    loan.prepayments = [*loan.prepayments, step]
    loan.save(update_fields=["prepayments", "updated_at"])


def create_rows(loan: Loan, rows: list[ScheduleRow]) -> None:
    Installment.objects.bulk_create(
        Installment(
            loan=loan,
            period=row.period,
            due_date=row.due_date,
            principal_due=row.principal,
            interest_due=row.interest,
            fee_due=row.fee,
        )
        for row in rows
    )


def _row_snapshot(row: Installment) -> dict[str, str]:
    return {
        "period": str(row.period),
        "due_date": row.due_date.isoformat(),
        "principal": str(row.principal_due),
        "interest": str(row.interest_due),
        "fee": str(row.fee_due),
    }


def restore_future(loan: Loan, snapshot: list[dict[str, str]], *, was_rescheduled: bool) -> None:
    """Undo a prepayment's rescheduling (used by reversal)."""
    periods = [int(item["period"]) for item in snapshot]
    billed = Installment.objects.filter(loan=loan, period__in=periods).exclude(
        status=InstallmentStatus.SCHEDULED
    )
    if billed.exists():
        raise Conflict("an installment of the new schedule has fallen due since", field="payment")
    Installment.objects.filter(loan=loan, status=InstallmentStatus.SCHEDULED).delete()
    create_rows(
        loan,
        [
            ScheduleRow(
                period=int(item["period"]),
                due_date=date.fromisoformat(item["due_date"]),
                principal=Decimal(item["principal"]),
                interest=Decimal(item["interest"]),
                fee=Decimal(item["fee"]),
            )
            for item in snapshot
        ],
    )
    if was_rescheduled:
        loan.prepayments = loan.prepayments[:-1]
        loan.save(update_fields=["prepayments", "updated_at"])
