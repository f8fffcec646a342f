"""Posting repayments: bill what is due, allocate money and credit balance, book one entry.

The loan row is locked for the whole posting, so parallel payments on one loan queue behind
each other and none is lost (docs/adr/0002-money-concurrency.md). A payment is unique by its
channel and the channel's transaction id: a repeat returns the first posting unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import Conflict, DomainError
from lendcrm.core.money import ZERO, to_money
from lendcrm.loans.allocation import Allocation, Due, allocate, parse_order
from lendcrm.loans.buckets import bucket_for
from lendcrm.loans.choices import (
    Account,
    AllocationStrategy,
    Component,
    EntryKind,
    EodRunStatus,
    InstallmentStatus,
    LoanStatus,
    PaymentSource,
)
from lendcrm.loans.models import EodRun, Installment, Loan, Payment
from lendcrm.loans.services.billing import bill_installments
from lendcrm.loans.services.credit_lines import restore_available
from lendcrm.loans.services.ledger import Leg, credit, debit, post_entry
from lendcrm.loans.services.prepayments import prepay_principal
from lendcrm.loans.transitions import transition_installment, transition_loan

POSTABLE = (LoanStatus.ACTIVE, LoanStatus.OVERDUE, LoanStatus.PAID_OFF)
OPEN = (InstallmentStatus.DUE, InstallmentStatus.OVERDUE)
RECEIVABLE = {
    Component.PENALTY: Account.PENALTY_RECEIVABLE,
    Component.FEE: Account.FEE_RECEIVABLE,
    Component.INTEREST: Account.INTEREST_RECEIVABLE,
    Component.PRINCIPAL: Account.PRINCIPAL_RECEIVABLE,
}


@dataclass(frozen=True)
class PostingResult:
    payment: Payment
    created: bool


def post_payment(
    loan: Loan,
    *,
    amount: Decimal,
    channel: str,
    channel_txn_id: str,
    value_date: date,
    source: PaymentSource,
    prepay: bool = False,
    acting_user: Any = None,
) -> PostingResult:
    """Post money received for a loan; idempotent by (channel, channel_txn_id)."""
    amount = to_money(amount)
    if amount <= ZERO:
        raise DomainError("amount must be positive", field="amount")
    if value_date > clock.today():
        # Posting bills everything due by the value date: a future date would bill ahead.
        raise DomainError("the value date is in the future", field="value_date")
    with transaction.atomic():
        locked = Loan.objects.select_for_update().select_related("product").get(pk=loan.pk)
        existing = Payment.objects.filter(channel=channel, channel_txn_id=channel_txn_id).first()
        if existing is not None:
            return PostingResult(existing, created=False)
        if locked.status not in POSTABLE:
            raise Conflict(f"the loan is {locked.get_status_display()}", field="loan")
        bill_installments(locked, upto=value_date, business_date=value_date)
        payment = _create_payment(
            locked, amount, channel, channel_txn_id, value_date, source, prepay, acting_user
        )
        if payment is None:
            existing = Payment.objects.get(channel=channel, channel_txn_id=channel_txn_id)
            return PostingResult(existing, created=False)
        detail = _apply_payment(locked, payment, value_date)
        payment.allocation = detail
        payment.save(update_fields=["allocation"])
        record_event(
            "loans.payment_posted",
            actor=acting_user,
            target=payment,
            metadata={"loan": locked.loan_no, "amount": str(amount), "source": str(source)},
        )
    return PostingResult(payment, created=True)


def _apply_payment(loan: Loan, payment: Payment, value_date: date) -> dict[str, Any]:
    detail = settle(loan, business_date=value_date, new_money=payment.amount, payment=payment)
    if payment.prepay:
        detail["prepayment"] = prepay_principal(loan, payment=payment, value_date=value_date)
        _restore_line(loan, Decimal(detail["prepayment"].get("principal", "0")))
        refresh_loan_state(loan, business_date=value_date)
    return detail


def _create_payment(
    loan: Loan,
    amount: Decimal,
    channel: str,
    txn_id: str,
    value_date: date,
    source: PaymentSource,
    prepay: bool,
    acting_user: Any,
) -> Payment | None:
    try:
        with transaction.atomic():
            return Payment.objects.create(
                loan=loan,
                channel=channel,
                channel_txn_id=txn_id,
                amount=amount,
                value_date=value_date,
                source=source,
                prepay=prepay,
                posted_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            )
    except IntegrityError:
        return None


def open_installments(loan: Loan) -> list[Installment]:
    return list(Installment.objects.filter(loan=loan, status__in=OPEN).order_by("period"))


def due_of(row: Installment) -> Due:
    return Due(
        period=row.period,
        penalty=row.penalty_due - row.penalty_paid,
        fee=row.fee_due - row.fee_paid,
        interest=row.interest_due - row.interest_paid,
        principal=row.principal_due - row.principal_paid,
    )


def is_settled(row: Installment) -> bool:
    return bool(
        row.principal_paid == row.principal_due
        and row.interest_paid == row.interest_due
        and row.fee_paid == row.fee_due
        and row.penalty_paid == row.penalty_due
    )


def settle(
    loan: Loan, *, business_date: date, new_money: Decimal = ZERO, payment: Payment | None = None
) -> dict[str, Any]:
    """Apply new money plus the loan's credit balance to its open installments, oldest first."""
    rows = open_installments(loan)
    credit_before = loan.credit_balance
    allocation = allocate(
        new_money + credit_before,
        [due_of(row) for row in rows],
        order=parse_order(loan.product.allocation_order),
        strategy=AllocationStrategy(loan.product.allocation_strategy),
    )
    statuses = _apply_parts(rows, allocation, business_date)
    post_entry(
        loan,
        kind=EntryKind.REPAYMENT if new_money else EntryKind.CREDIT_APPLIED,
        business_date=business_date,
        legs=repayment_legs(new_money, credit_before, allocation),
        payment=payment,
    )
    principal = allocation.total(Component.PRINCIPAL)
    before = {"status": loan.status, "dpd": loan.dpd, "bucket": loan.bucket}
    _restore_line(loan, principal)
    refresh_loan_state(loan, business_date=business_date)
    return {
        "parts": [[p.period, p.component.value, str(p.amount)] for p in allocation.parts],
        "statuses": statuses,
        "loan_before": before,
        "credit_used": str(min(credit_before, allocation.applied)),
        "unapplied": str(allocation.unapplied),
    }


