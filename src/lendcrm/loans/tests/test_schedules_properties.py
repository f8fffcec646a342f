"""Properties of every schedule, and the integer fast path against the all-Decimal reference."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from itertools import pairwise

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from lendcrm.loans.choices import RepaymentMethod
from lendcrm.loans.schedule.reference import reference_schedule
from lendcrm.loans.schedules import (
    InterestConvention,
    PrepaymentMode,
    Schedule,
    build_schedule,
    reschedule_after_prepayment,
)

ZERO = Decimal("0.00")
EI = RepaymentMethod.EQUAL_INSTALLMENT
MONTHLY = InterestConvention.MONTHLY_30_360
DAILY = InterestConvention.ACTUAL_365
# a 360-period schedule on a shared, busy machine can take longer than hypothesis' 200 ms
NO_DEADLINE = settings(deadline=None)

principals = st.integers(10_000, 500_000_000).map(lambda cents: Decimal(cents).scaleb(-2))
rates = st.integers(0, 360_000).map(lambda millionths: Decimal(millionths).scaleb(-6))
terms = st.integers(1, 360)
methods = st.sampled_from(list(RepaymentMethod))
conventions = st.sampled_from(list(InterestConvention))
starts = st.dates(date(2000, 1, 1), date(2099, 12, 31))


@st.composite
def schedules(draw: st.DrawFn, convention: InterestConvention | None = None) -> Schedule:
    return build_schedule(
        draw(principals),
        draw(rates),
        draw(terms),
        draw(methods),
        draw(starts),
        convention=convention or draw(conventions),
    )


def assert_repays_exactly(schedule: Schedule) -> None:
    rows = schedule.installments
    assert sum(row.principal for row in rows) == schedule.principal
    assert all(min(row.principal, row.interest, row.payment, row.balance) >= 0 for row in rows)
    assert all(row.payment == row.principal + row.interest for row in rows)
    balances = [schedule.principal] + [row.balance for row in rows]
    assert [before - after for before, after in pairwise(balances)] == [r.principal for r in rows]
    assert rows[-1].balance == ZERO
    assert all(row.principal.as_tuple().exponent == -2 for row in rows)
    assert schedule.total_principal == schedule.principal
    assert schedule.total_interest == sum(row.interest for row in rows)
    assert schedule.total_payment == schedule.total_principal + schedule.total_interest


@NO_DEADLINE
@given(schedules())
def test_principal_is_repaid_exactly_with_no_negative_amount(schedule: Schedule) -> None:
    assert_repays_exactly(schedule)


@NO_DEADLINE
@given(schedules(InterestConvention.MONTHLY_30_360))
def test_each_method_has_its_shape(schedule: Schedule) -> None:
    rows = schedule.installments
    if schedule.method == RepaymentMethod.EQUAL_INSTALLMENT:
        assert len({row.payment for row in rows[:-1]}) <= 1
    elif schedule.method == RepaymentMethod.EQUAL_PRINCIPAL:
        assert len({row.principal for row in rows[:-1]}) <= 1
        assert all(a.interest >= b.interest for a, b in pairwise(rows))
    elif schedule.method == RepaymentMethod.INTEREST_FIRST:
        assert all(row.principal == ZERO for row in rows[:-1])
        assert rows[-1].principal == schedule.principal
    else:
        assert len(rows) == 1
        assert rows[0].principal == schedule.principal
    assert len(rows) == (1 if schedule.method == RepaymentMethod.BULLET else schedule.term)


@NO_DEADLINE
@given(principals, rates, terms, methods, starts)
def test_due_dates_keep_the_start_day_clamped_to_month_end(
    principal: Decimal, rate: Decimal, term: int, method: RepaymentMethod, start: date
) -> None:
    rows = build_schedule(principal, rate, term, method, start).installments
    months = range(term - len(rows) + 1, term + 1)
    for month, row in zip(months, rows, strict=True):
        year, month_index = divmod(start.year * 12 + start.month - 1 + month, 12)
        last_day = calendar.monthrange(year, month_index + 1)[1]
        assert row.due_date == date(year, month_index + 1, min(start.day, last_day))


@settings(max_examples=300, deadline=None)
@given(principals, rates, terms, methods, starts, conventions)
@example(Decimal("599.65"), Decimal("0.2811"), 255, EI, date(2025, 1, 31), MONTHLY)
@example(Decimal("599.65"), Decimal("0.2811"), 255, EI, date(2025, 1, 31), DAILY)
@example(
    Decimal("100"), Decimal("0"), 360, RepaymentMethod.EQUAL_PRINCIPAL, date(2024, 2, 29), DAILY
)
def test_integer_fast_path_equals_the_decimal_reference(
    principal: Decimal,
    rate: Decimal,
    term: int,
    method: RepaymentMethod,
    start: date,
    convention: InterestConvention,
) -> None:
    fast = build_schedule(principal, rate, term, method, start, convention=convention)

    reference = reference_schedule(
        principal, rate, term, method, start, daily=convention == InterestConvention.ACTUAL_365
    )

    assert [(row.due_date, row.principal, row.interest) for row in fast.installments] == reference


@NO_DEADLINE
@given(schedules(InterestConvention.MONTHLY_30_360))
def test_apr_is_a_rounded_fraction(schedule: Schedule) -> None:
    assert schedule.apr.as_tuple().exponent == -6
    assert schedule.apr >= 0
    assert schedule.total_interest > 0 or schedule.apr == 0


@NO_DEADLINE
@given(
    principals.filter(lambda amount: amount >= 100_000),
    rates.filter(bool),
    terms,
    methods.filter(lambda method: method != RepaymentMethod.BULLET),
    starts,
)
def test_apr_of_monthly_payments_is_the_contract_rate(
    principal: Decimal, rate: Decimal, term: int, method: RepaymentMethod, start: date
) -> None:
    schedule = build_schedule(principal, rate, term, method, start)

    # paying monthly at rate / 12 is an IRR of the rate itself, but for cents of rounding
    assert abs(schedule.apr - rate) <= Decimal("0.000010")


@NO_DEADLINE
@given(principals.filter(lambda amount: amount >= 100_000), rates.filter(bool), terms, starts)
def test_apr_of_a_bullet_is_below_the_contract_rate(
    principal: Decimal, rate: Decimal, term: int, start: date
) -> None:
    schedule = build_schedule(principal, rate, term, RepaymentMethod.BULLET, start)

    # simple interest paid once at maturity compounds to less than monthly payments would
    assert schedule.apr <= rate + Decimal("0.000001")


@st.composite
def prepayments(draw: st.DrawFn) -> tuple[Schedule, int, Decimal, PrepaymentMode]:
    schedule = draw(schedules())
    paid_through = draw(st.integers(0, len(schedule.installments) - 1))
    balance = (
        schedule.installments[paid_through - 1].balance if paid_through else schedule.principal
    )
    cents = int(balance * 100)
    assume(cents > 1)
    amount = Decimal(draw(st.integers(1, cents - 1))).scaleb(-2)
    keep = draw(st.sampled_from(list(PrepaymentMode)))
    if schedule.method in (RepaymentMethod.BULLET, RepaymentMethod.INTEREST_FIRST):
        keep = PrepaymentMode.KEEP_TERM
    return schedule, paid_through, amount, keep


@NO_DEADLINE
@given(prepayments())
def test_prepayment_leaves_a_schedule_repaying_the_rest(
    case: tuple[Schedule, int, Decimal, PrepaymentMode],
) -> None:
    schedule, paid_through, amount, keep = case
    balance = schedule.principal - sum(r.principal for r in schedule.installments[:paid_through])

    rest = reschedule_after_prepayment(
        schedule, paid_through=paid_through, amount=amount, keep=keep
    )

    assert rest.principal == balance - amount
    assert_repays_exactly(rest)
    later = {row.period: row.due_date for row in schedule.installments}
    assert all(later[row.period] == row.due_date for row in rest.installments)
    if keep == PrepaymentMode.KEEP_TERM:
        assert rest.installments[-1].period == schedule.installments[-1].period
    else:
        assert len(rest.installments) <= len(schedule.installments) - paid_through


def draw_prepayment(data: st.DataObject, schedule: Schedule) -> tuple[int, Decimal] | None:
    rows = schedule.installments
    settled = data.draw(st.integers(0, len(rows) - 1))
    balance = rows[settled - 1].balance if settled else schedule.principal
    if balance <= Decimal("0.01"):
        return None
    amount = Decimal(data.draw(st.integers(1, int(balance * 100) - 1))).scaleb(-2)
    return schedule.first_period - 1 + settled, amount


@NO_DEADLINE
@given(schedules(), st.data())
def test_prepayments_replayed_in_order_keep_the_loan_consistent(
    schedule: Schedule, data: st.DataObject
) -> None:
    level = schedule.method in (RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.EQUAL_PRINCIPAL)
    modes = list(PrepaymentMode) if level else [PrepaymentMode.KEEP_TERM]
    current = schedule
    for _ in range(2):
        step = draw_prepayment(data, current)
        assume(step is not None)
        assert step is not None
        paid_through, amount = step
        keep = data.draw(st.sampled_from(modes))

        current = reschedule_after_prepayment(
            current, paid_through=paid_through, amount=amount, keep=keep
        )

        assert current.first_period == paid_through + 1
        assert_repays_exactly(current)
        due = {row.period: row.due_date for row in schedule.installments}
        assert all(due[row.period] == row.due_date for row in current.installments)
