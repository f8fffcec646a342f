"""The result types: Schedule and Installment, built lazily from integer cents."""

from __future__ import annotations

import operator
from datetime import date
from decimal import Decimal
from itertools import accumulate, repeat
from typing import NamedTuple

from lendcrm.loans.choices import RepaymentMethod
from lendcrm.loans.schedule.apr import annualised_rate
from lendcrm.loans.schedule.calendar import add_months, due_dates
from lendcrm.loans.schedule.choices import InterestConvention

CENT = Decimal("0.01")
BULLET = RepaymentMethod.BULLET.value  # plain strings: enum member look-ups cost ~0.2 µs each


class Installment(NamedTuple):
    period: int
    due_date: date
    principal: Decimal
    interest: Decimal
    payment: Decimal
    balance: Decimal  # principal outstanding after this installment


class Terms(NamedTuple):
    """What a loan's schedules share: its rate, as a Decimal and as an integer ratio, etc."""

    annual_rate: Decimal
    rate_num: int
    rate_den: int
    method: str
    convention: str
    start: date  # the loan's start: every due date is start + whole months


def money(amount_in_cents: int) -> Decimal:
    return CENT * amount_in_cents


_to_money = CENT.__mul__  # bound method: about half the cost of `CENT * x` in a comprehension


def _money_column(amounts: list[int]) -> list[Decimal]:
    distinct = set(amounts)
    if 2 * len(distinct) >= len(amounts):
        return list(map(_to_money, amounts))
    # level payments and level principal parts: one Decimal per distinct amount is enough
    table = dict(zip(distinct, map(_to_money, distinct), strict=True))
    return list(map(table.__getitem__, amounts))


class CentRow(NamedTuple):
    """One installment in integer cents: what bulk persistence and the batch engines consume."""

    period: int
    due_date: date
    principal: int
    interest: int
    balance: int


class Schedule:
    """The installments of one loan, or of what remains of it after a prepayment.

    Holds integer cents; `installments`, the totals and `apr` are computed on first read.
    `start_month` counts months from the loan's start to this schedule's start, `term` the
    months it runs; `level` is the level payment (or level principal part) in cents.
    """

    __slots__ = (
        "_apr",
        "_installments",
        "_interests",
        "_period0",
        "_principal_cents",
        "_principals",
        "_terms",
        "level",
        "start_month",
        "term",
    )

    def __init__(
        self,
        terms: Terms,
        principal_cents: int,
        parts: tuple[list[int], list[int]],
        start_month: int,
        term: int,
        period0: int,
        level: int,
    ) -> None:
        self._terms = terms
        self._principal_cents = principal_cents
        self._principals, self._interests = parts
        self.start_month = start_month
        self.term = term
        self._period0 = period0
        self.level = level
        self._installments: tuple[Installment, ...] | None = None
        self._apr: Decimal | None = None

    @property
    def terms(self) -> Terms:
        return self._terms

    @property
    def principal_cents(self) -> int:
        return self._principal_cents

    @property
    def principal_parts(self) -> list[int]:
        """Principal per installment in cents (a copy)."""
        return list(self._principals)

    @property
    def first_period(self) -> int:
        """The period number of the first installment: 1, or later after a prepayment."""
        return self._period0 + 1

    @property
    def principal(self) -> Decimal:
        return money(self._principal_cents)

    @property
    def annual_rate(self) -> Decimal:
        return self._terms.annual_rate

    @property
    def method(self) -> RepaymentMethod:
        return RepaymentMethod(self._terms.method)

    @property
    def convention(self) -> InterestConvention:
        return InterestConvention(self._terms.convention)

    @property
    def start(self) -> date:
        """The date this schedule counts from: the loan's start, or the last due date paid."""
        return add_months(self._terms.start, self.start_month)

    def _months(self) -> range:
        if self._terms.method == BULLET:
            first = self.start_month + self.term
        else:
            first = self.start_month + 1
        return range(first, first + len(self._principals))

    @property
    def installments(self) -> tuple[Installment, ...]:
        if self._installments is None:
            self._installments = self._materialise()
        return self._installments

    def _balances(self) -> list[int]:
        balances = list(accumulate(self._principals, operator.sub, initial=self._principal_cents))
        del balances[0]
        return balances

    def _periods(self) -> range:
        return range(self._period0 + 1, self._period0 + 1 + len(self._principals))

    def cent_rows(self) -> tuple[CentRow, ...]:
        """Every installment with its due date and amounts in exact integer cents."""
        columns = zip(
            self._periods(),
            due_dates(self._terms.start, self._months()),
            self._principals,
            self._interests,
            self._balances(),
            strict=True,
        )
        return tuple(map(tuple.__new__, repeat(CentRow), columns))

    def _materialise(self) -> tuple[Installment, ...]:
        principals, interests = self._principals, self._interests
        columns = zip(
            self._periods(),
            due_dates(self._terms.start, self._months()),
            _money_column(principals),
            _money_column(interests),
            _money_column(list(map(operator.add, principals, interests))),
            list(map(_to_money, self._balances())),
            strict=True,
        )
        # tuple.__new__ is the NamedTuple constructor without its per-call keyword handling
        return tuple(map(tuple.__new__, repeat(Installment), columns))

    @property
    def total_principal(self) -> Decimal:
        return money(sum(self._principals))

    @property
    def total_interest(self) -> Decimal:
        return money(sum(self._interests))

    @property
    def total_payment(self) -> Decimal:
        return money(sum(self._principals) + sum(self._interests))

    @property
    def apr(self) -> Decimal:
        """年化利率 by the IRR method, a fraction to 6 places (see schedule/apr.py)."""
        if self._apr is None:
            payments = map(operator.add, self._principals, self._interests)
            flows = [
                (month - self.start_month, paid)
                for month, paid in zip(self._months(), payments, strict=True)
            ]
            guess = self._terms.rate_num / self._terms.rate_den / 12
            self._apr = annualised_rate(self._principal_cents, flows, guess)
        return self._apr

    def __repr__(self) -> str:
        return (
            f"Schedule(principal={self.principal}, annual_rate={self.annual_rate}, "
            f"method={self._terms.method}, installments={len(self._principals)})"
        )
