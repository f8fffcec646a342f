"""A plain all-Decimal implementation of the schedule rules, per period, for checking the
integer fast path (tests) and as the baseline it is timed against (benchmarks).

It follows the rules of `lendcrm.loans.schedules` step for step: the same rounding points, the
same residue in the last period, the same lowering of a payment that would end a loan early.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal, localcontext

from lendcrm.loans.schedule.calendar import add_months

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
TWELVE = Decimal(12)
DAYS_IN_YEAR = Decimal(365)
_WORKING = Context(prec=60, rounding=ROUND_HALF_UP)

Row = tuple[date, Decimal, Decimal]  # due date, principal part, interest


def _cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _annuity_payment(principal: Decimal, rate: Decimal, term: int) -> Decimal:
    if rate == 0:
        return _cent(principal / term)
    growth_digits = len((TWELVE + rate).as_tuple().digits) * term
    # enough digits for the powers to be exact and the division to round only once in effect
    with localcontext(Context(prec=2 * growth_digits + 60, rounding=ROUND_HALF_UP)):
        growth = (TWELVE + rate) ** term
        return _cent(principal * rate * growth / (TWELVE * (growth - TWELVE**term)))


class _Reference:
    def __init__(self, rate: Decimal, start: date, daily: bool) -> None:
        self.rate = rate
        self.start = start
        self.daily = daily

    def due(self, period: int) -> date:
        return add_months(self.start, period)

    def interest(self, balance: Decimal, period: int) -> Decimal:
        if not self.daily:
            return _cent(balance * self.rate / TWELVE)
        days = (self.due(period) - self.due(period - 1)).days
        return _cent(balance * self.rate * days / DAYS_IN_YEAR)

    def level_payment(self, principal: Decimal, term: int, payment: Decimal) -> list[Row] | None:
        rows = []
        balance = principal
        for period in range(1, term):
            interest = self.interest(balance, period)
            part = max(payment - interest, ZERO)
            if part >= balance:
                return None
            balance -= part
            rows.append((self.due(period), part, interest))
        rows.append((self.due(term), balance, self.interest(balance, term)))
        return rows

    def equal_installment(self, principal: Decimal, term: int) -> list[Row]:
        payment = _annuity_payment(principal, self.rate, term)
        while (rows := self.level_payment(principal, term, payment)) is None:
            payment -= CENT
        return rows

    def equal_principal(self, principal: Decimal, term: int) -> list[Row]:
        part = _cent(principal / term)
        if part * (term - 1) >= principal:
            part = (principal / term).quantize(CENT, rounding=ROUND_DOWN)
        rows = []
        balance = principal
        for period in range(1, term):
            rows.append((self.due(period), part, self.interest(balance, period)))
            balance -= part
        rows.append((self.due(term), balance, self.interest(balance, term)))
        return rows

    def interest_first(self, principal: Decimal, term: int) -> list[Row]:
        rows = [(self.due(p), ZERO, self.interest(principal, p)) for p in range(1, term)]
        return [*rows, (self.due(term), principal, self.interest(principal, term))]

    def bullet(self, principal: Decimal, term: int) -> list[Row]:
        if self.daily:
            days = (self.due(term) - self.start).days
            interest = _cent(principal * self.rate * days / DAYS_IN_YEAR)
        else:
            interest = _cent(principal * self.rate * term / TWELVE)
        return [(self.due(term), principal, interest)]


def reference_schedule(
    principal: Decimal, annual_rate: Decimal, term: int, method: str, start: date, *, daily: bool
) -> list[Row]:
    """(due date, principal part, interest) per installment, computed in Decimal throughout."""
    with localcontext(_WORKING):
        builder = _Reference(annual_rate, start, daily)
        rows: list[Row] = getattr(builder, str(method))(principal, term)
        return rows
