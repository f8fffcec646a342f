"""Drawdowns (用信) on a line and single loans (单笔单贷): each creates a loan note with its schedule.

The line row is locked (select_for_update) for the whole check-and-reserve, so concurrent
drawdowns can never take more than the available limit (docs/adr/0002-money-concurrency.md).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import Conflict, DomainError
from lendcrm.core.money import ZERO, to_money
from lendcrm.customers.models import Customer
from lendcrm.loans.choices import (
    CreditLineStatus,
    LoanStatus,
    ProductKind,
    RepaymentMethod,
)
from lendcrm.loans.models import CreditLine, Drawdown, Loan, Product
from lendcrm.loans.services.numbers import new_number
from lendcrm.loans.services.prepayments import create_rows
from lendcrm.loans.services.schedule_bridge import schedule_for


def _check_request(product: Product, amount: Decimal, term: int, method: str) -> None:
    if not product.min_amount <= amount <= product.max_amount:
        raise DomainError(
            f"amount must lie within {product.min_amount}–{product.max_amount}", field="amount"
        )
    if product.terms and term not in product.terms:
        raise DomainError(f"term must be one of {product.terms}", field="term")
    if product.repayment_methods and method not in product.repayment_methods:
        raise DomainError("repayment method not offered by the product", field="method")


def _create_loan(
    *,
    customer: Customer,
    product: Product,
    amount: Decimal,
    term: int,
    method: RepaymentMethod,
    annual_rate: Decimal,
    start: date,
    line: CreditLine | None = None,
    application: Any = None,
) -> Loan:
    schedule = schedule_for(product, amount, annual_rate, term, method, start)
    loan = Loan.objects.create(
        loan_no=new_number("LN"),
        customer=customer,
        product=product,
        line=line,
        application=application,
        principal=amount,
        annual_rate=annual_rate,
        penalty_rate=product.penalty_rate_for(annual_rate),
        term=term,
        method=method,
        start_date=start,
        maturity_date=schedule[-1].due_date,
        convention=product.interest_convention,
        status=LoanStatus.PENDING,
        owner_id=customer.owner_id,
        team_id=customer.team_id,
        branch_id=customer.branch_id,
    )
    create_rows(loan, schedule)
    return loan


def request_drawdown(
    line: CreditLine,
    *,
    amount: Decimal,
    term: int,
    method: RepaymentMethod,
    acting_user: Any,
    on: date | None = None,
) -> Drawdown:
    """Reserve the amount on the line and create the pending loan note with its schedule."""
    amount = to_money(amount)
    on = on or clock.today()
    if amount <= ZERO:
        raise DomainError("amount must be positive", field="amount")
    with transaction.atomic():
        locked = CreditLine.objects.select_for_update().select_related("product").get(pk=line.pk)
        _check_line_open(locked, on)
        _check_request(locked.product, amount, term, method)
        if amount > locked.available:
            raise Conflict(f"only {locked.available} of the line is available", field="amount")
        locked.available -= amount
        locked.save(update_fields=["available", "updated_at"])
        loan = _create_loan(
            customer=locked.customer,
            product=locked.product,
            amount=amount,
            term=term,
            method=method,
            annual_rate=locked.annual_rate,
            start=on,
            line=locked,
        )
        drawdown = Drawdown.objects.create(
            drawdown_no=new_number("DD"),
            line=locked,
            loan=loan,
            amount=amount,
            requested_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        )
        _record_drawdown(drawdown, locked, loan, acting_user)
    return drawdown


def _record_drawdown(drawdown: Drawdown, line: CreditLine, loan: Loan, acting_user: Any) -> None:
    record_event(
        "loans.drawdown_requested",
        actor=acting_user,
        target=drawdown,
        metadata={"line": line.line_no, "loan": loan.loan_no, "amount": str(drawdown.amount)},
    )


def _check_line_open(line: CreditLine, on: date) -> None:
    if line.status != CreditLineStatus.ACTIVE:
        raise Conflict(f"the line is {line.get_status_display()}", field="line")
    if not line.valid_from <= on <= line.valid_until:
        raise Conflict("the line is not valid on this date", field="line")


def create_single_loan(
    *,
    customer: Customer,
    product: Product,
    amount: Decimal,
    term: int,
    method: RepaymentMethod,
    annual_rate: Decimal,
    acting_user: Any,
    application: Any = None,
    start: date | None = None,
) -> Loan:
    """A single loan (单笔单贷), e.g. from an approved application: pending until disbursed."""
    amount = to_money(amount)
    if product.kind != ProductKind.SINGLE_LOAN:
        raise DomainError("the product is not a single-loan product", field="product")
    _check_request(product, amount, term, method)
    if not product.min_rate <= annual_rate <= product.max_rate:
        raise DomainError("annual rate outside the product's range", field="annual_rate")
    with transaction.atomic():
        loan = _create_loan(
            customer=customer,
            product=product,
            amount=amount,
            term=term,
            method=method,
            annual_rate=annual_rate,
            start=start or clock.today(),
            application=application,
        )
        record_event(
            "loans.single_loan_created",
            actor=acting_user,
            target=loan,
            metadata={"amount": str(amount), "term": term, "method": str(method)},
        )
    return loan
