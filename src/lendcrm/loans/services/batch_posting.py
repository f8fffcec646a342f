"""Posting many payments at once, with the same result as posting them one by one.

`post_payment` (services/repayments.py) is the reference: it bills what is due by the value
date, allocates the money plus any credit balance, books one entry and refreshes the loan's
status, about twenty statements and one audit append per payment. Here one batch of payments
on distinct loans does the same work with a fixed number of statements: the loans, their open
installments and the earlier postings are read once, the arithmetic runs in memory with the
same functions (`allocate`, `_legs`, the transition tables), and the writes go out in bulk, with
the audit events appended under one lock of the chain head. test_batch_posting.py checks that
both paths leave identical installments, journals, balances and statuses.

The caller holds a transaction and passes at most one payment per loan; repeats of a loan go
into the next batch, so that each payment sees the previous one's effect.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from lendcrm.audit.services import record_events
from lendcrm.core import clock
from lendcrm.core.bulk import insert_rows, update_rows
from lendcrm.core.money import ZERO, to_money
from lendcrm.loans.allocation import Allocation, allocate, parse_order
from lendcrm.loans.buckets import bucket_for
from lendcrm.loans.choices import (
    Account,
    AllocationStrategy,
    Component,
    EntryKind,
    InstallmentStatus,
    LoanStatus,
    PaymentSource,
)
from lendcrm.loans.models import Installment, JournalEntry, JournalLine, Loan, Payment
from lendcrm.loans.services.credit_lines import restore_available
from lendcrm.loans.services.ledger import BALANCE_COLUMNS, Leg, check_legs, credit, debit
from lendcrm.loans.services.repayments import (
    OPEN,
    POSTABLE,
    due_of,
    is_settled,
    last_end_of_day,
    repayment_legs,
)
from lendcrm.loans.transitions import (
    INSTALLMENT_TRANSITIONS,
    LOAN_TRANSITIONS,
    TransitionRefused,
    is_allowed,
)

PAID_FIELDS = ("principal_paid", "interest_paid", "fee_paid", "penalty_paid")
LOAN_FIELDS = (
    "principal_balance",
    "interest_balance",
    "penalty_balance",
    "fee_balance",
    "credit_balance",
    "status",
    "dpd",
    "bucket",
    "paid_off_on",
)


@dataclass(frozen=True)
class BatchPayment:
    key: Any  # the caller's handle for the result, e.g. the inbox notice id
    loan_id: int
    amount: Decimal
    channel: str
    channel_txn_id: str
    value_date: date
    source: PaymentSource = PaymentSource.WEBHOOK


@dataclass(frozen=True)
class BatchResult:
    key: Any
    outcome: str  # posted, duplicate, failed
    payment_id: int | None = None
    error: str = ""


@dataclass
class _Entry:
    loan: Loan
    kind: EntryKind
    business_date: date
    legs: list[Leg]
    payment_index: int | None = None


@dataclass
class _Plan:
    payments: list[Payment] = field(default_factory=list)
    keys: list[Any] = field(default_factory=list)
    entries: list[_Entry] = field(default_factory=list)
    installments: dict[int, Installment] = field(default_factory=dict)
    loans: dict[int, Loan] = field(default_factory=dict)
    line_restores: list[tuple[int, Decimal]] = field(default_factory=list)


def post_batch(items: list[BatchPayment]) -> list[BatchResult]:
    """Post payments on distinct loans; a repeat of a channel transaction is a duplicate."""
    if len({item.loan_id for item in items}) != len(items):
        raise ValueError("a batch takes one payment per loan")
    if not items:
        return []
    with transaction.atomic(savepoint=False):
        loans = _lock_loans([item.loan_id for item in items])
        earlier = _earlier_payments(items)
        rows_by_loan, unpaid = _billable_installments(
            list(loans), upto=max(item.value_date for item in items)
        )
        last_eod = last_end_of_day()
        today = clock.today()
        plan = _Plan()
        results: dict[Any, BatchResult] = {}
        for item in items:
            refusal = _refusal(item, loans.get(item.loan_id), earlier, today)
            if refusal is not None:
                results[item.key] = refusal
                continue
            loan = loans[item.loan_id]
            _plan_payment(plan, item, loan, rows_by_loan[loan.pk], unpaid.get(loan.pk, 0), last_eod)
        _write(plan)
        for key, payment in zip(plan.keys, plan.payments, strict=True):
            results[key] = BatchResult(key, "posted", payment.pk)
    return [results[item.key] for item in items]


def _lock_loans(loan_ids: list[int]) -> dict[int, Loan]:
    rows = (
        Loan.objects.select_for_update(of=("self",))
        .select_related("product", "line")
        .filter(pk__in=loan_ids)
        .order_by("pk")  # one lock order for every writer: no deadlocks between batches
    )
    return {loan.pk: loan for loan in rows}


def _earlier_payments(items: list[BatchPayment]) -> dict[tuple[str, str], int]:
    rows = Payment.objects.filter(
        channel__in={item.channel for item in items},
        channel_txn_id__in={item.channel_txn_id for item in items},
    ).values_list("channel", "channel_txn_id", "pk")
    return {(channel, txn): pk for channel, txn, pk in rows}


def _billable_installments(
    loan_ids: list[int], *, upto: date
) -> tuple[dict[int, list[Installment]], dict[int, int]]:
    """Rows a payment may bill or settle (open, or scheduled by `upto`), and unpaid row counts.

    Later scheduled rows only count towards "is anything still owed": a count is enough.
    """
    rows = (
        Installment.objects.filter(loan_id__in=loan_ids)
        .filter(Q(status__in=OPEN) | Q(status=InstallmentStatus.SCHEDULED, due_date__lte=upto))
        .order_by("loan_id", "period")
    )
    by_loan: dict[int, list[Installment]] = defaultdict(list)
    for row in rows:
        by_loan[row.loan_id].append(row)
    unpaid = (
        Installment.objects.filter(loan_id__in=loan_ids)
        .exclude(status=InstallmentStatus.PAID)
        .values("loan_id")
        .annotate(rows=Count("pk"))
        .values_list("loan_id", "rows")
    )
    return by_loan, dict(unpaid)


def _refusal(
    item: BatchPayment,
    loan: Loan | None,
    earlier: dict[tuple[str, str], int],
    today: date,
) -> BatchResult | None:
    existing = earlier.get((item.channel, item.channel_txn_id))
    if existing is not None:
        return BatchResult(item.key, "duplicate", existing)
    if loan is None:
        return BatchResult(item.key, "failed", error="unknown loan")
    if to_money(item.amount) <= ZERO:
        return BatchResult(item.key, "failed", error="amount must be positive")
    if item.value_date > today:
        return BatchResult(item.key, "failed", error="the value date is in the future")
    if loan.status not in POSTABLE:
        return BatchResult(item.key, "failed", error=f"the loan is {loan.get_status_display()}")
    return None


def _plan_payment(
    plan: _Plan,
    item: BatchPayment,
    loan: Loan,
    rows: list[Installment],
    unpaid: int,
    last_eod: date | None,
) -> None:
    on = item.value_date
    amount = to_money(item.amount)
    _plan_billing(plan, loan, rows, on)
    open_rows = sorted((row for row in rows if row.status in OPEN), key=lambda r: r.period)
    credit_before = loan.credit_balance
    allocation = allocate(
        amount + credit_before,
        [due_of(row) for row in open_rows],
        order=parse_order(loan.product.allocation_order),
        strategy=AllocationStrategy(loan.product.allocation_strategy),
    )
    statuses = _plan_parts(plan, open_rows, allocation, on)
    payment = Payment(
        loan=loan,
        channel=item.channel,
        channel_txn_id=item.channel_txn_id,
        amount=amount,
        value_date=on,
        source=item.source,
    )
    plan.payments.append(payment)
    plan.keys.append(item.key)
    _plan_entry(
        plan,
        loan,
        EntryKind.REPAYMENT,
        on,
        repayment_legs(amount, credit_before, allocation),
        payment,
    )
    before = {"status": loan.status, "dpd": loan.dpd, "bucket": loan.bucket}
    principal = allocation.total(Component.PRINCIPAL)
    if principal > ZERO and loan.line is not None and loan.line.revolving:
        plan.line_restores.append((loan.line.pk, principal))
    _plan_loan_state(loan, rows, unpaid, on, last_eod)
    plan.loans[loan.pk] = loan
    payment.allocation = {
        "parts": [[p.period, p.component.value, str(p.amount)] for p in allocation.parts],
        "statuses": statuses,
        "loan_before": before,
        "credit_used": str(min(credit_before, allocation.applied)),
        "unapplied": str(allocation.unapplied),
    }


def _plan_billing(plan: _Plan, loan: Loan, rows: list[Installment], on: date) -> None:
    interest, fee = ZERO, ZERO
    for row in rows:
        if row.status == InstallmentStatus.SCHEDULED and row.due_date <= on:
            _move_installment(row, InstallmentStatus.DUE)
            plan.installments[row.pk] = row
            interest += row.interest_due
            fee += row.fee_due
    legs = [
        debit(Account.INTEREST_RECEIVABLE, interest),
        credit(Account.INTEREST_INCOME, interest),
        debit(Account.FEE_RECEIVABLE, fee),
        credit(Account.FEE_INCOME, fee),
    ]
    _plan_entry(plan, loan, EntryKind.BILLING, on, legs, None)


def _plan_parts(
    plan: _Plan, rows: list[Installment], allocation: Allocation, on: date
) -> dict[str, str]:
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
        if is_settled(row):
            _move_installment(row, InstallmentStatus.PAID)
            row.paid_on = on
        plan.installments[row.pk] = row
    return statuses


def _plan_entry(
    plan: _Plan,
    loan: Loan,
    kind: EntryKind,
    on: date,
    legs: list[Leg],
    payment: Payment | None,
) -> None:
    kept = [leg for leg in legs if leg.debit or leg.credit]
    check_legs(kept)
    if not kept:
        return
    index = len(plan.payments) - 1 if payment is not None else None
    plan.entries.append(_Entry(loan, kind, on, kept, index))
    for leg in kept:
        column = BALANCE_COLUMNS.get(leg.account)
        if column is not None:
            name, sign = column
            setattr(loan, name, getattr(loan, name) + sign * (leg.debit - leg.credit))


def _plan_loan_state(
    loan: Loan, rows: list[Installment], unpaid: int, on: date, last_eod: date | None
) -> None:
    """refresh_loan_state in memory: `rows` were all unpaid when read, `unpaid` counts every one."""
    still_open = unpaid - sum(1 for row in rows if row.status == InstallmentStatus.PAID)
    overdue = [row.due_date for row in rows if row.status == InstallmentStatus.OVERDUE]
    if not still_open and loan.principal_balance == ZERO:
        _move_loan(loan, LoanStatus.PAID_OFF, 0, "M0", loan.paid_off_on or on)
    elif not overdue:
        _move_loan(loan, LoanStatus.ACTIVE, 0, "M0", None)
    else:
        dpd = max(0, ((last_eod or on) - min(overdue)).days)
        _move_loan(loan, LoanStatus.OVERDUE, dpd, bucket_for(dpd), None)


def _move_installment(row: Installment, to: InstallmentStatus) -> None:
    if not is_allowed(INSTALLMENT_TRANSITIONS, row.status, to):
        raise TransitionRefused(f"installment: {row.status} → {to} is not allowed", field="status")
    row.status = to


def _move_loan(loan: Loan, to: LoanStatus, dpd: int, bucket: str, paid_off_on: date | None) -> None:
    if not is_allowed(LOAN_TRANSITIONS, loan.status, to):
        raise TransitionRefused(f"loan: {loan.status} → {to} is not allowed", field="status")
    loan.status, loan.dpd, loan.bucket, loan.paid_off_on = to, dpd, bucket, paid_off_on


def _write(plan: _Plan) -> None:
    if not plan.payments:
        return
    insert_rows(Payment, plan.payments)
    entries = [
        JournalEntry(
            loan=entry.loan,
            business_date=entry.business_date,
            kind=entry.kind,
            payment=plan.payments[entry.payment_index] if entry.payment_index is not None else None,
        )
        for entry in plan.entries
    ]
    insert_rows(JournalEntry, entries)
    insert_rows(
        JournalLine,
        [
            JournalLine(
                entry=row, loan=entry.loan, account=leg.account, debit=leg.debit, credit=leg.credit
            )
            for row, entry in zip(entries, plan.entries, strict=True)
            for leg in entry.legs
        ],
    )
    update_rows(Installment, list(plan.installments.values()), ["status", "paid_on", *PAID_FIELDS])
    update_rows(Loan, list(plan.loans.values()), LOAN_FIELDS)
    for line_id, principal in sorted(plan.line_restores):
        restore_available(line_id, principal)
    record_events(
        [
            {
                "action": "loans.payment_posted",
                "target": payment,
                "metadata": {
                    "loan": payment.loan.loan_no,
                    "amount": str(payment.amount),
                    "source": str(payment.source),
                },
            }
            for payment in plan.payments
        ]
    )