def _apply_parts(rows: list[Installment], allocation: Allocation, on: date) -> dict[str, str]:
    by_period = {row.period: row for row in rows}
    touched: dict[int, Installment] = {}
    for part in allocation.parts:
        row = by_period[part.period]
        name = f"{part.component.value}_paid"
        setattr(row, name, getattr(row, name) + part.amount)
        touched[row.period] = row
    statuses = {}
    for row in touched.values():
        statuses[str(row.period)] = row.status
        fields = ["principal_paid", "interest_paid", "fee_paid", "penalty_paid"]
        if is_settled(row):
            transition_installment(row, to=InstallmentStatus.PAID, paid_on=on)
        row.save(update_fields=fields)
    return statuses


def repayment_legs(new_money: Decimal, credit_before: Decimal, allocation: Allocation) -> list[Leg]:
    legs = [debit(Account.CLEARING, new_money)]
    legs += [credit(RECEIVABLE[c], allocation.total(c)) for c in Component]
    suspense_change = allocation.unapplied - credit_before
    if suspense_change > ZERO:
        legs.append(credit(Account.SUSPENSE, suspense_change))
    elif suspense_change < ZERO:
        legs.append(debit(Account.SUSPENSE, -suspense_change))
    return legs


def _restore_line(loan: Loan, principal: Decimal) -> None:
    line = loan.line if loan.line_id is not None else None
    if principal > ZERO and line is not None and line.revolving:
        restore_available(line.pk, principal)


def refresh_loan_state(loan: Loan, *, business_date: date) -> None:
    """Paid off when nothing is owed; otherwise DPD from the oldest installment still overdue."""
    still_open = Installment.objects.filter(loan=loan).exclude(status=InstallmentStatus.PAID)
    state = still_open.aggregate(
        rows=Count("pk"), oldest=Min("due_date", filter=Q(status=InstallmentStatus.OVERDUE))
    )
    if not state["rows"] and loan.principal_balance == ZERO:
        paid_off_on = loan.paid_off_on or business_date
        transition_loan(loan, to=LoanStatus.PAID_OFF, dpd=0, bucket="M0", paid_off_on=paid_off_on)
        return
    oldest: date | None = state["oldest"]
    if oldest is None:
        transition_loan(loan, to=LoanStatus.ACTIVE, dpd=0, bucket="M0", paid_off_on=None)
        return
    # DPD is as of the last end of day, like the batch measures it.
    dpd = max(0, ((last_end_of_day() or business_date) - oldest).days)
    transition_loan(loan, to=LoanStatus.OVERDUE, dpd=dpd, bucket=bucket_for(dpd), paid_off_on=None)


def last_end_of_day() -> date | None:
    run = (
        EodRun.objects.filter(status=EodRunStatus.COMPLETED)
        .order_by("-business_date")
        .values_list("business_date", flat=True)
        .first()
    )
    return run


def apply_credit_balance(loan: Loan, *, business_date: date) -> None:
    """End of day: overpaid money waiting in suspense settles what has just fallen due."""
    if loan.credit_balance > ZERO:
        settle(loan, business_date=business_date)


MANUAL_CHANNEL = "manual"


def post_manual_payment(
    loan: Loan,
    *,
    amount: Decimal,
    reference: str,
    value_date: date,
    acting_user: Any,
    prepay: bool = False,
) -> PostingResult:
    """A payment keyed in by staff (loans.post_payment); the reference keeps it idempotent."""
    reference = reference.strip()[:64]
    if not reference:
        raise DomainError("give the payment's reference", field="reference")
    return post_payment(
        loan,
        amount=amount,
        channel=MANUAL_CHANNEL,
        channel_txn_id=reference,
        value_date=value_date,
        source=PaymentSource.MANUAL,
        prepay=prepay,
        acting_user=acting_user,
    )
