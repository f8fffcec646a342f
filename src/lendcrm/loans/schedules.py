"""Repayment schedules (还款计划): pure calculation, no database.

    schedule = build_schedule(Decimal("1000000"), Decimal("0.049"), 360,
                              RepaymentMethod.EQUAL_INSTALLMENT, date(2025, 1, 15))
    schedule.installments[0].payment  # Decimal("5307.27")

Rules. Periods are months; each due date keeps the start date's day of month, clamped to the
month's end. Interest is the outstanding principal × annual rate / 12 a period, or with the
actual/365 convention × days in the period / 365. Every amount is rounded half up to the cent
once, and the last period takes the residue so the principal parts sum exactly to the
principal. An equal installment is the exact annuity rounded half up, lowered a cent at a time
in the rare case (a small principal over a long term) where rounding up would repay the loan
before its last period; equal principal parts likewise. A bullet loan is one installment at
maturity with simple interest.

The arithmetic runs on integer cents (`schedule/cents.py`); Decimals are built only when a
caller reads the installments or totals. `schedule/reference.py` is a plain Decimal version of
the same rules that the tests hold the fast path to.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise
from typing import Any

from lendcrm.loans.choices import RepaymentMethod
from lendcrm.loans.schedule import cents
from lendcrm.loans.schedule.calendar import add_months, month_ordinals
from lendcrm.loans.schedule.choices import InterestConvention, PrepaymentMode, ScheduleInputError
from lendcrm.loans.schedule.result import Installment, Schedule, Terms

__all__ = [
    "MAX_TERM",
    "Installment",
    "InterestConvention",
    "PrepaymentMode",
    "Schedule",
    "ScheduleInputError",
    "build_schedule",
    "reschedule_after_prepayment",
    "schedule_as_dict",
]

MAX_TERM = 600  # months; fifty years is beyond any product we issue

# plain strings: comparing with enum members costs ~0.2 µs a time
_EQUAL_INSTALLMENT = RepaymentMethod.EQUAL_INSTALLMENT.value
_EQUAL_PRINCIPAL = RepaymentMethod.EQUAL_PRINCIPAL.value
_BULLET = RepaymentMethod.BULLET.value
_MONTHLY = InterestConvention.MONTHLY_30_360.value
_METHODS = frozenset(RepaymentMethod.values)
_CONVENTIONS = frozenset(InterestConvention.values)


@lru_cache(maxsize=4096)
def _rate_ratio(annual_rate: Decimal) -> tuple[int, int]:
    return annual_rate.as_integer_ratio()  # a portfolio has few distinct rates


def _ratio_of(value: Decimal, field: str) -> tuple[int, int]:
    if type(value) is not Decimal and (isinstance(value, bool) or not isinstance(value, int)):
        raise ScheduleInputError("must be a Decimal, never a float", field=field)
    try:
        return value.as_integer_ratio()
    except (ValueError, OverflowError):  # NaN, infinity
        raise ScheduleInputError("must be a number", field=field) from None


def _cents_of(amount: Decimal, field: str) -> int:
    numerator, denominator = _ratio_of(amount, field)
    if numerator <= 0:
        raise ScheduleInputError("must be greater than 0", field=field)
    if 100 % denominator:
        raise ScheduleInputError("must be in cents (at most 2 decimal places)", field=field)
    return numerator * (100 // denominator)


def _check(term: int, method: str, convention: str, start: date) -> None:
    if isinstance(term, bool) or not isinstance(term, int):
        raise ScheduleInputError("must be a whole number of months", field="term")
    if not 1 <= term <= MAX_TERM:
        message = "must be at least 1" if term < 1 else f"must be at most {MAX_TERM}"
        raise ScheduleInputError(message, field="term")
    if method not in _METHODS:
        raise ScheduleInputError(f"unknown repayment method {method!r}", field="method")
    if convention not in _CONVENTIONS:
        raise ScheduleInputError(f"unknown interest convention {convention!r}", field="convention")
    if not isinstance(start, date):
        raise ScheduleInputError("must be a date", field="start")


def _weights(terms: Terms, start_month: int, count: int) -> tuple[list[int], int]:
    """Interest weights per period and their divisor (see schedule/cents.py)."""
    if terms.convention == _MONTHLY:
        return [terms.rate_num] * count, 12 * terms.rate_den
    ordinals = month_ordinals(terms.start, range(start_month, start_month + count + 1))
    return [terms.rate_num * (b - a) for a, b in pairwise(ordinals)], 365 * terms.rate_den


def _bullet_interest(terms: Terms, principal: int, start_month: int, term: int) -> int:
    if terms.convention == _MONTHLY:
        return cents.half_up(principal * terms.rate_num * term, 12 * terms.rate_den)
    maturity = add_months(terms.start, start_month + term)
    days = (maturity - add_months(terms.start, start_month)).days
    return cents.half_up(principal * terms.rate_num * days, 365 * terms.rate_den)


def _build(terms: Terms, principal: int, start_month: int, term: int, period0: int) -> Schedule:
    method = terms.method
    if method == _BULLET:
        interest = _bullet_interest(terms, principal, start_month, term)
        return Schedule(terms, principal, ([principal], [interest]), start_month, term, period0, 0)
    weights, divisor = _weights(terms, start_month, term)
    if method == _EQUAL_INSTALLMENT:
        payment = cents.annuity_payment(principal, terms.rate_num, terms.rate_den, term)
        parts, level = cents.equal_installment(principal, weights, divisor, payment)
    elif method == _EQUAL_PRINCIPAL:
        level = cents.equal_principal_part(principal, term)
        parts = cents.level_principal(principal, weights, divisor, level)
    else:
        level = 0
        parts = cents.interest_only(principal, weights, divisor)
    return Schedule(terms, principal, parts, start_month, term, period0, level)


def build_schedule(
    principal: Decimal,
    annual_rate: Decimal,
    term: int,
    method: RepaymentMethod,
    start: date,
    *,
    convention: InterestConvention = InterestConvention.MONTHLY_30_360,
) -> Schedule:
    """The repayment schedule of a loan of `principal` over `term` months from `start`.

    Raises ScheduleInputError naming the argument (principal, annual_rate, term, method,
    start, convention) when one cannot be used.
    """
    principal_cents = _cents_of(principal, "principal")
    if type(annual_rate) is Decimal and annual_rate.is_finite():
        rate_num, rate_den = _rate_ratio(annual_rate)
    else:
        rate_num, rate_den = _ratio_of(annual_rate, "annual_rate")
    if rate_num < 0:
        raise ScheduleInputError("must not be negative", field="annual_rate")
    _check(term, method, convention, start)
    terms = tuple.__new__(Terms, (annual_rate, rate_num, rate_den, method, convention, start))
    return _build(terms, principal_cents, 0, term, 0)


def reschedule_after_prepayment(
    schedule: Schedule, *, paid_through: int, amount: Decimal, keep: PrepaymentMode
) -> Schedule:
    """The remaining schedule after prepaying `amount` of principal (提前还款).

    `paid_through` is the period number of the last installment settled (0 = none): the
    prepayment is taken on that installment's due date (or at the start), so interest accrued
    between then and the day the money arrived is for the ledger to charge. `schedule` may
    itself be the result of an earlier prepayment; periods keep their numbers and due dates.
    KEEP_TERM keeps the last period and lowers the installment; KEEP_INSTALLMENT keeps the
    installment (the level payment, or the level principal part for equal principal) and
    shortens the term; it applies only to equal_installment and equal_principal. A prepayment
    of the whole balance settles the loan and is refused here.
    """
    parts = schedule.principal_parts
    first = schedule.first_period
    if isinstance(paid_through, bool) or not isinstance(paid_through, int):
        raise ScheduleInputError("must be a whole number of periods", field="paid_through")
    if not first - 1 <= paid_through < first - 1 + len(parts):
        last = first - 2 + len(parts)
        raise ScheduleInputError(f"must be between {first - 1} and {last}", field="paid_through")
    settled = paid_through - (first - 1)
    balance = schedule.principal_cents - sum(parts[:settled])
    outstanding = balance - _cents_of(amount, "amount")
    if outstanding <= 0:
        raise ScheduleInputError(
            "must be less than the outstanding principal; repaying it all settles the loan",
            field="amount",
        )
    return _rebuild_after(schedule, settled, outstanding, keep)


def _rebuild_after(
    schedule: Schedule, settled: int, outstanding: int, keep: PrepaymentMode
) -> Schedule:
    terms = schedule.terms
    start_month = schedule.start_month + settled
    remaining = schedule.term - settled
    period0 = schedule.first_period - 1 + settled
    if keep == PrepaymentMode.KEEP_TERM:
        return _build(terms, outstanding, start_month, remaining, period0)
    if keep != PrepaymentMode.KEEP_INSTALLMENT:
        raise ScheduleInputError(f"unknown prepayment mode {keep!r}", field="keep")
    weights, divisor = _weights(terms, start_month, remaining)
    level = schedule.level
    if terms.method == _EQUAL_INSTALLMENT:
        parts = cents.level_payment_until_repaid(outstanding, weights, divisor, level)
    elif terms.method == _EQUAL_PRINCIPAL:
        periods = min(-(-outstanding // max(level, 1)), remaining)
        parts = cents.level_principal(outstanding, weights[:periods], divisor, level)
    else:
        raise ScheduleInputError(
            "keeping the installment applies to equal_installment and equal_principal",
            field="keep",
        )
    return Schedule(terms, outstanding, parts, start_month, len(parts[0]), period0, level)


def schedule_as_dict(schedule: Schedule) -> dict[str, Any]:
    """The JSON shape shared by the CLI and the API: amounts as strings with two decimals."""
    return {
        "installments": [
            {
                "period": row.period,
                "due_date": row.due_date.isoformat(),
                "principal": str(row.principal),
                "interest": str(row.interest),
                "payment": str(row.payment),
                "balance": str(row.balance),
            }
            for row in schedule.installments
        ],
        "total_principal": str(schedule.total_principal),
        "total_interest": str(schedule.total_interest),
        "total_payment": str(schedule.total_payment),
        "apr": str(schedule.apr),
    }
