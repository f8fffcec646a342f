"""Turns the pure schedule engine's result into the rows a loan note stores.

A loan's current schedule is the original one with its prepayments replayed in order
(Loan.prepayments), so rescheduling always starts from the engine's own Schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lendcrm.core.money import to_money
from lendcrm.loans.choices import RepaymentMethod
from lendcrm.loans.models import Loan, Product
from lendcrm.loans.schedules import (
    InterestConvention,
    PrepaymentMode,
    Schedule,
    build_schedule,
    reschedule_after_prepayment,
)

LEVEL_METHODS = frozenset({RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.EQUAL_PRINCIPAL})


@dataclass(frozen=True)
class ScheduleRow:
    period: int
    due_date: date
    principal: Decimal
    interest: Decimal
    fee: Decimal


def rows_of(schedule: Schedule, *, fee: Decimal) -> list[ScheduleRow]:
    return [
        ScheduleRow(
            period=item.period,
            due_date=item.due_date,
            principal=to_money(item.principal),
            interest=to_money(item.interest),
            fee=fee,
        )
        for item in schedule.installments
    ]


def fee_per_period(product: Product, principal: Decimal) -> Decimal:
    return to_money(principal * product.fee_rate_per_period)


def schedule_for(
    product: Product,
    principal: Decimal,
    annual_rate: Decimal,
    term: int,
    method: RepaymentMethod,
    start: date,
) -> list[ScheduleRow]:
    schedule = build_schedule(
        principal,
        annual_rate,
        term,
        RepaymentMethod(method),
        start,
        convention=InterestConvention(product.interest_convention),
    )
    return rows_of(schedule, fee=fee_per_period(product, principal))


def prepayment_mode(product: Product, method: str) -> PrepaymentMode:
    """Shortening the term keeps a level amount, so it needs a level method."""
    mode = PrepaymentMode(product.prepayment_mode)
    if mode == PrepaymentMode.KEEP_INSTALLMENT and method not in LEVEL_METHODS:
        return PrepaymentMode.KEEP_TERM
    return mode


def current_schedule(loan: Loan) -> Schedule:
    schedule = build_schedule(
        loan.principal,
        loan.annual_rate,
        loan.term,
        RepaymentMethod(loan.method),
        loan.start_date,
        convention=InterestConvention(loan.convention),
    )
    for step in loan.prepayments:
        schedule = reschedule_after_prepayment(
            schedule,
            paid_through=int(step["paid_through"]),
            amount=Decimal(step["amount"]),
            keep=PrepaymentMode(step["keep"]),
        )
    return schedule


def rows_after_prepayment(
    loan: Loan, *, paid_through: int, amount: Decimal
) -> tuple[list[ScheduleRow], dict[str, str]]:
    """The remaining rows after prepaying `amount`, and the step to append to the loan."""
    keep = prepayment_mode(loan.product, loan.method)
    schedule = reschedule_after_prepayment(
        current_schedule(loan), paid_through=paid_through, amount=amount, keep=keep
    )
    step = {"paid_through": str(paid_through), "amount": str(amount), "keep": keep.value}
    return rows_of(schedule, fee=fee_per_period(loan.product, loan.principal)), step
